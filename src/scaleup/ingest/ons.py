"""ONS *Business Demography, UK*: high-growth enterprises by LAD (Table 7.1x).

Two forms are read:

- the ONS workbook (``.xlsx``): the high-growth count is split over sheets ``Table 7.1a``,
  ``7.1b``, ... with a varying number of year columns per sheet (2022 edition: 2017-2018,
  2019, 2020, 2021-2022; 2024 edition: 2019, 2020, 2021-2023, 2024). Each sheet has a
  title naming high growth enterprises, a header row of years in columns C onwards,
  then one row per area (code in A, name in B). Codes may carry trailing spaces and some
  sheets have stray rows without a code below the table; both are tolerated.
- the tidy extract (``.csv``: ``edition, year, area_code, area_name, value`` and
  ``measure``), as shipped in ``scaleup/data/business/``.

Only LAD rows are kept (countries, regions and counties are totals). Where editions
overlap, the latest edition's table for a year wins; the figures it revised are kept
for the "what changed" report.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from scaleup.errors import InputError, Problem
from scaleup.geo.codes import is_lad
from scaleup.geo.csvfile import read_lookup
from scaleup.tables import SUPPRESSED

MEASURE = "high_growth_enterprises"
SHEET = re.compile(r"^Table 7\.1[a-z]?$")
TITLE = re.compile(r"high growth enterprises", re.IGNORECASE)
EDITION = re.compile(r"Business Demography,?\s*(?:UK\s*:?\s*)?(\d{4})", re.IGNORECASE)
WITHHELD = {SUPPRESSED, "c", "[x]", "x", ":", ".."}
"""Symbols the ONS uses for a value withheld; passed on as suppressed ``[c]``."""

FIGURE_COLUMNS = ("edition", "year", "lad_code", "lad_name", "value", "where")


@dataclass(frozen=True)
class HighGrowthRead:
    """What one file gave: every LAD figure with its edition and where it was read."""

    source: str
    figures: pd.DataFrame  # FIGURE_COLUMNS; value is an int or "[c]"

    def renamed(self, source: str) -> HighGrowthRead:
        """The same figures under another name for the file (e.g. without a machine's path)."""
        return replace(self, source=source)

    def summary(self) -> str:
        f = self.figures
        parts = []
        for edition, g in f.groupby("edition"):
            years = sorted(g["year"].unique())
            parts.append(
                f"edition {edition}: years {_span(years)}, "
                f"{g['lad_code'].nunique()} LAD codes, {len(g)} figures"
            )
        return f"{self.source}: " + "; ".join(parts)


def read_high_growth(path: Path, edition: int | None = None) -> HighGrowthRead:
    """Read a workbook (``.xlsx``) or the tidy extract (``.csv``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, edition)
    if suffix == ".csv":
        return _read_extract(path, edition)
    raise InputError(
        Problem(
            str(path),
            f"expected an ONS Business Demography workbook (.xlsx) or the tidy extract "
            f"(.csv), got a {suffix or 'file without extension'!r} file",
        )
    )


def _read_workbook(path: Path, edition: int | None) -> HighGrowthRead:
    name = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(Problem(name, "no such file")) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(Problem(name, f"not an Excel workbook ({exc})")) from None
    try:
        sheets = [s for s in book.sheetnames if SHEET.match(s.strip())]
        if not sheets:
            raise InputError(
                Problem(
                    name,
                    "not the ONS Business Demography layout: no high-growth sheet "
                    f"('Table 7.1a', 'Table 7.1b', ...); sheets are {book.sheetnames[:12]}",
                )
            )
        if edition is None:
            edition = _edition_of(book, name)
        problems: list[Problem] = []
        frames = [_read_sheet(book[s], name, edition, problems) for s in sheets]
    finally:
        book.close()
    if problems:
        raise InputError(problems)
    figures = pd.concat(frames, ignore_index=True)
    return HighGrowthRead(name, _checked(figures, name))


def _edition_of(book, name: str) -> int:
    if "Cover" in book.sheetnames:
        for row in book["Cover"].iter_rows(max_row=10, values_only=True):
            for cell in row:
                match = EDITION.search(str(cell)) if cell is not None else None
                if match:
                    return int(match.group(1))
    raise InputError(
        Problem(
            name,
            "cannot tell the edition (no 'Business Demography YYYY' on the Cover sheet); "
            "give it with --edition",
        )  # fmt: skip
    )


def _read_sheet(sheet, name: str, edition: int, problems: list[Problem]) -> pd.DataFrame:
    title = sheet.title
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or not TITLE.search(str(rows[0][0] or "")):
        got = str(rows[0][0]) if rows and rows[0][0] is not None else "an empty cell"
        problems.append(
            Problem(
                f"{name}: sheet {title!r}",
                f"A1: expected a title naming high growth enterprises, got {got[:80]!r}",
            )  # fmt: skip
        )
        return pd.DataFrame(columns=list(FIGURE_COLUMNS))
    header_at, years = _year_header(rows)
    if not years:
        problems.append(
            Problem(
                f"{name}: sheet {title!r}",
                "no header row of years (expected years such as 2019 in C4, D4, ...) "
                "in the first 10 rows",
            )
        )
        return pd.DataFrame(columns=list(FIGURE_COLUMNS))
    records = []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        code = str(row[0]).strip() if row and row[0] is not None else ""
        if not code or not is_lad(code):
            continue
        lad_name = str(row[1]).strip() if len(row) > 1 and row[1] is not None else ""
        for column, year in years:
            cell = row[column] if column < len(row) else None
            where = f"{name}: sheet {title!r}"
            ref = f"{get_column_letter(column + 1)}{number}"
            value = _count(cell)
            if value is None:
                got = "an empty cell" if cell is None else repr(cell)
                problems.append(
                    Problem(where, f"{ref}: {code} {year}: expected a count, got {got}")
                )
                continue
            records.append((edition, year, code, lad_name, value, f"{where}!{ref}"))
    return pd.DataFrame(records, columns=list(FIGURE_COLUMNS))


def _year_header(rows: list[tuple]) -> tuple[int, list[tuple[int, int]]]:
    for index, row in enumerate(rows[:10]):
        years = [(c, y) for c, cell in enumerate(row) if c >= 2 and (y := _year(cell)) is not None]
        if years and _year(row[2] if len(row) > 2 else None) is not None:
            return index, years
    return -1, []


def _year(cell: object) -> int | None:
    text = str(cell).strip() if cell is not None else ""
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if re.fullmatch(r"(19|20)\d\d", text) else None


def _count(cell: object) -> int | str | None:
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int):
        return cell if cell >= 0 else None
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() and cell >= 0 else None
    text = str(cell).strip()
    if text.lower() in WITHHELD:
        return SUPPRESSED
    return int(text) if text.isdigit() else None


def _read_extract(path: Path, edition: int | None) -> HighGrowthRead:
    name = str(path)
    table = read_lookup(
        path,
        {
            "edition": ("edition",),
            "measure": ("measure",),
            "year": ("year",),
            "lad_code": ("area_code", "lad_code"),
            "lad_name": ("area_name", "lad_name"),
            "value": ("value",),
        },
    )
    table = table[(table["measure"] == MEASURE) & table["lad_code"].map(is_lad)]
    if edition is not None:
        table = table[table["edition"] == str(edition)]
    problems = []
    records = []
    for row in table.itertuples(index=False):
        bad = [c for c in ("edition", "year") if not re.fullmatch(r"\d{4}", getattr(row, c))]
        value = _count(row.value)
        if value is None:
            bad.append("value")
        for column in bad:
            got = getattr(row, column)
            problems.append(
                Problem(name, f"expected a {column}, got {got!r}", lines=(row.line,), column=column)
            )
        if not bad:
            records.append(
                (
                    int(row.edition),
                    int(row.year),
                    row.lad_code,
                    row.lad_name,
                    value,
                    f"{name}:{row.line}",
                )  # fmt: skip
            )
    if problems:
        raise InputError(problems)
    figures = pd.DataFrame(records, columns=list(FIGURE_COLUMNS))
    if figures.empty:
        what = f" of edition {edition}" if edition is not None else ""
        raise InputError(Problem(name, f"no high-growth enterprise figures for LADs{what}"))
    return HighGrowthRead(name, _checked(figures, name))


def _checked(figures: pd.DataFrame, name: str) -> pd.DataFrame:
    """One figure per edition, year and LAD: a repeat with another value is an error."""
    key = ["edition", "year", "lad_code"]
    figures = figures.drop_duplicates([*key, "value"])
    clash = figures[figures.duplicated(key, keep=False)]
    if not clash.empty:
        raise InputError(
            [
                Problem(
                    name,
                    f"{code} {year} (edition {ed}): two different figures, at "
                    + " and ".join(g["where"]),
                )  # fmt: skip
                for (ed, year, code), g in clash.groupby(key)
            ]
        )
    return figures.sort_values(key, ignore_index=True)


@dataclass(frozen=True)
class HighGrowthTable:
    """The figures that win (latest edition per year) and those they revised."""

    figures: pd.DataFrame  # FIGURE_COLUMNS, one edition per year
    revisions: pd.DataFrame  # year, lad_code, lad_name, edition, value, revised_edition, ...
    edition_of_year: dict[int, int]
    reads: tuple[HighGrowthRead, ...]


def combine_editions(reads: list[HighGrowthRead]) -> HighGrowthTable:
    """For each year, the latest edition that has the year; figures it revised are listed."""
    every = pd.concat([r.figures for r in reads], ignore_index=True)
    every = every.drop_duplicates(["edition", "year", "lad_code", "value"])
    again = every[every.duplicated(["edition", "year", "lad_code"], keep=False)]
    if not again.empty:
        first = again.iloc[0]
        raise InputError(
            Problem(
                None,
                f"edition {first['edition']} was given twice with different figures "
                f"({' and '.join(again[again['lad_code'] == first['lad_code']]['where'])})",
            )
        )
    latest = every.groupby("year")["edition"].max().to_dict()
    wins = every["edition"] == every["year"].map(latest)
    figures = every[wins].sort_values(["year", "lad_code"], ignore_index=True)
    older = every[~wins]
    merged = older.merge(
        figures[["year", "lad_code", "edition", "value"]],
        on=["year", "lad_code"],
        suffixes=("", "_latest"),
    )
    revised = merged[merged["value"].astype(str) != merged["value_latest"].astype(str)]
    revisions = revised[
        ["year", "lad_code", "lad_name", "edition", "value", "edition_latest", "value_latest"]
    ].sort_values(["year", "lad_code", "edition"], ignore_index=True)
    return HighGrowthTable(figures, revisions, {int(k): int(v) for k, v in latest.items()},
                           tuple(reads))  # fmt: skip


def _span(years: list[int]) -> str:
    years = [int(y) for y in years]
    if not years:
        return "none"
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    return ", ".join(str(y) for y in years)
