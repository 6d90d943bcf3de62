"""A programme's headline figures from its validated cohort (methodology section 6).

Pure: a :class:`~scaleup.ingest.cohort.Cohort` in, an :class:`ImpactResult` out. Every KPI
is computed over the companies supported (distinct enterprises with at least the minimum
support hours) and carries a note saying what it was computed over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, TypeVar

from scaleup.impact.sectors import SIC_SECTIONS, SicRange, count_sectors

if TYPE_CHECKING:  # the cohort's reader imports ibis; computing from a cohort does not
    from scaleup.ingest.cohort import Cohort, FollowUp, Participant, SurveyAnswer

KPI_NAMES = (
    "companies_supported",
    "turnover_at_entry",
    "employees_at_entry",
    "turnover_increase_share",
    "jobs_created_fte",
    "graduate_placements",
    "confidence_mean_change",
    "confidence_rose_share",
)
"""The fixed KPI names of contracts.md, in the order they are written."""

KPI_UNITS = {
    "companies_supported": "enterprises",
    "turnover_at_entry": "GBP thousands",
    "employees_at_entry": "employees",
    "turnover_increase_share": "fraction of respondents (0 to 1)",
    "jobs_created_fte": "jobs, full-time equivalent",
    "graduate_placements": "placements",
    "confidence_mean_change": "relative change of the mean score (0.1 is a rise of 10%)",
    "confidence_rose_share": "fraction of respondents (0 to 1)",
}
"""What each KPI's value counts or measures (kpis.csv's ``value``)."""

MIN_BASE = 10
"""A share (or change) over fewer respondents than this is not shown as a percentage."""

CONFIDENCE_QUESTION = "leadership_confidence"
CONFIDENCE_LEVEL = 0.95


@dataclass(frozen=True)
class KpiRow:
    """One KPI of one programme: a row of kpis.csv.

    ``value`` is empty (None) for a share whose base is under :data:`MIN_BASE`;
    ``eligible`` is the number of companies supported the KPI is about.
    """

    programme: str
    kpi: str
    value: float | int | None
    numerator: float | int | None
    denominator: int | None
    ci_low: float | None
    ci_high: float | None
    note: str
    eligible: int
    synthetic: bool


@dataclass(frozen=True)
class SectorRow:
    """Companies supported by one programme in one sector: a row of sectors.csv."""

    programme: str
    sector: str
    enterprises: int
    synthetic: bool


@dataclass(frozen=True)
class ImpactResult:
    """Every programme's KPIs and sectors, computed with one minimum of support hours."""

    min_hours: float
    kpis: tuple[KpiRow, ...]
    sectors: tuple[SectorRow, ...]

    @property
    def programmes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.programme for row in self.kpis))

    def kpis_for(self, programme: str) -> dict[str, KpiRow]:
        """The programme's KPIs by name (empty if the programme is not in the cohort)."""
        return {r.kpi: r for r in self.kpis if r.programme == programme}

    def sectors_for(self, programme: str) -> list[SectorRow]:
        return [r for r in self.sectors if r.programme == programme]


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (statsmodels)."""
    # Imported here: statsmodels takes over a second to import, and every `scaleup`
    # command would pay for it at start-up.
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, n, alpha=1 - CONFIDENCE_LEVEL, method="wilson")
    return float(low), float(high)


def hours_text(hours: float) -> str:
    return f"{hours:g}"


class _Programme:
    """The rows of one programme: holds its base so every note names it the same way."""

    def __init__(self, name: str, supported: int, min_hours: float, synthetic: bool):
        self.name = name
        self.supported = supported
        self.synthetic = synthetic
        self.base = f"{supported} companies supported with >= {hours_text(min_hours)} hours"
        self.rows: list[KpiRow] = []

    def add(self, kpi: str, value, note: str, numerator=None, denominator=None, ci=(None, None)):
        if self.synthetic:
            note = f"synthetic cohort; {note}"
        row = KpiRow(
            self.name, kpi, value, numerator, denominator, ci[0], ci[1], note,
            self.supported, self.synthetic,
        )  # fmt: skip
        self.rows.append(row)

    def total(self, kpi: str, values: Sequence[float | int | None], what: str) -> None:
        """A sum over the companies supported that recorded the figure."""
        known = [v for v in values if v is not None]
        total = sum(known)
        if isinstance(total, float) and total.is_integer():
            total = int(total)
        note = f"sum over {self.base}{what}"
        if len(known) < len(values):
            note += f"; recorded for {len(known)}, missing for {len(values) - len(known)}"
        self.add(kpi, total, note)

    def share(self, kpi: str, hits: int, n: int, note: str) -> None:
        """A share with its numerator, denominator and Wilson interval; hidden when n < 10."""
        if n < MIN_BASE:
            self.add(kpi, None, f"{note}; {_hidden(n)}", hits, n)
        else:
            self.add(kpi, hits / n, note, hits, n, wilson_interval(hits, n))


def _hidden(n: int) -> str:
    return f"not shown as a percentage: base {n} is under {MIN_BASE}"


T = TypeVar("T")


def _latest(followups: Sequence[FollowUp], field: Callable[[FollowUp], T | None]) -> T | None:
    """The value of ``field`` in the latest follow-up that recorded it."""
    for f in sorted(followups, key=lambda f: f.followed_up, reverse=True):
        value = field(f)
        if value is not None:
            return value
    return None


def _normalised(answer: SurveyAnswer) -> Fraction:
    """The score as a fraction of its scale, exactly (so 3 of 5 equals 6 of 10)."""
    return Fraction(str(answer.score)) / answer.scale_max


def _programme_rows(
    name: str,
    members: Sequence[Participant],
    followups: dict[str, list[FollowUp]],
    answers: dict[str, dict[str, SurveyAnswer]],
    min_hours: float,
    ranges: Sequence[SicRange],
) -> tuple[list[KpiRow], list[SectorRow]]:
    supported = [m for m in members if m.support_hours >= min_hours]
    synthetic = any(m.synthetic for m in members)
    p = _Programme(name, len(supported), min_hours, synthetic)
    below = len(members) - len(supported)
    p.add(
        "companies_supported",
        len(supported),
        f"distinct enterprises with >= {hours_text(min_hours)} support hours; "
        f"{len(members)} took part, {below} with fewer hours",
    )
    p.total("turnover_at_entry", [m.turnover_at_entry for m in supported], "; GBP thousands")
    p.total("employees_at_entry", [m.employees_at_entry for m in supported], "")

    ids = [m.enterprise_id for m in supported]
    changes = [_latest(followups.get(e, []), lambda f: f.turnover_change) for e in ids]
    answered = sum(c is not None for c in changes)
    up = sum(c == "up" for c in changes)
    p.share(
        "turnover_increase_share",
        up,
        answered,
        f"share answering 'up' (latest answer of each) over {p.base}; "
        f"{answered} answered (up, same or down), {len(ids) - answered} did not",
    )
    latest = ", latest follow-up of each"
    p.total(
        "jobs_created_fte",
        [_latest(followups.get(e, []), lambda f: f.new_jobs_fte) for e in ids],
        latest,
    )
    p.total(
        "graduate_placements",
        [_latest(followups.get(e, []), lambda f: f.graduate_placements) for e in ids],
        latest,
    )

    pairs = [
        (_normalised(a["before"]), _normalised(a["after"]))
        for e in ids
        if "before" in (a := answers.get(e, {})) and "after" in a
    ]
    n = len(pairs)
    over = f"over {p.base}; {n} paired respondents (before and after)"
    change_note = (
        f"mean(after) / mean(before) - 1 of {CONFIDENCE_QUESTION}, each score divided by "
        f"its scale maximum, {over}"
    )
    if n < MIN_BASE:
        p.add("confidence_mean_change", None, f"{change_note}; {_hidden(n)}", denominator=n)
    else:
        ratio = sum(after for _, after in pairs) / sum(before for before, _ in pairs)
        p.add("confidence_mean_change", float(ratio - 1), change_note, denominator=n)
    rose = sum(after > before for before, after in pairs)
    ties = sum(after == before for before, after in pairs)
    p.share(
        "confidence_rose_share",
        rose,
        n,
        f"share of paired respondents whose {CONFIDENCE_QUESTION} rose, {over}; "
        f"{ties} unchanged, {n - rose - ties} fell",
    )
    sectors = [
        SectorRow(name, sector, count, synthetic)
        for sector, count in count_sectors((m.sic2007 for m in supported), ranges)
    ]
    return p.rows, sectors


def kpis_for_cohort(cohort: Cohort, min_hours: float) -> ImpactResult:
    """Every programme's KPIs and sectors, programmes in alphabetical order."""
    if min_hours < 0:
        raise ValueError(f"min_hours must be >= 0, got {min_hours}")
    ranges: Sequence[SicRange] = SIC_SECTIONS
    if cohort.sectors is not None:
        ranges = [SicRange(r.sic_from, r.sic_to, r.sector) for r in cohort.sectors]
    by_programme: dict[str, list[Participant]] = defaultdict(list)
    for m in cohort.participants:
        by_programme[m.programme].append(m)
    kpis: list[KpiRow] = []
    sectors: list[SectorRow] = []
    for name in sorted(by_programme):
        followups: dict[str, list[FollowUp]] = defaultdict(list)
        for f in cohort.followups:
            if f.programme == name:
                followups[f.enterprise_id].append(f)
        answers: dict[str, dict[str, SurveyAnswer]] = defaultdict(dict)
        for a in cohort.survey:
            if a.programme == name and a.question.lower() == CONFIDENCE_QUESTION:
                answers[a.enterprise_id][a.wave] = a
        rows, counts = _programme_rows(
            name, by_programme[name], followups, answers, min_hours, ranges
        )
        kpis += rows
        sectors += counts
    return ImpactResult(min_hours, tuple(kpis), tuple(sectors))
