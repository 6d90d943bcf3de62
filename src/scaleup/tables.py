"""Every contract file, declared once: the inputs read and the tables published.

These are public contracts (shared/spec/contracts.md): extend, never rename or drop.
Readers and writers alike use these declarations: the readers of :mod:`scaleup.ingest`
check each input by its :class:`Column` s; ``scaleup import`` (:mod:`scaleup.public_data`),
the synthetic data (:mod:`scaleup.synth`, :mod:`scaleup.impact.synthetic`) and
``scaleup compute`` write their files with the same names in the same order; the site
build, API and downloads read the published tables by :data:`TABLES` and
:func:`output_kind`; the spreadsheets' notes give each published column's meaning and unit
from :data:`COLUMN_NOTES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

WHOLE_NUMBER = r"[+-]?[0-9]+"
"""A whole number as an input may write it: plain decimal digits after a sign at most
(no ``0x``, ``1e3``, ``1_000`` or spaces inside). One rule for every reader."""
DECIMAL_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
"""A number as an input may write it: plain decimal, a point at most (no exponent)."""
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
"""A date as an input may write it: YYYY-MM-DD (never a number of days or seconds)."""

SUPPRESSED = "[c]"
"""How a suppressed (confidential) value is written: the ONS symbol."""

YEAR_RANGE = (1900, 2100)
"""The years an input's ``year`` may hold."""

# --- inputs ------------------------------------------------------------------------------

Kind = Literal[
    "text", "id", "gss", "area", "sic", "int", "count", "flag", "date", "number", "whole",
    "choice",
]  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of an input file: its name, what it holds, and whether it may be absent
    (``required``) or empty (``nullable``).

    ``kind``: ``text``; ``id`` (text, or integer in Parquet); ``gss`` (a LAD's GSS code,
    geo.GSS_PATTERN); ``area`` (an area code, geo.AREA_CODE); ``sic`` (a 5-digit SIC 2007
    code; in Parquet also an integer, which gets its leading zeros back); ``int`` (a whole
    number in ``minimum`` .. ``maximum``); ``count`` (an int, or ``[c]`` when the file is
    supplier-controlled); ``flag`` (true/false); ``date`` (YYYY-MM-DD); ``number`` (any
    finite number); ``whole`` (a whole number, also as a spreadsheet writes it: 12.0);
    ``choice`` (one of ``choices``, in any case). Every kind is typed and checked by
    :mod:`scaleup.ingest.checking`. ``minimum`` None: a number may be negative. A Parquet
    column of type null (every value missing) is accepted where ``nullable``.
    """

    name: str
    kind: Kind
    meaning: str = ""
    required: bool = True
    nullable: bool = False
    minimum: int | None = 0
    maximum: int | None = None
    choices: tuple[str, ...] = ()


def names(columns: tuple[Column, ...], without: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The names of ``columns`` in their declared order (a writer's header), less ``without``."""
    return tuple(c.name for c in columns if c.name not in without)


def _optional(name: str, kind: Kind, meaning: str, **more: Any) -> Column:
    """A column that may be absent, or empty where present."""
    return Column(name, kind, meaning, required=False, nullable=True, **more)


_YEAR = Column("year", "int", "the year", minimum=YEAR_RANGE[0], maximum=YEAR_RANGE[1])

PANEL = (
    Column("enterprise_id", "id", "the enterprise (text or integer)"),
    _YEAR,
    Column("lad_code", "gss", "the enterprise's LAD in that year"),
    Column("employees", "int", "employees"),
    Column("turnover", "int", "turnover, GBP thousands"),
    _optional("sic2007", "sic", "5-digit SIC 2007 code (checked, not used)"),
    _optional("birth_year", "int", "year of birth (checked, not used)", minimum=1000, maximum=2100),
)  # fmt: skip
"""The firm panel: one row per enterprise per year."""

