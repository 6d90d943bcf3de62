"""The directory as Open Referral UK / HSDS 3.0: export, import and the read API's documents.

Each programme becomes one HSDS ``service`` with its ``organization`` (the provider),
``service_areas`` (one per area served, with the ONS statistical-geography URI of its GSS
code), ``cost_options``/``fees_description``, ``schedules`` (start and end dates) and
``attributes`` linking it to taxonomy terms: its support types, sectors and business stages,
and the finder's own fields that HSDS has no place for (the programme's slug, employee and
turnover bounds) as terms of the ``scaleup-finder-field`` taxonomy whose attribute value is
the field's value. So an export imports back to the same directory, and a directory from
elsewhere imports as far as its records say what the finder needs.

HSDS identifiers are UUIDs: they are derived (UUID 5) from our slugs, so an export is stable
from one run to the next. An optional field is left out rather than written as ``null``
(HSDS types them as strings). Documents follow ``spec/hsds-3.0``: ``compiled/service.json``
for one service, the API's paged list (``Page`` + ``contents``) for lists.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scaleup.errors import Problem
from scaleup.finder.records import STAGES, SUPPORT_TYPES, UK, ProgrammePublic, programme_id
from scaleup.geo import GSS_ANY

HSDS_VERSION = "3.0"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/scaleup/finder")
UK_CODE = "K02000001"
GEOGRAPHY_URI = "http://statistics.data.gov.uk/id/statistical-geography/"
GSS = re.compile(rf"\b({GSS_ANY})\b")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Taxonomy:
    """One of the finder's taxonomies: the programme field it classifies and what it is."""

    key: str
    field: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return _id("taxonomy", self.key)


TAXONOMIES = (
    Taxonomy(
        "scaleup-support-type",
        "support_types",
        "ScaleUp support types",
        "The kind of help a business support programme gives: " + ", ".join(SUPPORT_TYPES) + ".",
    ),
    Taxonomy(
        "scaleup-sector",
        "sectors",
        "ScaleUp sectors",
        "The sectors a programme is limited to, in the words of its provider; "
        "a programme with none serves every sector.",
    ),
    Taxonomy(
        "scaleup-business-stage",
        "stages",
        "ScaleUp business stages",
        "The stages of a business a programme serves, as GOV.UK's business support finder "
        "names them: " + ", ".join(STAGES) + ".",
    ),
)
FIELD_TAXONOMY = Taxonomy(
    "scaleup-finder-field",
    "",
    "ScaleUp finder fields",
    "Fields of the ScaleUp support finder that HSDS has no place for; the attribute's value "
    "is the field's value (the programme's identifier, employee and turnover bounds).",
)
EXTRA_FIELDS = {
    "id": "The programme's identifier in the ScaleUp support finder.",
    "min_employees": "The fewest employees a firm may have to take part.",
    "max_employees": "The most employees a firm may have to take part.",
    "min_turnover": "The smallest turnover a firm may have to take part, in GBP thousands.",
}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def organization_id(provider: str) -> str:
    return _id("organization", provider.lower())


def service_id(programme_id: str) -> str:
    return _id("service", programme_id)


def _size_text(
    min_employees: int | None, max_employees: int | None, min_turnover: int | None
) -> str:
    parts = []
    if min_employees is not None and max_employees is not None:
        parts.append(f"Firms with {min_employees} to {max_employees} employees.")
    elif min_employees is not None:
        parts.append(f"Firms with at least {min_employees} employees.")
    elif max_employees is not None:
        parts.append(f"Firms with at most {max_employees} employees.")
    if min_turnover is not None:
        parts.append(f"Turnover of at least £{min_turnover:,} thousand.")
    return " ".join(parts)


def _eligibility(record: ProgrammePublic) -> str:
    size = _size_text(record.min_employees, record.max_employees, record.min_turnover)
    return " ".join(p for p in (record.eligibility, size) if p)


def _term(taxonomy: Taxonomy, value: str, description: str | None = None) -> dict[str, Any]:
    return {
        "id": _id("term", taxonomy.key, value.lower()),
        "code": value.lower().replace(" ", "-"),
        "name": value,
        "description": description or f"{value}: one of the {taxonomy.name.lower()}.",
        "taxonomy": taxonomy.key,
        "taxonomy_id": taxonomy.id,
    }


