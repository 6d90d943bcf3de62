"""LAD codes and how they change: map old codes forward to one named vintage.

A *vintage* is a year of LAD geography (the codes in use from April of that year). The
changes file lists reorganisations by year; only changes from one LAD code to another
(mergers, re-codings, boundary changes) are used: rows that add LADs to a combined
authority or end a county are not LAD changes and are ignored here (:mod:`areas` uses
them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from scaleup import data
from scaleup.errors import InputError, Problem
from scaleup.geo.csvfile import lookup_rows

LAD_CODE = re.compile(r"^(E0[6-9]|W06|S12|N09)\d{6}$")
"""A local authority district: English UA/district/metropolitan/London borough, Welsh UA,
Scottish council area, Northern Irish district."""

FIRST_VINTAGE, LAST_VINTAGE = 2014, 2025
"""Vintages the shipped lookups describe."""


def is_lad(code: str) -> bool:
    return bool(LAD_CODE.match(code))


@dataclass(frozen=True)
class CodeChange:
    """``old_code`` was replaced by ``new_code`` from April of ``year``."""

    old_code: str
    new_code: str
    year: int
    old_name: str = ""
    new_name: str = ""
    kind: str = ""


@dataclass(frozen=True)
class CodeChanges:
    """LAD-to-LAD code changes, in year order."""

    changes: tuple[CodeChange, ...]
    source: str = ""
    started: dict[str, int] = field(default_factory=dict, compare=False)
    """Area codes (combined authorities) -> the first year LADs joined them in the changes
    file: ``E47000013`` (East Midlands) 2024. Areas older than the file are absent."""

    def until(self, vintage: int) -> tuple[CodeChange, ...]:
        return tuple(c for c in self.changes if c.year <= vintage)

    def forward(self, code: str, vintage: int) -> str:
        """The code that ``code`` became on ``vintage`` (itself when it did not change)."""
        step = {c.old_code: c.new_code for c in self.until(vintage)}
        seen = {code}
        while code in step:
            code = step[code]
            if code in seen:  # a cycle in a user's changes file; stop rather than loop
                break
            seen.add(code)
        return code

    def introduced_after(self, code: str, vintage: int) -> CodeChange | None:
        """The change that created ``code`` after ``vintage`` (it cannot be mapped back)."""
        return next((c for c in self.changes if c.new_code == code and c.year > vintage), None)

    def mapper(self, vintage: int | None, target: int | None) -> Callable[[str], str]:
        """A function taking a LAD code of ``vintage`` to its code on ``target`` (a later
        vintage); codes stay as they are when either vintage is unknown or not earlier."""
        if vintage is None or target is None or vintage >= target:
            return lambda code: code
        step = {c.old_code: c.new_code for c in self.changes if vintage < c.year <= target}

        def forward(code: str) -> str:
            seen = {code}
            while code in step and step[code] not in seen:
                code = step[code]
                seen.add(code)
            return code

        return forward

    def names(self) -> dict[str, str]:
        """Name of each new code, as the changes file gives it."""
        return {c.new_code: c.new_name for c in self.changes if c.new_name}


def read_code_changes(path: Path | None = None) -> CodeChanges:
    """LAD code changes from the ONS changes file (``oldcd, newcd, type, start``) or the
    contract file (``old_code, new_code, year``). Defaults to the shipped file."""
    path = Path(path) if path is not None else data.LAD_CODE_CHANGES
    rows = lookup_rows(
        path,
        {
            "old_code": ("old_code", "oldcd"),
            "new_code": ("new_code", "newcd"),
            "year": ("year", "start"),
        },
        optional={
            "old_name": ("oldnm", "old_name"),
            "new_name": ("newnm", "new_name"),
            "kind": ("type", "kind"),
        },  # fmt: skip
    )
    problems: list[Problem] = []
    changes: list[CodeChange] = []
    started: dict[str, int] = {}
    for row in rows:
        if not row.year.isdigit():
            problems.append(
                Problem(str(path), f"{row.year!r} is not a year", lines=(row.line,), column="year")
            )
            continue
        if not is_lad(row.new_code) and row.new_code:
            year = int(row.year)
            started[row.new_code] = min(year, started.get(row.new_code, year))
        if not is_lad(row.old_code) or not is_lad(row.new_code):
            continue  # combined authorities, counties, terminations: not LAD changes
        changes.append(
            CodeChange(
                row.old_code, row.new_code, int(row.year), row.old_name, row.new_name, row.kind
            )
        )
    if problems:
        raise InputError(problems)
    changes.sort(key=lambda c: (c.year, c.new_code, c.old_code))
    return CodeChanges(tuple(changes), source=str(path), started=started)


@lru_cache(maxsize=1)
def shipped_code_changes() -> CodeChanges:
    """The shipped ONS list of LAD code changes, read once."""
    return read_code_changes()


def check_vintage(vintage: int) -> None:
    if not FIRST_VINTAGE <= vintage <= LAST_VINTAGE:
        raise InputError(
            Problem(
                None,
                f"vintage: expected a year from {FIRST_VINTAGE} to {LAST_VINTAGE} "
                f"(the LAD geographies the shipped lookups describe), got {vintage}",
            )
        )
