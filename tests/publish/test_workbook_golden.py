"""The workbook, read back with openpyxl, is the same cell for cell as the committed
description in ``workbook_golden/``: every sheet in order, every cell's value, type, number
format, font, named style and hyperlink, the column widths, the frozen panes and each
native table (name, range, style, column names). A faster writer must leave this unchanged.

The description was made by the first writer (openpyxl's normal mode, a style per cell).
Regenerate only after an intended change to the workbook, then review the diff:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/publish/test_workbook_golden.py
"""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook

from scaleup.publish.downloads import Cover, xlsx_bytes
from support.review import make_tables

GOLDEN = Path(__file__).with_name("workbook_golden")

COVER = Cover(
    title="Test Review 2021: Northvale",
    about="Scaleups in made-up places, for the end years 2016 to 2019.",
    source="2016\u20132019: Test Statistics Office, Made-up business demography",
    released=date(2026, 12, 1),
    contact="stats@example.org",
    licence="Open Government Licence v3.0",
)
NO_CONTACT = Cover(
    title="Test Review 2021: all areas",
    about="Every area & every district <of the review>.",
    source="Not stated",
    released=date(2021, 11, 18),
    contact=None,
    licence="Open Government Licence v3.0",
)


def _tables(employment_only: bool) -> dict[str, list[dict[str, Any]]]:
    """The generated review's tables in contract columns, and a benchmark series of the
    medians of its LAD densities (empty for the employment-only review, so that a table
    says "No rows")."""
    made = make_tables(employment_only)
    lad_year = made.lad_year.to_dict("records")
    benchmark = [
        {
            "year": year,
            **{
                f"density_median_{m}": median(
                    r[f"density_{m}"]
                    for r in lad_year
                    if r["year"] == year and isinstance(r[f"density_{m}"], float)
                )
                for m in ("employment", "turnover", "any")
            },
        }
        for year in sorted({r["year"] for r in lad_year})
        if not employment_only
    ]
    return {
        "area_summary": made.area_summary.to_dict("records"),
        "area_year": made.area_year.to_dict("records"),
        "lad_year": lad_year,
        "lad_compare": made.lad_compare.to_dict("records"),
        "benchmark": benchmark,
    }


CASES = {
    "full": (lambda: _tables(False), COVER),
    "employment-only": (lambda: _tables(True), NO_CONTACT),
}


def _value(cell: Cell) -> Any:
    value = cell.value
    return value.isoformat() if isinstance(value, date) else value


def describe(book: Workbook) -> dict[str, Any]:
    """What a reader of the workbook gets, as JSON."""
    sheets = []
    for sheet in book.worksheets:
        cells = []
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                font = cell.font
                color = font.color
                cells.append(
                    [
                        cell.coordinate,
                        _value(cell),
                        cell.data_type,
                        cell.number_format,
                        [font.name, font.sz, font.b, font.i, font.u]
                        + ([color.type, color.value] if color is not None else []),
                        cell.style,
                        cell.hyperlink.location if cell.hyperlink else None,
                    ]
                )
        tables = []
        for table in sheet.tables.values():
            style = table.tableStyleInfo
            tables.append(
                {
                    "name": table.displayName,
                    "ref": table.ref,
                    "columns": [c.name for c in table.tableColumns],
                    "filter": table.autoFilter.ref if table.autoFilter else None,
                    "style": [
                        style.name,
                        style.showRowStripes,
                        style.showColumnStripes,
                        style.showFirstColumn,
                        style.showLastColumn,
                    ],
                    "header_rows": table.headerRowCount,
                }
            )
        sheets.append(
            {
                "title": sheet.title,
                "freeze": sheet.freeze_panes,
                "widths": {
                    letter: dim.width
                    for letter, dim in sorted(sheet.column_dimensions.items())
                    if dim.customWidth
                },
                "tables": tables,
                "cells": cells,
            }
        )
    return {"active": book.active.title if book.active else None, "sheets": sheets}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_workbook_reads_back_as_the_golden_description(case: str) -> None:
    make, cover = CASES[case]
    found = describe(load_workbook(io.BytesIO(xlsx_bytes(make(), cover))))
    path = GOLDEN / f"{case}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(_dumps(found), encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert found["active"] == expected["active"]
    assert [s["title"] for s in found["sheets"]] == [s["title"] for s in expected["sheets"]]
    for got, want in zip(found["sheets"], expected["sheets"], strict=True):
        title = got["title"]
        for key in ("freeze", "widths", "tables"):
            assert got[key] == want[key], f"{title}: {key}"
        assert [c[0] for c in got["cells"]] == [c[0] for c in want["cells"]], title
        for cell, wanted in zip(got["cells"], want["cells"], strict=True):
            assert cell == wanted, f"{title}!{cell[0]}"
            # JSON keeps 1 and 1.0 apart, but True == 1 in Python: compare the types too
            assert type(cell[1]) is type(wanted[1]), f"{title}!{cell[0]}"


def _dumps(found: dict[str, Any]) -> str:
    """The description as JSON, a cell a line (so that a diff shows the cells changed)."""
    lines = [f'{{"active": {json.dumps(found["active"])}, "sheets": [']
    for i, sheet in enumerate(found["sheets"]):
        head = {k: v for k, v in sheet.items() if k != "cells"}
        lines.append(json.dumps(head, ensure_ascii=False)[:-1] + ', "cells": [')
        cells = [json.dumps(c, ensure_ascii=False) for c in sheet["cells"]]
        lines.append(",\n".join(cells))
        lines.append("]}" + ("," if i < len(found["sheets"]) - 1 else ""))
    lines.append("]}")
    return "\n".join(lines) + "\n"
