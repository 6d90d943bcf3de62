"""The published tables as downloads: CSV in the contract's columns, and an XLSX workbook
laid out as the GSS guidance on releasing statistics in spreadsheets asks.

The workbook has a cover sheet (title, what it holds, source, release date, licence,
contact, the symbols used), a contents sheet, a notes sheet giving every column's meaning
and unit, and one sheet per table, each holding one native Excel table under its title.
No cell of a table is blank: ``[c]`` marks a withheld value and ``[x]`` one not available.
Numbers are stored as numbers at full precision and shown with a number format (densities
to one decimal place, trends to two, shares as percentages, counts with thousands
separators).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from scaleup.publish.citations import licence_line, source_line
from scaleup.store.repo import Edition
from scaleup.tables import (
    COLUMN_NOTES,
    DOWNLOAD_TABLES,
    NOT_AVAILABLE_MARK,
    SUPPRESSED,
    TABLE_TITLES,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {
    "count": "#,##0",
    "density": "0.0",
    "trend": "0.00",
    "share": "0%",
    "year": "0",
}
"""Number formats by kind of column (what is shown; the stored value keeps every digit)."""


def number_format(column: str) -> str | None:
    """The display format of a column's numbers, from its unit (:data:`COLUMN_NOTES`); None
    for text and TRUE/FALSE columns."""
    unit = COLUMN_NOTES[column][1]
    if unit.endswith("change per year"):
        return FORMATS["trend"]
    if unit.startswith("scaleups per 100,000"):
        return FORMATS["density"]
    if unit.startswith("fraction"):
        return FORMATS["share"]
    if unit.endswith("(count)"):
        return FORMATS["count"]
    if unit == "calendar year":
        return FORMATS["year"]
    return None


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def table_columns(name: str) -> tuple[str, ...]:
    return DOWNLOAD_TABLES[name]


def csv_text(name: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """One table in the columns of contracts.md: ``[c]`` suppressed, empty not available."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = table_columns(name)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


@dataclass(frozen=True)
class Cover:
    """What a workbook's cover sheet says."""

    title: str
    about: str
    source: str
    released: date
    contact: str | None
    licence: str


def cover_of(edition: Edition, scope: str | None = None) -> Cover:
    """The cover of an edition's workbook: of every area (``scope`` None) or of one area."""
    meta = edition.meta
    years = f"{meta.end_years[0]} to {meta.end_years[-1]}" if meta.end_years else "no years"
    where = (
        f"the area {scope} and its local authority districts"
        if scope
        else "every area of the review and every local authority district in the data"
    )
    about = (
        f"Scaleups (high-growth enterprises) in {where}, for the end years {years}: counts, "
        "densities per 100,000 residents, trends and comparisons with the medians of all "
        "local authority districts. The figures are the published, disclosure-controlled "
        "ones, as on the review's pages."
    )
    return Cover(
        title=f"{edition.name}: {scope}" if scope else f"{edition.name}: all areas",
        about=about,
        source=source_line(meta),
        released=edition.built_at.date(),
        contact=meta.contact,
        licence=licence_line(meta).removeprefix("Licence: "),
    )


def _cell(value: Any) -> Any:
    """A table cell of the workbook: a number, TRUE/FALSE, text, ``[c]`` or ``[x]``."""
    if value is None or value == "":
        return NOT_AVAILABLE_MARK
    return value


def _title_rows(sheet: Worksheet, title: str, lines: Sequence[str]) -> int:
    """The sheet's title in A1 and a line of text per row below it; the next free row."""
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(lines, start=2):
        sheet.cell(row=i, column=1, value=line)
    return len(lines) + 2


