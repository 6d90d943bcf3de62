"""The sentences that explain an area's two ratings, generated from its figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scaleup.publish.format import is_number
from scaleup.store.repo import LadView
from scaleup.tables import SUPPRESSED

GROWTH = {"employment": "employment growth", "turnover": "turnover growth"}


def _majority(above: int, n: int) -> tuple[int, str]:
    """Say the larger side: (count, "above"|"below"); a tie is said as above."""
    below = n - above
    return (above, "above") if above >= below else (below, "below")


def _missing(value: Any, what: str) -> str:
    if value == SUPPRESSED:
        return f"The number of local authorities {what} is withheld (disclosure control)."
    return f"The comparison {what} is not available (the data do not give it)."


def _flagged(lads: Sequence[LadView], measure: str, kind: str) -> bool:
    """Whether any LAD of the area has a comparison flag for this measure and kind."""
    return any(
        (lad.measures.get(measure) or {}).get(f"{kind}_above_median") is not None for lad in lads
    )


def density_sentences(summary: dict[str, Any], lads: Sequence[LadView]) -> list[str]:
    """E.g. "10 of the 17 local authorities have an above median density of scaleups
    measured by employment growth"."""
    n = summary.get("n_lads")
    out = []
    for measure in ("employment", "turnover"):
        value = summary.get(f"density_above_{measure}")
        if not (is_number(value) and is_number(n) and _flagged(lads, measure, "density")):
            out.append(_missing(value, f"by density of scaleups measured by {GROWTH[measure]}"))
            continue
        count, side = _majority(int(value), int(n))
        out.append(
            f"{count} of the {n} local authorities have {'an' if side == 'above' else 'a'} "
            f"{side} median density of scaleups measured by {GROWTH[measure]}."
        )
    return out


def trend_sentences(summary: dict[str, Any], lads: Sequence[LadView]) -> list[str]:
    n = summary.get("n_lads")
    out = []
    for measure in ("employment", "turnover"):
        value = summary.get(f"trend_above_{measure}")
        if not (is_number(value) and is_number(n) and _flagged(lads, measure, "trend")):
            out.append(_missing(value, f"by trend in density measured by {GROWTH[measure]}"))
            continue
        count, side = _majority(int(value), int(n))
        out.append(
            f"{count} of the {n} local authorities are {side} the UK median trend in the "
            f"density of scaleups by {measure} (scaleups per 100,000 residents per year)."
        )
    return out


def rating_class(rating: Any) -> str:
    if not isinstance(rating, str) or not rating:
        return "rating-not-available"
    return "rating-" + rating.lower().replace(" ", "-")
