"""The directory as Open Referral UK / HSDS 3.0 services.

Each programme becomes one HSDS ``service`` with its ``organization`` (the provider),
``service_areas`` (one per area served, with the ONS statistical-geography URI of its GSS
code), and ``attributes`` linking it to taxonomy terms for its support types, sectors and
business stages. HSDS identifiers are UUIDs: they are derived (UUID 5) from our slugs, so
an export is stable from one run to the next.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from scaleup.finder.records import UK, ProgrammePublic

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/scaleup/finder")
UK_CODE = "K02000001"
GEOGRAPHY_URI = "http://statistics.data.gov.uk/id/statistical-geography/"
TAXONOMIES = {
    "support_types": "scaleup-support-type",
    "sectors": "scaleup-sector",
    "stages": "scaleup-business-stage",
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _eligibility(record: ProgrammePublic) -> str:
    parts = [record.eligibility] if record.eligibility else []
    if record.min_employees is not None and record.max_employees is not None:
        parts.append(f"Firms with {record.min_employees} to {record.max_employees} employees.")
    elif record.min_employees is not None:
        parts.append(f"Firms with at least {record.min_employees} employees.")
    elif record.max_employees is not None:
        parts.append(f"Firms with at most {record.max_employees} employees.")
    if record.min_turnover is not None:
        parts.append(f"Turnover of at least £{record.min_turnover:,} thousand.")
    return " ".join(parts)


def to_service(record: ProgrammePublic, names: dict[str, str]) -> dict[str, Any]:
    service_id = _id("service", record.id)
    org_id = _id("organization", record.provider.lower())
    attributes = []
    for field, taxonomy in TAXONOMIES.items():
        for value in getattr(record, field):
            term_id = _id("term", taxonomy, value.lower())
            attributes.append(
                {
                    "id": _id("attribute", record.id, taxonomy, value.lower()),
                    "link_id": service_id,
                    "link_type": field,
                    "link_entity": "service",
                    "taxonomy_term_id": term_id,
                    "value": value,
                    "taxonomy_term": {
                        "id": term_id,
                        "code": value.lower().replace(" ", "-"),
                        "name": value,
                        "description": f"{value} ({taxonomy})",
                        "taxonomy": taxonomy,
                    },
                }
            )
    areas = []
    for code in record.areas:
        gss = UK_CODE if code == UK else code
        areas.append(
            {
                "id": _id("service_area", record.id, code),
                "service_id": service_id,
                "name": names.get(code, "United Kingdom" if code == UK else code),
                "description": f"GSS code {gss}",
                "uri": GEOGRAPHY_URI + gss,
            }
        )
    contact = record.contact
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": org_id,
        "name": record.name,
        "description": record.summary,
        "url": record.url,
        "status": "inactive" if record.retired else "active",
        "fees_description": record.cost or None,
        "eligibility_description": _eligibility(record) or None,
        "assured_date": record.updated.isoformat(),
        "last_modified": f"{record.updated.isoformat()}T00:00:00Z",
        "organization": {
            "id": org_id,
            "name": record.provider,
            "description": f"Provider of {record.name}.",
        },
        "service_areas": areas,
        "attributes": attributes,
        "contacts": [],
    }
    if contact and EMAIL.match(contact):
        service["email"] = contact
    elif contact:
        service["contacts"].append(
            {"id": _id("contact", record.id), "service_id": service_id, "name": contact}
        )
    if record.starts or record.ends:
        service["schedules"] = [
            {
                "id": _id("schedule", record.id),
                "service_id": service_id,
                "valid_from": record.starts.isoformat() if record.starts else None,
                "valid_to": record.ends.isoformat() if record.ends else None,
            }
        ]
    service["metadata"] = [
        {
            "id": _id("metadata", record.id),
            "resource_id": service_id,
            "resource_type": "service",
            "last_action_date": record.updated.isoformat(),
            "last_action_type": "update",
            "field_name": "",
            "previous_value": "",
            "replacement_value": "",
            "updated_by": "scaleup finder export",
        }
    ]
    return service


def to_hsds(records: list[ProgrammePublic], names: dict[str, str]) -> list[dict[str, Any]]:
    """The directory as a list of HSDS 3.0 services (each with its organization nested)."""
    return [to_service(r, names) for r in records]
