"""Reading ONS Business Demography high-growth tables: workbook variants, extract, editions."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from scaleup.errors import InputError
from scaleup.ingest.ons import combine_editions, read_high_growth

WORKBOOKS = Path(__file__).resolve().parent / "data"
"""The ONS workbooks' high-growth sheets (data/SOURCES.md: the originals, trimmed)."""

TITLE = "Table 7.1{} - Count Of High Growth Enterprises For {} District, Counties And Unitary"


def workbook(
    path: Path,
    sheets: dict[str, dict[str, list]],
    *,
    edition: int | None = 2024,
    title: str | None = None,
    header_row: int = 4,
) -> Path:
    """An ONS-layout workbook: a cover naming the edition, then one sheet per Table 7.1x.

    ``sheets`` maps the sheet letter to {code: [name, value per year...]} with the years
    under the key "years".
    """
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.append(["COVERSHEET"])
    cover.append([f"Business Demography {edition}" if edition else "Business statistics"])
    for letter, table in sheets.items():
        sheet = book.create_sheet(f"Table 7.1{letter}")
        years = table["years"]
        sheet.append([title or TITLE.format(letter, " and ".join(map(str, years)))])
        sheet.append(["This worksheet contains one table"])
        for _ in range(header_row - 3):
            sheet.append(["Units: Counts (control rounded to base 5)"])
        sheet.append([None, None, *years])
        for code, (name, *values) in table.items():
            if code != "years":
                sheet.append([code, name, *values])
        sheet.append([None, None, 0])  # stray cells below the table, as in the 2024 edition
    book.save(path)
    return path


def figures(read) -> dict[tuple[int, str], object]:
    return {(r.year, r.lad_code): r.value for r in read.figures.itertuples()}


def test_every_sheet_variant_is_read(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "bd.xlsx",
        {
            "a": {"years": [2019], "K02000001": ["UNITED KINGDOM", 12560],
                  "E06000047 ": ["County Durham ", 60], "W06000001": ["Isle of Anglesey", 5]},
            "b": {"years": [2021, 2022, 2023], "E06000047": ["County Durham", 40, 50, 70],
                  "W06000001": ["Isle of Anglesey", 5, "[c]", 10]},
        },
    )  # fmt: skip
    read = read_high_growth(path)
    assert figures(read) == {
        (2019, "E06000047"): 60, (2019, "W06000001"): 5,
        (2021, "E06000047"): 40, (2022, "E06000047"): 50, (2023, "E06000047"): 70,
        (2021, "W06000001"): 5, (2022, "W06000001"): "[c]", (2023, "W06000001"): 10,
    }  # fmt: skip
    assert set(read.figures["edition"]) == {2024}
    assert read.figures["lad_name"].iloc[0] == "County Durham"
    assert "edition 2024: years 2019, 2021, 2022, 2023, 2 LAD codes, 8 figures" in read.summary()


def test_edition_option_when_the_cover_does_not_say(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bd.xlsx", {"a": {"years": [2019], "E06000047": ["D", 5]}},
                    edition=None)  # fmt: skip
    with pytest.raises(InputError, match="cannot tell the edition"):
        read_high_growth(path)
    assert set(read_high_growth(path, edition=2023).figures["edition"]) == {2023}


def test_latest_edition_wins_and_revisions_are_listed(tmp_path: Path) -> None:
    old = workbook(
        tmp_path / "old.xlsx",
        {"a": {"years": [2018, 2019], "E06000047": ["Durham", 65, 60], "E06000001": ["H", 5, 5]}},
        edition=2022,
    )
    new = workbook(
        tmp_path / "new.xlsx",
        {"a": {"years": [2019, 2020], "E06000047": ["Durham", 55, 50], "E06000001": ["H", 5, 10]}},
        edition=2024,
    )
    table = combine_editions([read_high_growth(new), read_high_growth(old)])
    assert table.edition_of_year == {2018: 2022, 2019: 2024, 2020: 2024}
    won = {(r.year, r.lad_code): r.value for r in table.figures.itertuples()}
    assert won[(2019, "E06000047")] == 55 and won[(2018, "E06000047")] == 65
    assert table.revisions.to_dict("records") == [
        {"year": 2019, "lad_code": "E06000047", "lad_name": "Durham", "edition": 2022,
         "value": 60, "edition_latest": 2024, "value_latest": 55},
    ]  # fmt: skip


