"""The XLSX workbook as the GSS spreadsheet guidance asks, read back with openpyxl."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from scaleup.publish.downloads import Cover, number_format, xlsx_bytes
from scaleup.tables import COLUMN_NOTES, TABLES
from support.review import SUPPRESSED_LAD, built_app

LAD_ROWS = [
    {"lad_code": "E07000032", "lad_name": "Amber Valley", "year": 2019, "employment": 1235,
     "turnover": None, "both": None, "any": None, "population": 128_000,
     "density_employment": 1235 / 128_000 * 100_000, "density_turnover": None,
     "density_any": None},
    {"lad_code": "E07000033", "lad_name": "Bolsover", "year": 2019, "employment": "[c]",
     "turnover": None, "both": None, "any": None, "population": 80_500,
     "density_employment": "[c]", "density_turnover": None, "density_any": None},
]  # fmt: skip
COMPARE = [
    {"lad_code": "E07000032", "lad_name": "Amber Valley", "measure": "employment",
     "density": 0.9648437500000001, "trend": -0.123456789, "density_median": 0.5,
     "trend_median": 0.0, "density_above_median": True, "trend_above_median": False,
     "quadrant": "above/below"},
]  # fmt: skip
COVER = Cover(
    title="Test Review 2021: all areas", about="Scaleups in made-up places.",
    source="Office for National Statistics", released=date(2026, 12, 1),
    contact="stats@example.org", licence="Open Government Licence v3.0",
)  # fmt: skip


@pytest.fixture(scope="module")
def book() -> Workbook:
    data = xlsx_bytes({"lad_year": LAD_ROWS, "lad_compare": COMPARE}, COVER)
    return load_workbook(io.BytesIO(data))


def _table_cells(book: Workbook, name: str) -> list[list[object]]:
    sheet = book[name]
    (table,) = sheet.tables.values()
    return [[c.value for c in row] for row in sheet[table.ref]]


def test_cover_contents_notes_then_one_sheet_per_table(book: Workbook) -> None:
    assert book.sheetnames == ["Cover", "Contents", "Notes", "lad_year", "lad_compare"]
    cover = [row[0] for row in book["Cover"].iter_rows(values_only=True) if row[0]]
    assert cover[0] == "Test Review 2021: all areas"
    for heading, text in (
        ("Source", "Office for National Statistics"),
        ("Release date", "2026-12-01"),
        ("Contact", "stats@example.org"),
    ):
        assert cover[cover.index(heading) + 1] == text  # fmt: skip
    assert cover[cover.index("Licence") + 1].startswith("Open Government Licence v3.0")
    assert any(str(line).startswith("[c]: withheld") for line in cover)
    assert any(str(line).startswith("[x]: not available") for line in cover)
    contents = _table_cells(book, "Contents")
    assert contents[0] == ["Sheet", "Title", "Rows"]
    assert [r[0] for r in contents[1:]] == ["Notes", "lad_year", "lad_compare"]
    assert [r[2] for r in contents[2:]] == [2, 1]
    links = [c.hyperlink.location for c in book["Contents"]["A"] if c.hyperlink]
    assert links == ["'Notes'!A1", "'lad_year'!A1", "'lad_compare'!A1"]


def test_every_sheet_has_its_title_first_and_at_most_one_table(book: Workbook) -> None:
    for sheet in book.worksheets:
        assert sheet["A1"].value and sheet["A1"].font.bold
        assert len(sheet.tables) == (0 if sheet.title == "Cover" else 1)


def test_notes_give_every_columns_meaning_and_unit(book: Workbook) -> None:
    notes = _table_cells(book, "Notes")
    assert notes[0] == ["Column", "Sheets", "Meaning", "Unit"]
    columns = {r[0]: r for r in notes[1:]}
    assert set(columns) == set(TABLES["lad_year"]) | set(TABLES["lad_compare"])
    assert columns["lad_code"][1] == "lad_year, lad_compare"
    for column, row in columns.items():
        assert (row[2], row[3]) == COLUMN_NOTES[column]
    assert columns["density_employment"][3] == "scaleups per 100,000 residents"


def test_no_blank_cells_withheld_and_not_available_marked(book: Workbook) -> None:
    for name in ("lad_year", "lad_compare", "Notes", "Contents"):
        cells = _table_cells(book, name)
        assert all(v is not None and v != "" for row in cells for v in row), name
    years = _table_cells(book, "lad_year")
    header = years[0]
    bolsover = dict(zip(header, years[2], strict=True))
    assert bolsover["employment"] == "[c]" and bolsover["turnover"] == "[x]"


def test_numbers_are_numbers_with_formats_and_full_precision(book: Workbook) -> None:
    sheet = book["lad_year"]
    (table,) = sheet.tables.values()
    header = [c.value for c in sheet[table.ref][0]]
    amber = {h: c for h, c in zip(header, sheet[table.ref][1], strict=True)}
    assert amber["employment"].value == 1235 and amber["employment"].number_format == "#,##0"
    assert amber["year"].value == 2019 and amber["year"].number_format == "0"
    density = amber["density_employment"]
    assert density.number_format == "0.0"
    assert density.value == pytest.approx(1235 / 128_000 * 100_000, rel=1e-15)
    sheet = book["lad_compare"]
    (table,) = sheet.tables.values()
    header = [c.value for c in sheet[table.ref][0]]
    row = {h: c for h, c in zip(header, sheet[table.ref][1], strict=True)}
    assert row["trend"].value == pytest.approx(-0.123456789, rel=1e-15)
    assert row["trend"].number_format == "0.00"
    assert row["density_above_median"].value is True
    assert row["measure"].value == "employment"


def test_every_published_column_has_a_note_and_numbers_a_format() -> None:
    for columns in TABLES.values():
        for column in columns:
            meaning, unit = COLUMN_NOTES[column]
            assert meaning and unit
            numeric = "count" in unit or "residents" in unit or "fraction" in unit
            assert (number_format(column) is not None) == (numeric or column == "year"), column


def test_an_area_workbook_from_the_server_and_the_build(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    client = TestClient(built_app(root, contact="a@b.org"))
    served = load_workbook(io.BytesIO(client.get("/areas/eastwick/tables.xlsx").content))
    built = load_workbook(root / "site" / "2021" / "areas" / "eastwick" / "tables.xlsx")
    every = load_workbook(root / "site" / "2021" / "downloads" / "tables.xlsx")
    for book, title in (
        (served, "Test Review 2021: Eastwick & Fen"),
        (built, "Test Review 2021: Eastwick & Fen"),
        (every, "Test Review 2021: all areas"),
    ):
        assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
        cover = [r[0] for r in book["Cover"].iter_rows(values_only=True) if r[0]]
        assert cover[0] == title
        said = {heading: cover[cover.index(heading) + 1] for heading in COVER_HEADINGS}
        assert said["Contact"] == "a@b.org"
        assert said["Licence"].startswith("Open Government Licence v3.0")
        # the datasets the edition cites ([inputs] sources), never an input file's name
        assert said["Source"].startswith("2016\u20132019: Test Statistics Office, Made-up")
        assert "released 18 November 2021" in said["Source"]
        assert date.fromisoformat(said["Release date"])
        cells = _table_cells(book, "lad_year")
        rows = [dict(zip(cells[0], r, strict=True)) for r in cells[1:]]
        withheld = next(r for r in rows if r["lad_code"] == SUPPRESSED_LAD and r["year"] == 2019)
        assert withheld["turnover"] == "[c]"


COVER_HEADINGS = ("Source", "Release date", "Licence", "Contact")
"""What the cover of every workbook says (besides its title), as the GSS guidance asks."""
