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
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

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
    """A table cell of the workbook: a number, TRUE/FALSE, text, ``[c]`` or ``[x]`` (also
    for a number that is not finite, which no cell can hold)."""
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        return NOT_AVAILABLE_MARK
    return value


class _Sheet:
    """One worksheet written row by row (openpyxl's write-only mode: every cell is streamed
    to the file as it is appended, none kept in memory). Column widths and frozen panes
    are set before the first row; a style is made once per sheet and column, and a styled
    cell is reused for every row (a row is written when appended, so the cell is free again).
    """

    def __init__(self, book: Workbook, title: str, widths: Mapping[str, float]) -> None:
        self.sheet = book.create_sheet(title)
        for letter, width in widths.items():
            self.sheet.column_dimensions[letter].width = width
        self.rows = 0

    def styled(self, value: Any = None, **style: Any) -> Cell:
        cell = WriteOnlyCell(self.sheet, value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def append(self, row: Sequence[Any]) -> None:
        self.sheet.append([self._text(v) if isinstance(v, str) else v for v in row])
        self.rows += 1

    def _text(self, value: str) -> Any:
        """Text is text: openpyxl takes a string that starts with ``=`` for a formula."""
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(self.sheet, value)
        cell.data_type = "s"
        return cell

    def title(self, title: str, lines: Sequence[str]) -> None:
        """The sheet's title in A1 and a line of text per row below it."""
        self.append([self.styled(title, font=Font(bold=True, size=14))])
        for line in lines:
            self.append([line])


def _table_widths(header: Sequence[str]) -> dict[str, float]:
    return {
        get_column_letter(j): min(60, max(12, len(str(heading)) + 4))
        for j, heading in enumerate(header, start=1)
    }


def _add_table(
    out: _Sheet,
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str | None] = (),
    *,
    links: bool = False,
) -> None:
    """``header`` and ``rows`` as one native Excel table from the sheet's next row; numbers
    shown with ``formats`` (by column); with ``links``, each row's first cell links to the
    sheet it names."""
    bold = Font(bold=True)
    out.append([out.styled(heading, font=bold) for heading in header])
    first_row = out.rows
    formatted = [
        out.styled(number_format=fmt) if fmt else None
        for fmt in (*formats, *[None] * (len(header) - len(formats)))
    ]
    for row in rows:
        line: list[Any] = list(row)
        for j, (value, cell) in enumerate(zip(line, formatted, strict=False)):
            if cell is not None and isinstance(value, int | float) and not isinstance(value, bool):
                cell.value = value
                line[j] = cell
        if links:
            line[0] = out.styled(line[0], style="Hyperlink")
            line[0].hyperlink = Hyperlink(ref="", location=f"'{row[0]}'!A1")
        out.append(line)
    if not rows:  # a table needs a data row: say that there is none
        out.append(["No rows", *[NOT_AVAILABLE_MARK] * (len(header) - 1)])
    ref = f"A{first_row}:{get_column_letter(len(header))}{out.rows}"
    columns = [TableColumn(id=j, name=str(h)) for j, h in enumerate(header, start=1)]
    table = Table(displayName=name, ref=ref, tableColumns=columns, autoFilter=AutoFilter(ref=ref))
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    out.sheet.tables.add(table)


def xlsx_bytes(tables: Mapping[str, Sequence[Mapping[str, Any]]], cover: Cover) -> bytes:
    """The workbook of ``tables`` (name -> rows in contract columns) with ``cover``."""
    book = Workbook(write_only=True)
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
    sheet = _Sheet(book, "Cover", {"A": 100})
    sheet.title(cover.title, [])
    heading_font = Font(bold=True, size=12)
    for heading, text in lines:
        if heading:
            sheet.append([sheet.styled(heading, font=heading_font)])
        sheet.append([text])

    one_table = "This worksheet contains one table."
    header = ["Sheet", "Title", "Rows"]
    sheet = _Sheet(book, "Contents", _table_widths(header))
    sheet.title("Contents", [one_table])
    columns = _columns(tables)
    entries = [["Notes", "What each column means, and its unit", len(columns)]]
    entries += [[name, TABLE_TITLES[name], len(rows)] for name, rows in tables.items()]
    _add_table(sheet, "contents", header, entries, links=True)

    header = ["Column", "Sheets", "Meaning", "Unit"]
    sheet = _Sheet(book, "Notes", {**_table_widths(header), "C": 90, "D": 40})
    sheet.title("Notes", [one_table, *symbols])
    notes = [[c, ", ".join(sheets), *COLUMN_NOTES[c]] for c, sheets in columns.items()]
    _add_table(sheet, "notes", header, notes)

    for name, rows in tables.items():
        header = list(table_columns(name))
        sheet = _Sheet(book, name, _table_widths(header))
        title_lines = [one_table, f"{symbols[0]} {symbols[1]}", f"Source: {cover.source}."]
        # the panes freeze below the table's header (set before any row is written)
        sheet.sheet.freeze_panes = f"A{len(title_lines) + 3}"
        sheet.title(f"{TABLE_TITLES[name]}: {cover.title}", title_lines)
        _add_table(
            sheet,
            f"t_{name}",
            header,
            [[_cell(row.get(c)) for c in header] for row in rows],
            [number_format(c) for c in header],
        )
    book.properties.title = cover.title
    book.properties.created = datetime.combine(cover.released, time())
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
