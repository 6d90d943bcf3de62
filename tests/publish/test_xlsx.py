"""The workbook download, read back with openpyxl: awkward text, numbers that are not
finite, and the document's own properties."""

from __future__ import annotations

import io
import math
from datetime import date

from openpyxl import load_workbook

from scaleup.publish.downloads import Cover, xlsx_bytes

COVER = Cover("Review 2026: North", "About", "Source", date(2026, 1, 2), "a@b.org", "OGL")


def _table(data: bytes, sheet: str) -> list[list[object]]:
    found = load_workbook(io.BytesIO(data))[sheet]
    (table,) = found.tables.values()
    return [[c.value for c in row] for row in found[table.ref]]


def test_text_that_looks_like_a_formula_stays_text() -> None:
    rows = [
        {"lad_code": "E06000001", "lad_name": "=SUM(A1:A2)", "year": 2019},
        {"lad_code": "E06000002", "lad_name": "a <b> & 'c' é 中", "year": 2019},
    ]
    data = xlsx_bytes({"lad_year": rows}, COVER)
    sheet = load_workbook(io.BytesIO(data))["lad_year"]
    (table,) = sheet.tables.values()
    cells = list(sheet[table.ref])
    assert cells[1][1].value == "=SUM(A1:A2)" and cells[1][1].data_type == "s"
    assert cells[2][1].value == "a <b> & 'c' é 中"


def test_a_number_that_is_not_finite_is_marked_not_available() -> None:
    rows = [
        {"year": 2019, "density_median_employment": math.inf},
        {"year": 2020, "density_median_employment": math.nan},
    ]
    values = _table(xlsx_bytes({"benchmark": rows}, COVER), "benchmark")
    assert values[1][:2] == [2019, "[x]"]
    assert values[2][:2] == [2020, "[x]"]


def test_the_cover_titles_and_dates_the_document() -> None:
    tables = {"benchmark": [{"year": 2019, "density_median_employment": 16.0}]}
    book = load_workbook(io.BytesIO(xlsx_bytes(tables, COVER)))
    assert book.properties.title == "Review 2026: North"
    assert book.properties.created is not None
    assert book.properties.created.date() == date(2026, 1, 2)
