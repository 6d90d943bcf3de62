"""An area across editions: its predecessors and successors, its figures in each edition,
and what changed since the last edition (the area page's "Over time" section).

Everything here reads the :class:`scaleup.store.repo.AreaView` and its
:class:`scaleup.store.repo.AreaLink` records (matched on LAD codes mapped forward by the
store); nothing is recomputed, so the page says what the stored editions say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scaleup.publish.format import count, density
from scaleup.store.repo import AreaLink, AreaView, Row

AREA_TYPES = {
    "lep": "LEP",
    "combined_authority": "combined authority",
    "region": "region",
}


def type_label(kind: str | None) -> str | None:
    return None if kind is None else AREA_TYPES.get(kind, kind.replace("_", " "))


@dataclass(frozen=True)
class Linked:
    """One area of another edition: how the sentence leads in, the area, what it shares."""

    lead: str
    link: AreaLink
    detail: str


@dataclass(frozen=True)
class FigureRow:
    """One row of the area's figures across editions."""

    edition: str
    name: str
    slug: str | None
    current: bool
    end_year: int | None
    count: Any
    density: Any
    density_rating: str | None
    trend_rating: str | None
    note: str


def _lads(n: int) -> str:
    return f"{n} local authorit{'y' if n == 1 else 'ies'}"


def share_detail(link: AreaLink) -> str:
    """What the two areas share, said from the other area's side."""
    if link.same_lads:
        text = (
            f"the same {_lads(link.lads)}"
            if link.lads == link.own_lads
            else f"the same local authorities ({link.lads} under its edition's codes, "
            f"{link.own_lads} under this one's)"
        )
    elif link.shared == link.lads:
        text = f"all {_lads(link.lads)} of it lie in this area, which has {link.own_lads}"
    elif link.covered == link.own_lads:
        text = f"all of this area's {_lads(link.own_lads)} lie in it, out of its {link.lads}"
    else:
        text = f"{link.shared} of its {_lads(link.lads)} lie in this area"
    recoded = [_recoded(old, new) for old, new in link.recoded]
    if recoded:
        text += "; under other codes: " + "; ".join(recoded)
    return text


def _recoded(old: Sequence[str], new: Sequence[str]) -> str:
    if list(old) == list(new):
        return f"{', '.join(old)} (new code)"
    return f"{', '.join(old)} as {', '.join(new)}"


def linked(area: AreaView) -> tuple[list[Linked], list[Linked]]:
    """(earlier, later): the other editions' areas that share LADs with the area, each with
    its sentence's lead ("Before 2024 this area was covered by")."""
    earlier, later = [], []
    for link in area.over_time:
        whole = link.covered == link.own_lads
        some = "" if whole else "some of "
        if link.later:
            lead = (
                f"From {link.started} {some}this area's local authorities are covered by"
                if link.started is not None and link.started > area.edition.year
                else f"In the {link.edition} edition {some}this area's local authorities are in"
            )
            later.append(Linked(lead, link, share_detail(link)))
        else:
            if whole and area.started is not None and area.started > link.edition_year:
                lead = f"Before {area.started} this area was covered by"
            elif whole:
                lead = f"In the {link.edition} edition this area was covered by"
            else:
                lead = (
                    f"In the {link.edition} edition some of this area's local authorities were in"
                )
            earlier.append(Linked(lead, link, share_detail(link)))
    return earlier, later


def figure_rows(area: AreaView, headline: str) -> list[FigureRow]:
    """The area's figures in each edition, newest first: its own, and those of the areas of
    other editions with the same code or the same local authorities."""
    rows = [_row(area.edition.key, area.name, None, True, area.summary, area.latest,
                 area.edition.meta.end_years, headline, "")]  # fmt: skip
    for link in area.over_time:
        if link.code != area.code and not link.same_lads:
            continue
        note = "same area" if link.code == area.code else "the same local authorities"
        if link.code == area.code and not link.same_lads:
            note = "same code, other local authorities"
        rows.append(
            _row(link.edition, link.name, link.slug, False, link.summary, link.latest,
                 (link.end_year,) if link.end_year else (), headline, note)
        )  # fmt: skip
    return sorted(rows, key=lambda r: r.edition, reverse=True)


