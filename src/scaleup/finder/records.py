"""The support finder's record: one programme, as contracts.md "The support finder's records".

A model family, so that internal fields never leak: :class:`ProgrammeBase` holds what an
editor writes; :class:`ProgrammeCreate` adds the id (and may carry ``updated`` and
``retired`` when a directory is imported); :class:`ProgrammeUpdate` is a partial change;
:class:`ProgrammePublic` is what the API and the pages show. The table itself is
:class:`scaleup.store.programmes.Programme`.

The facets follow GOV.UK's business support finder: support type, business stage,
business size (employees), region/area and sector.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from scaleup.geo import AREA_CODE, AREA_CODE_MEANING
from scaleup.slugs import SLUG_MEANING, is_slug, slugify
from scaleup.tables import ISO_DATE, WHOLE_NUMBER

SUPPORT_TYPES: tuple[str, ...] = (
    "advice",
    "mentoring",
    "training",
    "peer network",
    "accelerator",
    "grant",
    "finance",
    "loan",
    "equity",
    "recognition award",
)
STAGES: tuple[str, ...] = ("pre-start", "start-up", "grow and sustain", "exiting a business")
# GOV.UK's business-size bands, as (label, min employees, max employees or None).
SIZE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-9": (0, 9),
    "10-249": (10, 249),
    "250-499": (250, 499),
    "500-999": (500, 999),
    "1000+": (1000, None),
}
UK = "UK"
LIST_SEPARATOR = ";"
LIST_FIELDS = ("support_types", "sectors", "stages", "areas")
FIELDS = (
    "id",
    "name",
    "provider",
    "summary",
    "url",
    "support_types",
    "sectors",
    "stages",
    "areas",
    "eligibility",
    "min_employees",
    "max_employees",
    "min_turnover",
    "cost",
    "starts",
    "ends",
    "contact",
    "updated",
    "retired",
)
REQUIRED = ("id", "name", "provider", "summary", "url", "support_types", "areas")


def programme_id(name: str, limit: int = 80) -> str:
    """A programme's id made from its name (the one slug rule, :mod:`scaleup.slugs`)."""
    return slugify(name, fallback="programme", limit=limit)


def _check_slug(value: str) -> str:
    if not is_slug(value):
        raise ValueError(f"expected a slug of {SLUG_MEANING}, got {value!r}")
    return value


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError(f"expected an http:// or https:// address, got {value!r}")
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(value: str) -> str:
    """Refuse control characters (a NUL cannot even be stored by PostgreSQL)."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(f"control character {found.group()!r} is not allowed")
    return value


def _clean_items(values: list[str]) -> list[str]:
    seen: list[str] = []
    for raw in values:
        item = " ".join(raw.split())
        if not item:
            raise ValueError("an empty item")
        if LIST_SEPARATOR in item:
            raise ValueError(f"an item may not contain {LIST_SEPARATOR!r}, got {item!r}")
        if item not in seen:
            seen.append(item)
    return seen


def _check_support(values: list[str]) -> list[str]:
    values = [v.lower() for v in _clean_items(values)]
    bad = [v for v in values if v not in SUPPORT_TYPES]
    if bad:
        raise ValueError(f"expected each of {list(SUPPORT_TYPES)}, got {bad[0]!r}")
    return list(dict.fromkeys(values))


def _check_stages(values: list[str]) -> list[str]:
    values = [v.lower() for v in _clean_items(values)]
    bad = [v for v in values if v not in STAGES]
    if bad:
        raise ValueError(f"expected each of {list(STAGES)}, got {bad[0]!r}")
    return list(dict.fromkeys(values))


def _check_areas(values: list[str]) -> list[str]:
    values = [UK if v.upper() == UK else v.upper() for v in _clean_items(values)]
    bad = [v for v in values if v != UK and not AREA_CODE.match(v)]
    if bad:
        raise ValueError(f"expected {AREA_CODE_MEANING}, or UK, got {bad[0]!r}")
    return list(dict.fromkeys(values))


Slug = Annotated[str, StringConstraints(max_length=80), AfterValidator(_check_slug)]
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_printable)
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_printable),
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=4000), AfterValidator(_printable)
]
Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    AfterValidator(_printable),
    AfterValidator(_check_url),
]
Item = Annotated[str, StringConstraints(max_length=100), AfterValidator(_printable)]
SupportTypes = Annotated[
    list[Item], Field(min_length=1, max_length=20), AfterValidator(_check_support)
]
Sectors = Annotated[list[Item], Field(max_length=40), AfterValidator(_clean_items)]
Stages = Annotated[list[Item], Field(max_length=10), AfterValidator(_check_stages)]
Areas = Annotated[list[Item], Field(min_length=1, max_length=400), AfterValidator(_check_areas)]


def _whole(value: Any) -> Any:
    """A whole number as the contract writes it: an integer (never ``true``, never 1.0)
    or its plain decimal text (never ``0x10``, ``1e3``, ``+5`` or ``1_000``)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"expected a whole number, got {value!r}")
    if isinstance(value, str) and not re.fullmatch(WHOLE_NUMBER, value.strip()):
        raise ValueError(f"expected a whole number in plain digits, got {value!r}")
    return value