COUNTS = (
    Column("lad_code", "gss", "the LAD"),
    _YEAR,
    Column("employment", "count", "scaleups by employment growth"),
    _optional("turnover", "count", "scaleups by turnover growth (empty: not available)"),
    _optional("both", "count", "scaleups by both (empty: not available)"),
    _optional("controlled", "flag", "true: the supplier rounded and suppressed the counts"),
)  # fmt: skip
"""Aggregate counts: scaleups per LAD and year, for users who receive tables."""

POPULATION = (
    Column("lad_code", "gss", "the LAD"),
    _YEAR,
    Column("population", "int", "residents (ONS mid-year estimate)", minimum=1),
)
"""Population: one row per LAD per year."""

GEOGRAPHY = (
    Column("lad_code", "gss", "the LAD"),
    Column("lad_name", "text", "its name"),
    Column("area_code", "area", "an area it is in (empty: in no area)", nullable=True),
    Column("area_name", "text", "the area's name (empty: in no area)", nullable=True),
    _optional("area_type", "text", "e.g. lep, combined_authority, region"),
    _optional("vintage", "text", "the LAD geography's year"),
)
"""Geography: one row per LAD per area it belongs to (a LAD may be in two areas)."""

WAVES = ("before", "after")
TURNOVER_ANSWERS = ("up", "same", "down")

COHORT: dict[str, tuple[Column, ...]] = {
    "participants": (
        Column("enterprise_id", "id", "the enterprise (text or integer)"),
        Column("programme", "text", "the programme's name"),
        Column("joined", "date", "date the enterprise joined (YYYY-MM-DD)"),
        Column("support_hours", "number", "hours of support received (>= 0)"),
        Column("employees_at_entry", "whole", "employees when joining", nullable=True),
        Column("turnover_at_entry", "whole", "turnover when joining, GBP 000s", nullable=True),
        _optional("sic2007", "sic", "5-digit SIC 2007 code"),
        _optional("area_code", "text", "area (e.g. LAD) code"),
        _optional("leader_gender", "text", "gender of the leader"),
        _optional("synthetic", "flag", "true for made-up records (a demo cohort)"),
    ),
    "followups": (
        Column("enterprise_id", "id", "the enterprise, as in participants"),
        Column("programme", "text", "the programme, as in participants"),
        Column("followed_up", "date", "date of the follow-up (YYYY-MM-DD)"),
        Column("turnover_change", "choice", "up, same, down; empty: not answered",
               nullable=True, choices=TURNOVER_ANSWERS),
        Column("new_jobs_fte", "number", "new jobs since joining, FTE", nullable=True),
        Column("graduate_placements", "whole", "placements since joining", nullable=True),
    ),
    "survey": (
        Column("enterprise_id", "id", "the enterprise, as in participants"),
        Column("programme", "text", "the programme, as in participants"),
        Column("wave", "choice", "before or after", choices=WAVES),
        Column("question", "text", "question key, e.g. leadership_confidence"),
        Column("score", "number", "the answer, from 1 to scale_max", minimum=None),
        Column("scale_max", "whole", "top of the answer's scale: 5 or 10"),
    ),
    "sectors": (
        Column("sic_from", "sic", "first 5-digit SIC 2007 code of the range"),
        Column("sic_to", "sic", "last 5-digit SIC 2007 code of the range (inclusive)"),
        Column("sector", "text", "the programme's own sector name"),
    ),
}  # fmt: skip
"""A programme's cohort: the four files of contracts.md "Programme-impact inputs"."""

# --- outputs -----------------------------------------------------------------------------

MEASURES = ("employment", "turnover", "any")
"""Measures that get densities, trends and comparisons."""

COUNT_COLUMNS = ("employment", "turnover", "both", "any")
"""Scaleup counts per LAD (or area) and end year; any = employment + turnover - both."""

ANY_PARTS = ("employment", "turnover", "both")
"""The counts ``any`` is made of (:func:`scaleup.metrics.cells.any_count`); a supplier's
counts file gives these three, never ``any``."""

