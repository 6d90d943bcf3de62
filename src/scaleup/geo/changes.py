"""The "what changed" report written with every import of public data.

It says what was read (files, editions, years, LADs), which edition each year comes from,
which LAD codes were new or retired from one year to the next, which codes were mapped
forward to the vintage, which figures a later edition revised, and which LADs sit in two
areas. It is written as ``changes.json`` (for scripts) and ``changes.md`` (for people);
both hold no dates or absolute paths, so re-running an import reproduces them exactly.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from scaleup.errors import InputError, Problem, describe_invalid

MAX_LISTED = 50
"""Rows listed per section of changes.md (changes.json has every row)."""


@dataclass
class ChangeReport:
    vintage: int | None
    areas: str | None = None
    sources: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    edition_of_year: dict[int, int] = field(default_factory=dict)
    lads_by_year: dict[int, int] = field(default_factory=dict)
    new_lads: list[dict[str, Any]] = field(default_factory=list)
    retired_lads: list[dict[str, Any]] = field(default_factory=list)
    codes_mapped: list[dict[str, Any]] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    overlaps: list[dict[str, Any]] = field(default_factory=list)
    lads_in_no_area: int = 0
    population: str | None = None
    """Which population estimates the densities use (series, base, years, LAD codes)."""
    outputs: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        payload = asdict(self)
        payload["edition_of_year"] = {str(k): v for k, v in self.edition_of_year.items()}
        payload["lads_by_year"] = {str(k): v for k, v in self.lads_by_year.items()}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, data: Any, source: str = "changes.json") -> ChangeReport:
        """The report from its JSON (``to_json``'s); an InputError naming each bad key."""
        try:
            return _REPORT.validate_python(data)
        except ValidationError as exc:
            raise InputError([Problem(source, describe_invalid(e)) for e in exc.errors()]) from None

    def sections(self) -> list[tuple[str, list[dict[str, Any]], tuple[str, ...]]]:
        """The report's tables: (title, rows, columns), in the order people read them."""
        return [
            ("New LAD codes (first year seen)", self.new_lads, ("year", "lad_code", "lad_name")),
            ("Retired LAD codes (last year seen)", self.retired_lads,
             ("year", "lad_code", "lad_name")),
            (f"Codes mapped forward to vintage {self.vintage}", self.codes_mapped,
             ("old_code", "old_name", "new_code", "new_name", "change_year", "years")),
            ("Figures revised by a later edition", self.revisions,
             ("year", "lad_code", "lad_name", "edition", "value", "edition_latest",
              "value_latest")),
            ("LADs in two areas (counted in full in each)", self.overlaps,
             ("lad_code", "lad_name", "areas")),
        ]  # fmt: skip

    def summary(self) -> list[str]:
        """A few lines for the terminal."""
        lines = [f"read {s}" for s in self.sources]
        if self.edition_of_year:
            editions = ", ".join(f"{y}: {e}" for y, e in sorted(self.edition_of_year.items()))
            lines.append(f"years {_span(self.years)} (edition used per year: {editions})")
        if self.sources:
            if self.vintage is not None:
                old = len({m["old_code"] for m in self.codes_mapped})
                lines.append(f"LAD codes mapped forward to vintage {self.vintage}: {old} old codes")
            else:
                lines.append("LAD codes kept as published (each year on its own geography)")
            lines.append(
                f"LAD codes new / retired between years: {len(self.new_lads)} / "
                f"{len(self.retired_lads)}"
            )
            lines.append(f"figures revised by a later edition: {len(self.revisions)}")
        if self.areas:
            lines.append(
                f"areas: {self.areas} on vintage {self.vintage}; LADs in two areas: "
                f"{len(self.overlaps)}; LADs in no area (still in the UK comparison): "
                f"{self.lads_in_no_area}"
            )
        if self.population:
            lines.append(f"population: {self.population}")
        return lines

    def to_markdown(self) -> str:
        out = ["# What changed", ""]
        out += [f"- {line}" for line in self.summary()]
        out.append("")
        if self.lads_by_year:
            out += ["## LADs in the figures, by year (as published)", "", "| year | LADs |"]
            out += ["| --- | --- |"]
            out += [f"| {y} | {n} |" for y, n in sorted(self.lads_by_year.items())]
            out.append("")
        for title, rows, columns in self.sections():
            out += [f"## {title}", ""]
            if not rows:
                out += ["None.", ""]
                continue
            out.append("| " + " | ".join(columns) + " |")
            out.append("|" + " --- |" * len(columns))
            for row in rows[:MAX_LISTED]:
                out.append("| " + " | ".join(_cell(row.get(c)) for c in columns) + " |")
            if len(rows) > MAX_LISTED:
                out.append(f"\n... and {len(rows) - MAX_LISTED} more (see changes.json)")
            out.append("")
        return "\n".join(out).rstrip() + "\n"


def cell_text(value: Any) -> str:
    """A cell of the report's tables as text (lists joined by commas)."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value).replace("|", "/")


def _span(years: list[int]) -> str:
    if years and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    return ", ".join(str(y) for y in years)


_REPORT = TypeAdapter(ChangeReport)
