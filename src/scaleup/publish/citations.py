"""How a review cites what it rests on: one place for the sources list of its pages and the
cover of its workbooks, made from the edition's metadata (``EditionMeta.sources``: the
``[[dataset]]`` records of ``[inputs] sources`` and ``[review] next_update``/``revisions``).
Input file names never appear."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scaleup.meta import Dataset, EditionMeta

NOT_STATED = "not stated by the publisher of this review"


def day(when: date) -> str:
    """``20 November 2025`` (GOV.UK style)."""
    return f"{when.day} {when:%B %Y}"


def cite(d: Dataset, label: str | None = None) -> str:
    """One dataset as a statistics office cites it: what the review takes from it and for
    which years, then publisher, title, edition and release date, tables and which
    estimates they are."""
    head = ", ".join(x for x in (label, d.years and f"{d.years}") if x)
    when = ", ".join(x for x in (d.edition, d.released and f"released {day(d.released)}") if x)
    text = f"{d.publisher}, {d.title}" + (f" ({when})" if when else "")
    if d.tables:
        text += f", {d.tables}"
    if d.vintage:
        text += f"; {d.vintage}"
    return (f"{head}: " if head else "") + text + "."


def cite_all(datasets: Sequence[Dataset], label: str | None = None) -> list[str]:
    """Each dataset cited, the latest release first."""
    ordered = sorted(datasets, key=lambda d: d.released or date.min, reverse=True)
    return [cite(d, label) for d in ordered]


def licences(meta: EditionMeta) -> list[str]:
    """The datasets' licences, once each, in order."""
    return list(dict.fromkeys(d.licence for d in meta.sources.datasets if d.licence))


def attributions(meta: EditionMeta) -> list[str]:
    return list(dict.fromkeys(d.attribution for d in meta.sources.datasets if d.attribution))


def licence_line(meta: EditionMeta) -> str:
    found, credits = licences(meta), attributions(meta)
    text = f"Licence: {'; '.join(found) if found else NOT_STATED}."
    if credits:
        text += " Attribution: " + " ".join(credits)
    return text


def source_line(meta: EditionMeta) -> str:
    """The one-line source of a workbook's cover."""
    counts = meta.sources.of_role("counts")
    if counts:
        return " ".join(cite_all(counts))
    if "panel" in meta.inputs:
        return "Computed for this review from a firm-level panel of enterprises"
    return f"Aggregate counts of scaleups by local authority ({NOT_STATED})"


def contact_line(meta: EditionMeta) -> str:
    return f"Contact: {meta.contact or NOT_STATED}."