RATED_MEASURES = ("employment", "turnover")
"""Measures behind the above-median flags and the two area ratings."""

LAD_YEAR = (
    "lad_code", "lad_name", "year",
    "employment", "turnover", "both", "any", "population",
    "density_employment", "density_turnover", "density_any",
)  # fmt: skip

LAD_COMPARE = (
    "lad_code", "lad_name", "measure", "density", "trend",
    "density_median", "trend_median", "density_above_median", "trend_above_median", "quadrant",
)  # fmt: skip

AREA_YEAR = (
    "area_code", "area_name", "year",
    "employment", "turnover", "both", "any", "population",
    "density_employment", "density_turnover", "density_any",
)  # fmt: skip

AREA_SUMMARY = (
    "area_code", "area_name", "n_lads",
    "density_above_employment", "density_above_turnover",
    "trend_above_employment", "trend_above_turnover",
    "density_share", "trend_share", "density_rating", "trend_rating", "trend_any",
)  # fmt: skip

TABLES = {
    "lad_year": LAD_YEAR,
    "lad_compare": LAD_COMPARE,
    "area_year": AREA_YEAR,
    "area_summary": AREA_SUMMARY,
}
"""File stem -> columns (in order) of the four tables written by ``compute``."""

KPIS = (
    "programme", "kpi", "value", "numerator", "denominator", "ci_low", "ci_high", "note",
    "eligible", "synthetic",
)  # fmt: skip
"""kpis.csv, written by ``scaleup impact``: the eight columns of contracts.md, then
``eligible`` (the companies supported the KPI is about) and ``synthetic`` (a made-up cohort)."""

KPIS_CONTRACT = KPIS[:8]
"""The columns of kpis.csv that contracts.md names."""

SECTORS = ("programme", "sector", "enterprises", "synthetic")
"""sectors.csv, written by ``scaleup impact``: contracts.md's three columns, then ``synthetic``."""

OutputKind = Literal["int", "float", "bool", "text"]


def _kinds(kind: OutputKind, columns: Iterable[str]) -> dict[str, OutputKind]:
    return dict.fromkeys(columns, kind)


_OUTPUT_KINDS = (
    _kinds("int", ["year", "population", "n_lads", *COUNT_COLUMNS])
    | _kinds("int", [f"{k}_above_{m}" for k in ("density", "trend") for m in RATED_MEASURES])
    | _kinds("bool", ["density_above_median", "trend_above_median"])
    | _kinds("float", [f"density_{m}" for m in MEASURES])
    | _kinds("float", ["density", "trend", "density_median", "trend_median"])
    | _kinds("float", [f"density_median_{m}" for m in MEASURES])
    | _kinds("float", ["density_share", "trend_share", "trend_any"])
)


def output_kind(column: str) -> OutputKind:
    """What a published table's column holds (beside ``[c]`` and empty: not available)."""
    return _OUTPUT_KINDS.get(column, "text")


NOT_AVAILABLE_MARK = "[x]"
"""How a not-available value is written where a cell may not be blank (spreadsheets): the
GSS symbol. CSV files leave it empty and JSON writes ``null``, as contracts.md says."""

TABLE_TITLES = {
    "area_summary": "Summary and ratings of each area",
    "area_year": "Each area by year",
    "lad_year": "Each local authority district by year",
    "lad_compare": "Each local authority district compared with the medians of all districts",
    "benchmark": "The benchmark by year: the median of all districts' densities",
}
"""A published table's title, as downloads and their listings show it."""

_PER_100K = "scaleups per 100,000 residents"
_PER_100K_YEAR = "scaleups per 100,000 residents, change per year"
_LADS = "local authority districts (count)"