def _day(value: Any) -> Any:
    """A date as YYYY-MM-DD (never a number of seconds or days: ``"0"`` is no date)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(ISO_DATE, value.strip()):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    return value


def _truth(value: Any) -> Any:
    """true or false (JSON booleans, or the words in CSV); never 1, "yes" or "on"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"expected true or false, got {value!r}")


Count = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=10_000_000)]
Day = Annotated[date, BeforeValidator(_day)]
Truth = Annotated[bool, BeforeValidator(_truth)]


def _check_ranges(values: Any) -> Any:
    lo, hi = getattr(values, "min_employees", None), getattr(values, "max_employees", None)
    if lo is not None and hi is not None and hi < lo:
        raise ValueError(f"max_employees ({hi}) is below min_employees ({lo})")
    starts, ends = getattr(values, "starts", None), getattr(values, "ends", None)
    if starts is not None and ends is not None and ends < starts:
        raise ValueError(f"ends ({ends}) is before starts ({starts})")
    return values


class ProgrammeBase(BaseModel):
    """What an editor writes about a programme."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name = Field(description="The programme's public name.")
    provider: Name = Field(description="Who runs it.")
    summary: Annotated[Text, StringConstraints(min_length=1)] = Field(
        description="What it offers, in a few sentences."
    )
    url: Url = Field(description="Where to find out more or apply.")
    support_types: SupportTypes = Field(description=f"Any of {list(SUPPORT_TYPES)}.")
    sectors: Sectors = Field(default_factory=list, description="Sectors served; empty = any.")
    stages: Stages = Field(default_factory=list, description=f"Any of {list(STAGES)}; empty = any.")
    areas: Areas = Field(description="Codes of the areas or LADs served (GSS or own), or UK.")
    eligibility: Text = Field("", description="Who may apply, in words.")
    min_employees: Count | None = None
    max_employees: Count | None = None
    min_turnover: Count | None = Field(None, description="GBP thousands.")
    cost: Line = ""
    starts: Day | None = None
    ends: Day | None = None
    contact: Line = ""

    @model_validator(mode="after")
    def _ranges(self) -> ProgrammeBase:
        return _check_ranges(self)


class ProgrammeCreate(ProgrammeBase):
    """A new programme (the API's POST and PUT body, and a record of an imported directory)."""

    id: Slug | None = Field(None, description="Stable slug; made from the name when absent.")
    updated: Day | None = Field(None, description="When last checked; today when absent.")
    retired: Truth = False


class ProgrammeUpdate(BaseModel):
    """A partial change (PATCH): only the fields given are changed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name | None = None
    provider: Name | None = None
    summary: Annotated[Text, StringConstraints(min_length=1)] | None = None
    url: Url | None = None
    support_types: SupportTypes | None = None
    sectors: Sectors | None = None
    stages: Stages | None = None
    areas: Areas | None = None
    eligibility: Text | None = None
    min_employees: Count | None = None
    max_employees: Count | None = None
    min_turnover: Count | None = None
    cost: Line | None = None
    starts: Day | None = None
    ends: Day | None = None
    contact: Line | None = None
    retired: Truth | None = None


class ProgrammePublic(ProgrammeBase):
    """A programme as the finder, the API and the exports show it."""

    id: str
    updated: date
    retired: bool = False


class ProgrammePage(BaseModel):
    """One page of finder results."""

    total: int
    limit: int
    offset: int
    results: list[ProgrammePublic]


Facet = Literal["support", "sector", "stage", "area"]
FACET_OF_FIELD: dict[str, Facet] = {
    "support_types": "support",
    "sectors": "sector",
    "stages": "stage",
    "areas": "area",
}
