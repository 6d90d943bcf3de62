"""The workbook writer (publish/xlsx.py), read back with openpyxl: awkward text, numbers and
the bytes being the same for the same input."""

from __future__ import annotations

import io
import math
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from scaleup.publish.downloads import Cover, xlsx_bytes
from scaleup.publish.xlsx import Styled, Workbook


def _read(book: Workbook) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(book.to_bytes(title="t", created=date(2026, 1, 2)))).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_text_is_text_whatever_it_holds() -> None:
    book = Workbook()
    sheet = book.sheet("Awkward <&> 'names' ok")
    sheet.append(["=SUM(A1:A2)", "  padded  ", "a\x00b\x1fc", "<b>&amp;</b>", "é ü 中"])
    sheet.append([True, False, 0, -1.5, Decimal("2.25")])
    assert _read(book) == [
        ["=SUM(A1:A2)", "  padded  ", "abc", "<b>&amp;</b>", "é ü 中"],
        [True, False, 0, -1.5, 2.25],
    ]
    assert load_workbook(io.BytesIO(book.to_bytes())).sheetnames == ["Awkward <&> 'names' ok"]


def test_a_formula_looking_cell_is_never_a_formula() -> None:
    book = Workbook()
    book.sheet("s").append(["=1+1", "+1", "@x"])
    cells = load_workbook(io.BytesIO(book.to_bytes())).active["A1":"C1"][0]
    assert [c.data_type for c in cells] == ["s", "s", "s"]


def test_a_number_that_is_not_finite_is_refused_by_the_writer_and_marked_by_the_download() -> None:
    book = Workbook()
    with pytest.raises(ValueError, match="cannot hold"):
        book.sheet("s").append([math.nan])
    cover = Cover("T", "About", "Source", date(2026, 1, 2), None, "OGL")
    rows = [{"year": 2019, "density_median_employment": math.inf}]
    sheet = load_workbook(io.BytesIO(xlsx_bytes({"benchmark": rows}, cover)))["benchmark"]
    (table,) = sheet.tables.values()
    values = [[c.value for c in row] for row in sheet[table.ref]]
    assert values[1][:2] == [2019, "[x]"]


def test_the_same_input_gives_the_same_bytes_and_the_cover_titles_the_document() -> None:
    cover = Cover("Review 2026: North", "About", "Source", date(2026, 1, 2), "a@b.org", "OGL")
    tables = {"benchmark": [{"year": 2019, "density_median_employment": 16.0}]}
    first, again = xlsx_bytes(tables, cover), xlsx_bytes(tables, cover)
    assert first == again
    book = load_workbook(io.BytesIO(first))
    assert book.properties.title == "Review 2026: North"
    assert book.properties.created is not None and book.properties.created.date() == date(
        2026, 1, 2
    )


def test_sheet_and_table_names_excel_refuses_are_refused() -> None:
    book = Workbook()
    for name in ("", "x" * 32, "a/b", "[x]", "'quoted'"):
        with pytest.raises(ValueError, match="sheet name"):
            book.sheet(name)
    sheet = book.sheet("s")
    with pytest.raises(ValueError, match="sheet name"):
        book.sheet("S")
    sheet.append([Styled("a", "header")])
    with pytest.raises(ValueError, match="table name"):
        sheet.table("has space", 1, ["a"])
    with pytest.raises(ValueError, match="no font"):
        sheet.append([Styled("a", "huge")])