def _add_table(
    sheet: Worksheet,
    name: str,
    first_row: int,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str | None] = (),
) -> None:
    """``header`` and ``rows`` as one native Excel table starting at ``first_row``."""
    for j, heading in enumerate(header, start=1):
        cell = sheet.cell(row=first_row, column=j, value=heading)
        cell.font = Font(bold=True)
    for i, row in enumerate(rows, start=first_row + 1):
        for j, value in enumerate(row, start=1):
            cell = sheet.cell(row=i, column=j, value=value)
            fmt = formats[j - 1] if j - 1 < len(formats) else None
            if fmt and isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = fmt
    last_row = first_row + max(len(rows), 1)
    if not rows:  # a table needs a data row: say that there is none
        sheet.cell(row=first_row + 1, column=1, value="No rows")
        for j in range(2, len(header) + 1):
            sheet.cell(row=first_row + 1, column=j, value=NOT_AVAILABLE_MARK)
    last = sheet.cell(row=last_row, column=len(header)).coordinate
    table = Table(displayName=name, ref=f"A{first_row}:{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    for j, heading in enumerate(header, start=1):
        letter = sheet.cell(row=first_row, column=j).column_letter
        sheet.column_dimensions[letter].width = min(60, max(12, len(str(heading)) + 4))


def xlsx_bytes(tables: Mapping[str, Sequence[Mapping[str, Any]]], cover: Cover) -> bytes:
    """The workbook of ``tables`` (name -> rows in contract columns) with ``cover``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cover"
    symbols = [
        f"{SUPPRESSED}: withheld to protect confidentiality (statistical disclosure control).",
        f"{NOT_AVAILABLE_MARK}: not available (the data behind the review do not measure it).",
    ]
    lines = [
        ("About these tables", cover.about),
        ("Source", cover.source),
        ("Release date", cover.released.isoformat()),
        ("Licence", cover.licence),
        ("Contact", cover.contact or "Not given by the publisher of this review."),
        ("Symbols used", symbols[0]),
        ("", symbols[1]),
        ("Notes", "The Notes sheet gives every column's meaning and unit."),
    ]
    sheet["A1"] = cover.title
    sheet["A1"].font = Font(bold=True, size=14)
    row = 2
    for heading, text in lines:
        if heading:
            sheet.cell(row=row, column=1, value=heading).font = Font(bold=True, size=12)
            row += 1
        sheet.cell(row=row, column=1, value=text)
        row += 1
    sheet.column_dimensions["A"].width = 100

    one_table = "This worksheet contains one table."
    contents = book.create_sheet("Contents")
    start = _title_rows(contents, "Contents", [one_table])
    entries = [["Notes", "What each column means, and its unit", len(_columns(tables))]]
    entries += [[name, TABLE_TITLES[name], len(rows)] for name, rows in tables.items()]
    _add_table(contents, "contents", start, ["Sheet", "Title", "Rows"], entries)
    for i, entry in enumerate(entries, start=start + 1):
        cell = contents.cell(row=i, column=1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{entry[0]}'!A1")
        cell.style = "Hyperlink"

    notes = book.create_sheet("Notes")
    start = _title_rows(notes, "Notes", [one_table, *symbols])
    columns = _columns(tables)
    _add_table(
        notes,
        "notes",
        start,
        ["Column", "Sheets", "Meaning", "Unit"],
        [[c, ", ".join(sheets), *COLUMN_NOTES[c]] for c, sheets in columns.items()],
    )
    notes.column_dimensions["C"].width = 90
    notes.column_dimensions["D"].width = 40

    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        header = table_columns(name)
        start = _title_rows(
            sheet,
            f"{TABLE_TITLES[name]}: {cover.title}",
            [one_table, f"{symbols[0]} {symbols[1]}", f"Source: {cover.source}."],
        )
        _add_table(
            sheet,
            f"t_{name}",
            start,
            header,
            [[_cell(row.get(c)) for c in header] for row in rows],
            [number_format(c) for c in header],
        )
        sheet.freeze_panes = sheet.cell(row=start + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _columns(tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[str]]:
    """Every column of the workbook's tables -> the sheets it is in (first seen first)."""
    found: dict[str, list[str]] = {}
    for name in tables:
        for column in table_columns(name):
            found.setdefault(column, []).append(name)
    return found
