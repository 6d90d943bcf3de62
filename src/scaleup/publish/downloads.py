"""An area's tables as CSV (contract format) and as an XLSX workbook of native Excel tables."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo

from scaleup.tables import TABLES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def table_columns(name: str) -> tuple[str, ...]:
    return TABLES[name]


def csv_text(name: str, rows: list[dict[str, Any]]) -> str:
    """One table in the columns of contracts.md: ``[c]`` suppressed, empty not available."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = table_columns(name)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


def xlsx_bytes(tables: dict[str, list[dict[str, Any]]], title: str) -> bytes:
    """One sheet per table, each a native Excel table (filters, banding), plus a notes sheet."""
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    for line in (
        title,
        "[c]: withheld to protect confidentiality (disclosure control).",
        "An empty cell: not available (the data do not measure it).",
        "Source: Office for National Statistics licensed under the Open Government Licence v3.0.",
    ):
        notes.append([line])
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        columns = table_columns(name)
        sheet.append(list(columns))
        for row in rows:
            sheet.append([row.get(c) for c in columns])
        last = sheet.cell(row=max(len(rows), 1) + 1, column=len(columns)).coordinate
        table = Table(displayName=f"t_{name}", ref=f"A1:{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        sheet.add_table(table)
        for i, column in enumerate(columns, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = max(
                12, len(column) + 2
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