def taxonomy_document(taxonomy: Taxonomy) -> dict[str, Any]:
    return {
        "id": taxonomy.id,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "version": "1",
    }


def _attribute(record_id: str, sid: str, term: dict[str, Any], value: str) -> dict[str, Any]:
    return {
        "id": _id("attribute", record_id, term["taxonomy"], term["code"]),
        "link_id": sid,
        "link_type": term["taxonomy"],
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "value": value,
        "taxonomy_term": term,
    }


def _attributes(record: ProgrammePublic, sid: str) -> list[dict[str, Any]]:
    out = []
    for taxonomy in TAXONOMIES:
        for value in getattr(record, taxonomy.field):
            out.append(_attribute(record.id, sid, _term(taxonomy, value), value))
    for name, meaning in EXTRA_FIELDS.items():
        value = getattr(record, name)
        if value is not None:
            term = _term(FIELD_TAXONOMY, name, meaning)
            out.append(_attribute(record.id, sid, term, str(value)))
    return out


def organization_description(provider: str, names: list[str]) -> str:
    """What the directory knows about a provider: the programmes it runs."""
    listed = sorted(names)
    if len(listed) == 1:
        return f"{provider} runs {listed[0]}, a business support programme in this directory."
    return (
        f"{provider} runs {len(listed)} business support programmes in this directory: "
        + ", ".join(listed[:-1])
        + f" and {listed[-1]}."
    )


def organization(provider: str, names: list[str]) -> dict[str, Any]:
    return {
        "id": organization_id(provider),
        "name": provider,
        "description": organization_description(provider, names),
    }