COLUMN_NOTES: dict[str, tuple[str, str]] = {
    "lad_code": ("GSS code of the local authority district (LAD)", "code"),
    "lad_name": ("Name of the local authority district", "text"),
    "area_code": ("Code of the area (a GSS code, or the review's own code)", "code"),
    "area_name": ("Name of the area", "text"),
    "year": ("End year of the growth window the counts describe", "calendar year"),
    "employment": ("Scaleups by employment growth: enterprises whose employment grew faster "
                   "than the growth rate over the window (see the review's methods)",
                   "enterprises (count)"),
    "turnover": ("Scaleups by turnover growth", "enterprises (count)"),
    "both": ("Scaleups by both employment and turnover growth", "enterprises (count)"),
    "any": ("Scaleups by employment or turnover growth (employment + turnover - both)",
            "enterprises (count)"),
    "population": ("Residents: ONS mid-year population estimate", "people (count)"),
    "density_employment": ("Scaleups by employment growth per 100,000 residents", _PER_100K),
    "density_turnover": ("Scaleups by turnover growth per 100,000 residents", _PER_100K),
    "density_any": ("Scaleups by employment or turnover growth per 100,000 residents",
                    _PER_100K),
    "n_lads": ("Local authority districts in the area", _LADS),
    "density_above_employment": ("The area's districts whose density of scaleups by "
                                 "employment growth is above the median of all districts",
                                 _LADS),
    "density_above_turnover": ("The area's districts whose density of scaleups by turnover "
                               "growth is above the median of all districts", _LADS),
    "trend_above_employment": ("The area's districts whose density trend by employment "
                               "growth is above the median trend of all districts", _LADS),
    "trend_above_turnover": ("The area's districts whose density trend by turnover growth "
                             "is above the median trend of all districts", _LADS),
    "density_share": ("Share of the area's districts' density flags that are above the "
                      "median (over the rated measures)", "fraction (0 to 1)"),
    "trend_share": ("Share of the area's districts' trend flags that are above the median "
                    "(over the rated measures)", "fraction (0 to 1)"),
    "density_rating": ("Rating of density_share: Strong, Good, Moderate or Needs "
                       "Improvement", "text"),
    "trend_rating": ("Rating of trend_share: Strong, Good, Moderate or Needs Improvement",
                     "text"),
    "trend_any": ("The area's trend of density of scaleups by employment or turnover "
                  "growth: average yearly change over the trend window", _PER_100K_YEAR),
    "measure": ("Which scaleups the row compares: employment, turnover or any (either)",
                "text"),
    "density": ("The district's density of scaleups by the measure in the latest end year",
                _PER_100K),
    "trend": ("The district's trend of density: average yearly change over the trend window",
              _PER_100K_YEAR),
    "density_median": ("Median density of all districts in the data", _PER_100K),
    "trend_median": ("Median trend of all districts in the data", _PER_100K_YEAR),
    "density_above_median": ("TRUE when the district's density is above the median",
                             "TRUE or FALSE"),
    "trend_above_median": ("TRUE when the district's trend is above the median",
                           "TRUE or FALSE"),
    "quadrant": ("Density and trend against the medians: above/above, above/below, "
                 "below/above or below/below", "text"),
    "density_median_employment": ("Median of all districts' densities of scaleups by "
                                  "employment growth (the benchmark)", _PER_100K),
    "density_median_turnover": ("Median of all districts' densities of scaleups by turnover "
                                "growth (the benchmark)", _PER_100K),
    "density_median_any": ("Median of all districts' densities of scaleups by employment or "
                           "turnover growth (the benchmark)", _PER_100K),
}  # fmt: skip
"""Column -> (meaning, unit), for every column of :data:`TABLES`."""

BENCHMARK = (
    "year", "density_median_employment", "density_median_turnover", "density_median_any",
)  # fmt: skip
"""Columns of an area's benchmark download: per end year, the median of every LAD's density
per measure (the benchmark every comparison and chart of the review uses)."""

DOWNLOAD_TABLES = {**TABLES, "benchmark": BENCHMARK}
"""File stem -> columns of an area's downloads: the four tables and the benchmark series."""