def _row(
    edition: str, name: str, slug: str | None, current: bool, summary: Row, latest: Row,
    end_years: Sequence[int], headline: str, note: str,
) -> FigureRow:  # fmt: skip
    return FigureRow(
        edition=edition, name=name, slug=slug, current=current,
        end_year=latest.get("year") or (end_years[-1] if end_years else None),
        count=latest.get(headline), density=latest.get(f"density_{headline}"),
        density_rating=summary.get("density_rating"), trend_rating=summary.get("trend_rating"),
        note=note,
    )  # fmt: skip


def changes_since(area: AreaView, headline: str) -> list[str]:
    """What changed since the last edition, against :attr:`AreaView.counterpart`: the
    figures, the local authorities, the ratings and the revisions of the years both hold."""
    other = area.counterpart
    if other is None:
        return []
    was = f"the {other.edition} edition"
    out: list[str] = []
    name = "this area" if other.code == area.code else other.name
    then, now = other.latest, area.latest
    if then and now:
        out.append(
            f"Scaleups: {count(now.get(headline))} in {now.get('year')}, against "
            f"{count(then.get(headline))} in {then.get('year')} for {name} in {was}; "
            f"per 100,000 residents {density(now.get(f'density_{headline}'))}, against "
            f"{density(then.get(f'density_{headline}'))}."
        )
    if other.same_lads:
        out.append(
            f"Local authorities: the same {other.own_lads} as {name} in {was}."
            if other.lads == other.own_lads
            else f"Local authorities: the same as {name} in {was}, where they were "
            f"{other.lads} under that edition's codes ({other.own_lads} now)."
        )
    else:
        parts = []
        if other.gained:
            parts.append(f"not in {name}: {', '.join(other.gained)}")
        if other.lost:
            parts.append(f"in {name} but not here: {', '.join(other.lost)}")
        out.append(
            f"Local authorities: {other.own_lads} here, {other.lads} in {name} in {was}"
            + (f" ({'; '.join(parts)})." if parts else ".")
        )
    for old, new in other.recoded:
        if list(old) == list(new):
            out.append(f"{', '.join(old)}: a new LAD code since {was}, the same place.")
        else:
            out.append(f"{', '.join(old)} became {', '.join(new)} (a reorganisation of LADs).")
    for key, label in (("density_rating", "Density rating"), ("trend_rating", "Trend rating")):
        before = other.summary.get(key) or "not available"
        after = area.summary.get(key) or "not available"
        said = "as" if before == after else f"was {before}"
        out.append(f"{label}: {after} ({said} in {was}).")
    out += revisions(area, other, headline)
    return out


def revisions(area: AreaView, other: AreaLink, headline: str) -> list[str]:
    """The years both editions publish, figure by figure, when they cover the same LADs."""
    theirs = {row.get("year"): row for row in other.years}
    both = [row for row in area.years if row.get("year") in theirs]
    if not both:
        return []
    span = f"{both[0]['year']}\u2013{both[-1]['year']}" if len(both) > 1 else str(both[0]["year"])
    if not other.same_lads:
        return [
            f"Years in both editions ({span}) are not compared figure by figure: the local "
            "authorities differ."
        ]
    changed = []
    for row in both:
        old = theirs[row["year"]]
        parts = [
            f"{label} {fmt(old.get(key))} \u2192 {fmt(row.get(key))}"
            for key, label, fmt in (
                (headline, "scaleups", count),
                ("population", "residents", count),
                (f"density_{headline}", "density", density),
            )
            if old.get(key) != row.get(key)
        ]
        if parts:
            changed.append(f"{row['year']}: {', '.join(parts)}")
    if not changed:
        return [
            f"Data revisions: none; the figures for {span} are as in the {other.edition} edition."
        ]
    return [
        f"Data revisions since the {other.edition} edition (later ONS tables and population "
        f"estimates): {'; '.join(changed)}."
    ]
