"""What a review's tables were made from, and what an edition adds: typed, frozen records.

:class:`ReviewMeta` is ``meta.json`` (written by ``pipeline.write_tables`` beside the four
tables) without the areas' trends, which travel apart in ``ReviewTables.area_trends`` and
are stored with each area. :class:`EditionMeta` is what ``scaleup build`` stores with an
edition and the pages read: the review's meta, plus the comparison line of the charts and
the programmes' KPIs. Both turn into JSON and back with ``to_json``/``from_json`` only.

Adding a field is a one-place change: declare it on the record (with a default, so that
files and stores written before it still read), set it where the record is made
(``pipeline.compute_review`` for :class:`ReviewMeta`, ``publish.site.plan_site`` for
:class:`EditionMeta`), and read it as an attribute.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from scaleup.config import MetricsSettings, PublicationSettings
from scaleup.errors import InputError, Problem, describe_invalid

META_FILE = "meta.json"
AREA_TRENDS = "area_trends"
"""Key of meta.json: each area's density trend per measure, ``{area_code: {measure: trend}}``
(None where not available); area_summary publishes only ``trend_any``."""

AreaTrends = dict[str, dict[str, float | None]]


class Record(BaseModel):
    """A frozen record that refuses keys it does not declare."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: Any, source: str = META_FILE) -> Self:
        """The record from its JSON; an InputError naming ``source`` and each bad key, worded
        like the settings' errors."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InputError([Problem(source, describe_invalid(e)) for e in exc.errors()]) from None


class EngineUsed(Record):
    backend: str = "duckdb"


class SettingsUsed(Record):
    """The settings the statistics were computed with."""

    metrics: MetricsSettings = MetricsSettings()
    publication: PublicationSettings = PublicationSettings()
    engine: EngineUsed = EngineUsed()


class ReviewMeta(Record):
    """meta.json without the areas' trends: how the four tables were made."""

    published: bool
    raw: bool
    supplier_controlled: bool
    measures: tuple[str, ...]
    rated_measures: tuple[str, ...]
    vintage: str | None
    end_years: tuple[int, ...]
    trend_window: tuple[int, int]
    settings: SettingsUsed = SettingsUsed()
    inputs: dict[str, str] = Field(default_factory=dict, description="kind -> file name")
    medians: tuple[dict[str, float | int | None], ...] = ()
    """The benchmark series: per end year (``year``), the median of every LAD's density per
    measure (``density_<measure>``), from the published counts."""

    def file_json(self, area_trends: AreaTrends) -> dict[str, Any]:
        """The whole of meta.json: this record and the areas' trends."""
        return {**self.to_json(), AREA_TRENDS: area_trends}

    @classmethod
    def from_file_json(cls, data: Any, source: str = META_FILE) -> tuple[ReviewMeta, AreaTrends]:
        """meta.json's record and areas' trends (an InputError when either is wrong)."""
        if not isinstance(data, dict):
            raise InputError(Problem(source, "expected a JSON object"))
        data = dict(data)
        trends = data.pop(AREA_TRENDS, None)
        problems: list[Problem] = []
        if not isinstance(trends, dict):
            problems.append(
                Problem(
                    source,
                    f"has no {AREA_TRENDS!r} (each area's trend per measure): the tables were "
                    "written by an older version of scaleup; re-run scaleup compute",
                )
            )
        try:
            meta = cls.from_json(data, source)
        except InputError as exc:
            problems += exc.problems()
        if problems:
            raise InputError(problems)
        try:
            return meta, _TRENDS.validate_python(trends)
        except ValidationError as exc:
            raise InputError(
                [Problem(source, f"{AREA_TRENDS}.{describe_invalid(e)}") for e in exc.errors()]
            ) from None


_TRENDS = TypeAdapter(AreaTrends)


class Comparison(Record):
    """The benchmark of the pages and charts: what it covers, and per year the median of
    every LAD's density (``year``, ``density_<measure>``; None where none is published)."""

    label: str
    years: tuple[dict[str, float | int | None], ...] = ()
    benchmark: str = "UK median"
    """The name of the median that every LAD is compared with: "UK median" when the data
    cover the UK, else the countries they cover ("England median") or "median of all local
    authorities in the data"."""


class KpiFigure(Record):
    """One KPI of a programme, as ``scaleup impact`` computed it (a row of kpis.csv)."""

    value: float | int | None = None
    numerator: float | int | None = None
    denominator: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    note: str | None = None
    eligible: int | None = None


class SectorCount(Record):
    sector: str
    enterprises: int


class ProgrammeImpact(Record):
    kpis: dict[str, KpiFigure] = Field(default_factory=dict)
    sectors: tuple[SectorCount, ...] = ()
    synthetic: bool = False


class ImpactMeta(Record):
    """Every programme's KPIs and sectors (empty when the workspace lists no cohort)."""

    min_hours: float | None = None
    programmes: dict[str, ProgrammeImpact] = Field(default_factory=dict)


class Dataset(Record):
    """One dataset a review rests on, as a statistics office cites it."""

    role: Literal["counts", "population", "geography", "other"]
    """What the review takes from it: the scaleup counts (or firm panel), the population,
    the geography, or something else."""
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    edition: str | None = None
    released: date | None = None
    tables: str | None = None
    years: str | None = None
    """The years the review takes from it ("2019-2024")."""
    vintage: str | None = None
    """Which estimates these are (release, base), said where vintages differ."""
    licence: str | None = None
    attribution: str | None = None
    url: str | None = None


class Sources(Record):
    """What a review's pages cite: its datasets (``[inputs] sources``), when the next edition
    is due and how figures are revised (``[review] next_update``, ``revisions``)."""

    datasets: tuple[Dataset, ...] = ()
    next_update: str | None = None
    revisions: str | None = None

    def of_role(self, role: str) -> list[Dataset]:
        return [d for d in self.datasets if d.role == role]


class EditionMeta(ReviewMeta):
    """What an edition stores beside its tables: the review's meta, the comparison line of
    the density charts and the programmes' KPIs."""

    comparison: Comparison
    impact: ImpactMeta = ImpactMeta()
    contact: str | None = None
    """Who answers questions about the review (``[review] contact``)."""
    area_types: dict[str, str] = Field(
        default_factory=dict, description="area code -> its area_type in the geography"
    )
    changes: dict[str, Any] | None = Field(
        default=None,
        description="The what-changed report of the import that made the inputs "
        "(changes.json, as scaleup.geo.changes.ChangeReport writes it); None when the inputs "
        "came with none",
    )
    sources: Sources = Sources()

    @classmethod
    def of(
        cls,
        meta: ReviewMeta,
        *,
        comparison: Comparison,
        impact: ImpactMeta,
        contact: str | None = None,
        area_types: dict[str, str] | None = None,
        changes: dict[str, Any] | None = None,
        sources: Sources | None = None,
    ) -> EditionMeta:
        return cls(
            **dict(meta), comparison=comparison, impact=impact, contact=contact,
            area_types=area_types or {}, changes=changes, sources=sources or Sources(),
        )  # fmt: skip

    @property
    def kinds(self) -> tuple[str, ...]:
        """The edition's area types (``combined_authority``, ``region``...), sorted."""
        return tuple(sorted(set(self.area_types.values())))