def to_service(
    record: ProgrammePublic,
    names: dict[str, str],
    runs: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """One programme as an HSDS 3.0 service (``compiled/service.json``), fully nested.

    ``names``: code -> name of the areas; ``runs``: provider -> the names of the programmes
    it runs (for the organisation's description; this programme alone when absent)."""
    sid = service_id(record.id)
    areas = []
    for code in record.areas:
        gss = UK_CODE if code == UK else code
        areas.append(
            {
                "id": _id("service_area", record.id, code),
                "service_id": sid,
                "name": names.get(code, "United Kingdom" if code == UK else code),
                "description": f"GSS code {gss}",
                "extent_type": "ons_statistical_geography",
                "uri": GEOGRAPHY_URI + gss,
            }
        )
    provided = (runs or {}).get(record.provider, [record.name])
    service: dict[str, Any] = {
        "id": sid,
        "organization_id": organization_id(record.provider),
        "name": record.name,
        "description": record.summary,
        "url": record.url,
        "status": "inactive" if record.retired else "active",
        "assured_date": record.updated.isoformat(),
        "last_modified": f"{record.updated.isoformat()}T00:00:00Z",
    }
    eligibility = _eligibility(record)
    if eligibility:
        service["eligibility_description"] = eligibility
    if record.cost:
        service["fees_description"] = record.cost
    if record.contact and EMAIL.match(record.contact):
        service["email"] = record.contact
    service["organization"] = organization(record.provider, provided)
    service["service_areas"] = areas
    service["attributes"] = _attributes(record, sid)
    service["contacts"] = []
    if record.contact and not EMAIL.match(record.contact):
        service["contacts"].append(
            {"id": _id("contact", record.id), "service_id": sid, "name": record.contact}
        )
    if record.starts or record.ends:
        schedule: dict[str, Any] = {
            "id": _id("schedule", record.id),
            "service_id": sid,
            "description": "When the programme runs.",
        }
        if record.starts:
            schedule["valid_from"] = record.starts.isoformat()
        if record.ends:
            schedule["valid_to"] = record.ends.isoformat()
        service["schedules"] = [schedule]
    service["metadata"] = [
        {
            "id": _id("metadata", record.id),
            "resource_id": sid,
            "resource_type": "service",
            "last_action_date": record.updated.isoformat(),
            "last_action_type": "update",
            "field_name": "",
            "previous_value": "",
            "replacement_value": "",
            "updated_by": "scaleup finder",
        }
    ]
    return service


LIST_FIELDS = (
    "id", "organization_id", "name", "description", "url", "email", "status",
    "fees_description", "eligibility_description", "assured_date", "last_modified",
)  # fmt: skip


def service_summary(service: dict[str, Any]) -> dict[str, Any]:
    """A full service cut to ``compiled/service_list.json``: its one-to-one fields and its
    organisation's."""
    out = {k: service[k] for k in LIST_FIELDS if k in service}
    out["organization"] = service["organization"]
    return out


# --- the directory as documents -------------------------------------------------------


@dataclass(frozen=True)
class HsdsDirectory:
    """Every document of the HSDS read API for one directory, each in the shape of its
    schema (services fully nested)."""

    services: tuple[dict[str, Any], ...]
    organizations: tuple[dict[str, Any], ...]
    taxonomies: tuple[dict[str, Any], ...]
    terms: tuple[dict[str, Any], ...]

    def service(self, sid: str) -> dict[str, Any] | None:
        return next((s for s in self.services if s["id"] == sid), None)

    def organization(self, oid: str, full_service: bool = False) -> dict[str, Any] | None:
        """One organisation, nested with its services (``full_service``: fully nested
        services, else as ``compiled/service_list.json`` lists them)."""
        found = next((o for o in self.organizations if o["id"] == oid), None)
        if found is None:
            return None
        mine = [s for s in self.services if s["organization_id"] == oid]
        return {**found, "services": mine if full_service else [service_summary(s) for s in mine]}


def runs_by_provider(records: Iterable[ProgrammePublic]) -> dict[str, list[str]]:
    runs: dict[str, list[str]] = {}
    for record in records:
        runs.setdefault(record.provider, []).append(record.name)
    return runs


def directory(records: list[ProgrammePublic], names: dict[str, str]) -> HsdsDirectory:
    runs = runs_by_provider(records)
    services = tuple(to_service(r, names, runs) for r in records)
    organizations = {s["organization"]["id"]: s["organization"] for s in services}
    terms: dict[str, dict[str, Any]] = {}
    for service in services:
        for attribute in service["attributes"]:
            terms.setdefault(attribute["taxonomy_term_id"], attribute["taxonomy_term"])
    used = {t["taxonomy_id"] for t in terms.values()}
    taxonomies = tuple(taxonomy_document(t) for t in (*TAXONOMIES, FIELD_TAXONOMY) if t.id in used)
    return HsdsDirectory(
        services=services,
        organizations=tuple(sorted(organizations.values(), key=lambda o: o["name"].lower())),
        taxonomies=taxonomies,
        terms=tuple(sorted(terms.values(), key=lambda t: (t["taxonomy"], t["name"].lower()))),
    )


def page(items: list[dict[str, Any]], number: int, per_page: int) -> dict[str, Any]:
    """One page of ``items`` as the HSDS API's ``Page`` with its ``contents``."""
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    start = (number - 1) * per_page
    contents = items[start : start + per_page]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not contents,
        "contents": contents,
    }


def to_hsds(records: list[ProgrammePublic], names: dict[str, str]) -> dict[str, Any]:
    """The whole directory as one HSDS API page of fully nested services (the export)."""
    services = list(directory(records, names).services)
    return page(services, 1, max(1, len(services)))


# --- import ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _gss_of(area: dict[str, Any]) -> str | None:
    for key in ("uri", "description", "name", "extent"):
        found = GSS.search(_text(area.get(key)))
        if found:
            return found.group(1)
    return None