def test_tidy_extract(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(
        "\ufeffedition,published,table,measure,year,area_code,area_name,value,value_note\n"
        "2024,2025-11-20,Table 7.1a,high_growth_enterprises,2019,E06000047,County Durham,60,\n"
        "2024,2025-11-20,Table 7.1a,high_growth_enterprises,2019,E12000001,NORTH EAST,365,\n"
        "2024,2025-11-20,Table 3.1a,active,2019,E06000047,County Durham,9000,\n"
        "2023,2024-11-18,Table 7.1a,high_growth_enterprises,2019,E06000047,County Durham,65,\n",
        encoding="utf-8",
    )
    read = read_high_growth(path)
    assert sorted(zip(read.figures["edition"], read.figures["value"], strict=True)) == [
        (2023, 65), (2024, 60)
    ]  # fmt: skip
    assert list(read_high_growth(path, edition=2023).figures["value"]) == [65]


def test_the_real_workbooks_agree_with_the_tidy_extract() -> None:
    """The real ONS workbooks (their high-growth sheets, shipped under tests/ingest/data)
    give exactly the extract's figures for their editions."""
    from scaleup import data

    extract = read_high_growth(data.HIGH_GROWTH_EXTRACT).figures
    for edition in (2022, 2024):
        path = WORKBOOKS / f"ons_businessdemographyexceltables{edition}_high_growth.xlsx"
        book = read_high_growth(path)
        got = book.figures.set_index(["edition", "year", "lad_code"])["value"]
        want = extract[extract["edition"] == edition].set_index(["edition", "year", "lad_code"])
        assert got.sort_index().to_dict() == want["value"].sort_index().to_dict()
        assert sorted(book.figures["year"].unique()) == (
            list(range(2017, 2023)) if edition == 2022 else list(range(2019, 2025))
        )


# Bad input: each gets a clear message naming the file and the sheet/cell or line.


def test_not_an_ons_workbook(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.save(path)
    with pytest.raises(InputError, match=r"not the ONS Business Demography layout.*\['Data'\]"):
        read_high_growth(path)


def test_a_table_sheet_that_is_not_high_growth(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bd.xlsx", {"a": {"years": [2019], "E06000047": ["D", 5]}},
                    title="Table 7.1a - Count of Births")  # fmt: skip
    with pytest.raises(InputError) as err:
        read_high_growth(path)
    assert "sheet 'Table 7.1a': A1: expected a title naming high growth" in err.value.render()[0]


def test_no_row_of_years(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "bd.xlsx", {"a": {"years": ["Area", "Count"], "E06000047": ["D", 5]}}
    )
    with pytest.raises(InputError, match="no header row of years"):
        read_high_growth(path)


def test_bad_and_missing_cells_are_named(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "bd.xlsx",
        {"a": {"years": [2018, 2019], "E06000047": ["D", 5, "five"], "E06000001": ["H", None, 5]}},
    )
    with pytest.raises(InputError) as err:
        read_high_growth(path)
    lines = err.value.render()
    assert any("sheet 'Table 7.1a': D5: E06000047 2019: expected a count, got 'five'" in x
               for x in lines)  # fmt: skip
    assert any("C6: E06000001 2018: expected a count, got an empty cell" in x for x in lines)


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("lad_code,year\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an Excel workbook"):
        read_high_growth(path)
    with pytest.raises(InputError, match="expected an ONS Business Demography workbook"):
        read_high_growth(tmp_path / "tables.ods")


def test_extract_with_a_bad_value_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "extract.csv"
    path.write_text(
        "edition,measure,year,area_code,area_name,value\n"
        "2024,high_growth_enterprises,2019,E06000047,Durham,60\n"
        "2024,high_growth_enterprises,20x9,E06000001,Hartlepool,-5\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_high_growth(path)
    assert [p.render() for p in err.value.problems()] == [
        f"error: {path}:3: year: expected a year, got '20x9'",
        f"error: {path}:3: value: expected a value, got '-5'",
    ]
