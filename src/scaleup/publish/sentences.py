"""The sentences that explain an area's two ratings, counted from the published flags.

Every count in a sentence is a count of the area's LADs by their published flag in
lad_compare (``density_above_median`` / ``trend_above_median``): ``true`` above the
benchmark, ``false`` at or below it, ``[c]`` withheld (disclosure control), empty not
available. Nothing here compares a density with a median: the statistics did that, exactly.
A withheld or not-available LAD is said to be so, never counted on either side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from scaleup.publish.format import lads_phrase
from scaleup.tables import RATED_MEASURES, SUPPRESSED

__all__ = ["lads_phrase"]

GROWTH = {"employment": "employment growth", "turnover": "turnover growth", "any": "growth"}
Kind = Literal["density", "trend"]
ABOVE, BELOW, WITHHELD, NOT_AVAILABLE = "above", "below", "withheld", "not available"
WITHHELD_WHY = "withheld to protect confidential data"


class Flagged(Protocol):
    """A LAD with its lad_compare row per measure (a store Flagged, or a chart's row)."""

    @property
    def measures(self) -> Mapping[str, Mapping[str, Any]]: ...


def standing(flag: Any) -> str:
    """A published flag in words: above, below (at or below), withheld, not available."""
    if flag is True:
        return ABOVE
    if flag is False:
        return BELOW
    if flag == SUPPRESSED:
        return WITHHELD
    return NOT_AVAILABLE


def lad_standing(lad: Flagged, measure: str, kind: Kind) -> str:
    return standing((lad.measures.get(measure) or {}).get(f"{kind}_above_median"))


@dataclass(frozen=True)
class Tally:
    """An area's LADs counted by their published flag on one measure and kind."""

    measure: str
    kind: Kind
    above: int
    below: int
    withheld: int
    not_available: int

    @property
    def n(self) -> int:
        return self.above + self.below + self.withheld + self.not_available

    @property
    def published(self) -> int:
        return self.above + self.below


def tally(lads: Sequence[Flagged], measure: str, kind: Kind) -> Tally:
    found = [lad_standing(lad, measure, kind) for lad in lads]
    return Tally(
        measure, kind, found.count(ABOVE), found.count(BELOW), found.count(WITHHELD),
        found.count(NOT_AVAILABLE),
    )  # fmt: skip


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _others(t: Tally) -> list[str]:
    """The clauses for every LAD not above: at or below, withheld, not available."""
    out = []
    for n, what in (
        (t.below, "at or below it"),
        (t.withheld, WITHHELD_WHY),
        (t.not_available, "not available (the data do not give it)"),
    ):
        if n:
            out.append(f"{n:,} {_verb(n, 'is', 'are')} {what}")
    return out


def _sentence(t: Tally, above: tuple[str, str], below: str, subject: str) -> str:
    """One measure's sentence: how many LADs are above, then every other LAD accounted
    for. ``above``: the predicate for one LAD and for many; ``below``: for one LAD;
    ``subject``: what is compared."""
    if t.n == 0:
        return f"No local authority of the area has a published {subject}."
    if t.n == 1:
        one = "The area's 1 local authority"
        if t.above:
            return f"{one} {above[0]}."
        if t.below:
            return f"{one} {below}."
        why = WITHHELD_WHY if t.withheld else "not available (the data do not give it)"
        return f"The {subject} of the area's 1 local authority is {why}."
    if t.published == 0:
        return (
            f"None of the {lads_phrase(t.n)} has a published {subject}: "
            + "; ".join(_others(t))
            + "."
        )
    first = f"{t.above:,} of the {lads_phrase(t.n)} {_verb(t.above, *above)}"
    return "; ".join([first, *_others(t)]) + "."


def density_sentences(
    lads: Sequence[Flagged], rated: Sequence[str], benchmark: str = "UK median"
) -> list[str]:
    """E.g. "1 of the 6 local authorities has a density of scaleups measured by
    employment growth above the UK median; 5 are withheld to protect confidential data"."""
    out = []
    for measure in RATED_MEASURES:
        if measure not in rated:
            out.append(_not_measured("density", measure, rated))
            continue
        what = f"density of scaleups measured by {GROWTH[measure]}"
        predicate = f"{what} above the {benchmark}"
        out.append(
            _sentence(
                tally(lads, measure, "density"),
                (f"has a {predicate}", f"have a {predicate}"),
                f"has a {what} at or below the {benchmark}",
                f"comparison of the {what}",
            )  # fmt: skip
        )
    return out


def trend_sentences(
    lads: Sequence[Flagged], rated: Sequence[str], benchmark: str = "UK median"
) -> list[str]:
    """E.g. "9 of the 17 local authorities are above the UK median trend in the density of
    scaleups measured by employment growth; 8 are at or below it"."""
    out = []
    for measure in RATED_MEASURES:
        if measure not in rated:
            out.append(_not_measured("trend", measure, rated))
            continue
        what = f"trend in the density of scaleups measured by {GROWTH[measure]}"
        out.append(
            _sentence(
                tally(lads, measure, "trend"),
                (f"is above the {benchmark} {what}", f"are above the {benchmark} {what}"),
                f"is at or below the {benchmark} {what}",
                f"comparison of the {what}",
            )
        )
    return out


def _not_measured(kind: Kind, measure: str, rated: Sequence[str]) -> str:
    only = " and ".join(GROWTH[m] for m in rated) or "no growth measure"
    return (
        f"The {kind} comparison measured by {GROWTH[measure]} is not available: the data "
        f"measure {only} only."
    )


def rating_sentence(
    summary: dict[str, Any], lads: Sequence[Flagged], rated: Sequence[str], kind: Kind,
    benchmark: str = "UK median",
) -> str:  # fmt: skip
    """What a rating rests on: its measures, the LADs and the published comparisons."""
    rating = summary.get(f"{kind}_rating")
    tallies = [tally(lads, m, kind) for m in RATED_MEASURES if m in rated]
    published = sum(t.published for t in tallies)
    above = sum(t.above for t in tallies)
    withheld = sum(t.withheld for t in tallies)
    missing = sum(t.not_available for t in tallies)
    measures = " and ".join(GROWTH[m] for m in rated) or "no measure"
    n = len(lads)
    if not isinstance(rating, str) or not published:
        return (
            f"No {kind} rating: none of the {kind} comparisons of the area's {lads_phrase(n)} "
            f"({measures}) is published."
        )
    base = (
        f"The {kind} rating rests on {measures} for the area's {lads_phrase(n)}: "
        f"{above:,} of the {published:,} published comparison{'' if published == 1 else 's'} "
        f"{_verb(1 if published == 1 else above, 'is', 'are')} above the {benchmark}"
    )
    share = summary.get(f"{kind}_share")
    if isinstance(share, int | float) and not isinstance(share, bool):
        base += f" ({share:.0%})"
    others = []
    if withheld:
        others.append(f"{withheld:,} {_verb(withheld, 'is', 'are')} {WITHHELD_WHY}")
    if missing:
        others.append(f"{missing:,} {_verb(missing, 'is', 'are')} not available")
    return "; ".join([base, *others]) + "."


def rating_class(rating: Any) -> str:
    if not isinstance(rating, str) or not rating:
        return "rating-not-available"
    return "rating-" + rating.lower().replace(" ", "-")