def _terms_of(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(taxonomy, term name, attribute value) of each attribute of the service."""
    out = []
    for attribute in service.get("attributes") or []:
        if not isinstance(attribute, dict):
            continue
        term = attribute.get("taxonomy_term")
        term = term if isinstance(term, dict) else {}
        taxonomy = _text(term.get("taxonomy")) or _text(attribute.get("link_type"))
        name = _text(term.get("name")) or _text(term.get("code"))
        out.append((taxonomy, name, _text(attribute.get("value")) or name))
    return out


def _date(value: Any) -> str | None:
    text = _text(value)
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None


def from_service(service: dict[str, Any]) -> dict[str, Any]:
    """An HSDS 3.0 service as a finder record's fields, for
    :func:`scaleup.finder.directory.check_record`.

    Support types and stages are taken from the finder's taxonomies, or from any term whose
    name is one of ours; areas from each service area's GSS code (K02000001: the UK)."""
    found = service.get("organization")
    org: dict[str, Any] = found if isinstance(found, dict) else {}
    data: dict[str, Any] = {
        "name": _text(service.get("name")),
        "provider": _text(org.get("name")),
        "summary": _text(service.get("description")),
        "url": _text(service.get("url")) or _text(org.get("website")),
        "cost": _text(service.get("fees_description")),
        "retired": _text(service.get("status")) not in ("", "active"),
    }
    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = {"support_types": [], "sectors": [], "stages": []}
    for taxonomy, name, value in _terms_of(service):
        if taxonomy == FIELD_TAXONOMY.key:
            fields[name] = value
        elif taxonomy == "scaleup-sector":
            lists["sectors"].append(value)
        elif value.lower() in SUPPORT_TYPES:
            lists["support_types"].append(value.lower())
        elif value.lower() in STAGES:
            lists["stages"].append(value.lower())
    data.update(lists)
    data["id"] = fields.get("id") or programme_id(data["name"])
    for name in ("min_employees", "max_employees", "min_turnover"):
        data[name] = fields.get(name) or None
    areas = []
    for area in service.get("service_areas") or []:
        code = _gss_of(area) if isinstance(area, dict) else None
        if code:
            areas.append(UK if code == UK_CODE else code)
    data["areas"] = areas
    eligibility = _text(service.get("eligibility_description"))
    size = _size_text(*(_int(data[n]) for n in ("min_employees", "max_employees", "min_turnover")))
    if size and eligibility.endswith(size):
        eligibility = eligibility[: -len(size)].strip()
    data["eligibility"] = eligibility
    contact = _text(service.get("email"))
    for person in service.get("contacts") or []:
        if not contact and isinstance(person, dict):
            contact = _text(person.get("email")) or _text(person.get("name"))
    for phone in service.get("phones") or []:
        if not contact and isinstance(phone, dict):
            contact = _text(phone.get("number"))
    data["contact"] = contact
    for schedule in service.get("schedules") or []:
        if isinstance(schedule, dict):
            data["starts"] = _date(schedule.get("valid_from"))
            data["ends"] = _date(schedule.get("valid_to"))
            break
    updated = _date(service.get("assured_date")) or _date(service.get("last_modified"))
    if updated:
        data["updated"] = updated
    return data


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def services_in(data: Any) -> list[Any] | None:
    """The service records of an HSDS document: the API's page (``contents``), a list of
    services, or one service; None when ``data`` is none of these."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return list(data["contents"])
    if isinstance(data, list):
        objects = [s for s in data if isinstance(s, dict)]
        if any("status" in s for s in objects) and not any("support_types" in s for s in objects):
            return data
        return None
    if isinstance(data, dict) and "status" in data and "name" in data:
        return [data]
    return None


def is_hsds(data: Any) -> bool:
    return services_in(data) is not None and not (isinstance(data, dict) and "programmes" in data)


def missing_taxonomy(name: str, where: int, data: dict[str, Any]) -> list[Problem]:
    """Problems a generic validation message would not explain: what HSDS must carry."""
    out = []
    if not data["support_types"]:
        out.append(
            Problem(
                name,
                "no support type: tag the service with a taxonomy term named one of "
                f"{list(SUPPORT_TYPES)}",
                (where,),
                "support_types",
                True,
            )
        )
    if not data["areas"]:
        out.append(
            Problem(
                name,
                "no service area with a GSS code (e.g. a uri ending in /E37000045, or "
                "K02000001 for the UK)",
                (where,),
                "areas",
                True,
            )
        )
    return out


def has_finder_id(service: dict[str, Any]) -> bool:
    return any(t == FIELD_TAXONOMY.key and n == "id" for t, n, _v in _terms_of(service))
