"""LAD code changes, the LADs of a vintage, area sets and population on a vintage."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleup.errors import InputError
from scaleup.geo.areas import AREA_SETS, check_area_set, lads_on_vintage, shipped_geography
from scaleup.geo.codes import read_code_changes
from scaleup.geo.population import PopulationSource, population_for, read_population
from scaleup.public_data import prepare_geography

D2N2 = "E37000045"
D2N2_LADS = {
    "E07000032", "E07000170", "E07000171", "E07000033", "E07000172", "E07000034", "E06000015",
    "E07000035", "E07000036", "E07000173", "E07000037", "E07000174", "E07000175", "E07000038",
    "E06000018", "E07000176", "E07000039",
}  # fmt: skip


@pytest.fixture(scope="module")
def changes():
    return read_code_changes()


def test_codes_map_forward_through_every_reorganisation_up_to_the_vintage(changes) -> None:
    # Taunton Deane -> Somerset West and Taunton (2019) -> Somerset (2023)
    assert changes.forward("E07000190", 2018) == "E07000190"
    assert changes.forward("E07000190", 2021) == "E07000246"
    assert changes.forward("E07000190", 2023) == "E06000066"
    assert changes.forward("E07000150", 2021) == "E06000061"  # Corby -> North Northamptonshire
    assert changes.forward("S12000015", 2021) == "S12000047"  # Fife re-coded in 2018
    assert changes.forward("E08000016", 2025) == "E08000038"  # Barnsley re-coded in 2025


def test_combined_authority_and_county_rows_are_not_lad_changes(changes) -> None:
    olds = {c.old_code for c in changes.changes}
    news = {c.new_code for c in changes.changes}
    assert "E06000057" not in olds  # Northumberland -> North of Tyne CA (new_geo)
    assert not any(code.startswith(("E47", "E10")) for code in olds | news)
    assert changes.forward("E06000015", 2025) == "E06000015"  # Derby joined a CA, kept its code


def test_contract_format_code_changes(tmp_path: Path) -> None:
    path = tmp_path / "changes.csv"
    path.write_text("old_code,new_code,year\nE07000004,E06000060,2020\n", encoding="utf-8")
    mine = read_code_changes(path)
    assert mine.forward("E07000004", 2021) == "E06000060"
    path.write_text("old_code,new_code,year\nE07000004,E06000060,soon\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"changes.csv:2: year: 'soon' is not a year"):
        read_code_changes(path)


@pytest.mark.parametrize(
    ("vintage", "uk", "england"), [(2019, 382, 317), (2020, 379, 314), (2021, 374, 309),
                                   (2023, 361, 296)]
)  # fmt: skip
def test_lads_on_each_vintage(changes, vintage: int, uk: int, england: int) -> None:
    lads = lads_on_vintage(changes, vintage)
    assert len(lads) == uk
    assert sum(code.startswith("E") for code in lads) == england


def test_lep2021_with_its_overlaps_and_every_uk_lad(changes) -> None:
    geography, report = prepare_geography("lep2021", 2021)
    areas = geography[geography["area_code"] != ""]
    assert areas["area_code"].nunique() == 38
    assert set(areas.loc[areas["area_code"] == D2N2, "lad_code"]) == D2N2_LADS
    assert len(report.overlaps) == 7
    assert {o["lad_name"] for o in report.overlaps} >= {"Cannock Chase", "Wyre Forest"}
    assert all("E37000012 Greater Birmingham and Solihull" in o["areas"] for o in report.overlaps)
    # Welsh, Scottish and Northern Irish LADs are listed in no area: in the UK comparison only
    no_area = geography[geography["area_code"] == ""]
    assert len(no_area) == 65 and not no_area["lad_code"].str.startswith("E").any()
    assert set(geography["vintage"]) == {2021}
    assert geography["lad_code"].nunique() == 374


def test_regions_and_combined_authorities_follow_the_vintage(changes) -> None:
    names = {}
    region = shipped_geography(AREA_SETS["region"], lads_on_vintage(changes, 2021), names, 2021)
    in_region = region[region["area_code"] != ""]
    assert in_region["area_code"].nunique() == 9 and len(in_region) == 309
    ca21 = shipped_geography(
        AREA_SETS["combined_authority"], lads_on_vintage(changes, 2021), names, 2021
    )
    assert ca21.loc[ca21["area_code"] != "", "area_code"].nunique() == 10
    assert set(ca21.loc[ca21["area_code"] == "E47000011", "lad_code"]) == {
        "E06000057", "E08000021", "E08000022"
    }  # fmt: skip
    ca24 = shipped_geography(
        AREA_SETS["combined_authority"], lads_on_vintage(changes, 2024), names, 2024
    )
    # The East Midlands CA (2024) is Derby, Nottingham and the two counties' districts
    assert set(ca24.loc[ca24["area_code"] == "E47000013", "lad_code"]) == D2N2_LADS
    assert len(ca24[ca24["area_code"] == "E47000014"]) == 7  # North East merged in 2024


def test_an_unknown_area_set() -> None:
    with pytest.raises(InputError) as err:
        check_area_set("county")
    assert err.value.render() == [
        "error: --areas: expected one of ['combined_authority', 'lep2021', 'region'] or a "
        "geography CSV file, got 'county'"
    ]


def test_a_user_geography_file_is_checked_against_the_vintage(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "lad_code,lad_name,area_code,area_name\n"
        "E06000015,Derby,X1,Derby and friends\n"
        "E07000150,Corby,X1,Derby and friends\n"
        "E0600001,Typo,X1,Derby and friends\n"
        "E06000018,Nottingham,X2,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        prepare_geography(str(path), 2021)
    assert err.value.render() == [
        f"error: {path}:3: lad_code: E07000150 is not a LAD on vintage 2021 "
        "(on vintage 2021 it is E06000061)",
        f"error: {path}:4: lad_code: 'E0600001' is not a LAD code",
        f"error: {path}:5: area_name: no name for area X2",
    ]
    path.write_text(
        "lad_code,area_code,area_name\nE06000015,X1,Derby and friends\n", encoding="utf-8"
    )
    geography, report = prepare_geography(str(path), 2021)
    assert len(geography) == 374 and report.lads_in_no_area == 373
    assert geography.loc[geography["lad_code"] == "E06000015", "lad_name"].item() == "Derby"


def test_population_on_2021_and_summed_onto_2023(changes) -> None:
    shipped = PopulationSource.shipped()
    pop21 = read_population(shipped, changes, 2021)
    d2n2 = pop21[pop21["lad_code"].isin(D2N2_LADS)].groupby("year")["population"].sum()
    assert d2n2[2016] == 2_179_199 and d2n2[2019] == 2_221_120  # SOURCES.md, 2.1
    pop23 = read_population(shipped, changes, 2023).set_index(["lad_code", "year"])["population"]
    old = pop21.set_index(["lad_code", "year"])["population"]
    cumberland = sum(old[(c, 2020)] for c in ("E07000026", "E07000028", "E07000029"))
    assert pop23[("E06000063", 2020)] == cumberland


def test_population_cannot_go_back_to_an_earlier_vintage(changes) -> None:
    with pytest.raises(InputError, match="cannot be taken back to vintage 2019"):
        read_population(PopulationSource.shipped(), changes, 2019)


def test_a_lad_with_no_population_on_the_vintage(changes, tmp_path: Path) -> None:
    path = tmp_path / "pop.csv"
    path.write_text(
        "area_code,year,population\nE06000015,2019,257000\nE07000150,2019,72000\n",
        encoding="utf-8",
    )
    table = read_population(PopulationSource(path, 2019), changes, 2021)
    assert set(table["lad_code"]) == {"E06000015", "E06000061"}  # Corby mapped forward
    with pytest.raises(InputError) as err:
        population_for(table, {"E06000015", "E06000018"}, [2019], vintage=2021, source="pop.csv")
    assert err.value.render() == [
        "error: pop.csv: no population for E06000018 in 2019 on vintage 2021 (needed for density)"
    ]


def test_unknown_area_codes_in_a_user_geography_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "lad_code,area_code,area_name\n"
        "E06000015,E37000008,D2N2 (old code)\n"
        "E06000018,E47000014,North East\n"
        "E07000032,E12000099,Nowhere\n"
        "E07000033,E37000045,D2N2\n"
        "E07000034,MY-AREA,Our own grouping\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        prepare_geography(str(path), 2021)
    assert [p.message for p in err.value.problems()] == [
        "E37000008 (Derby, Derbyshire, Nottingham and Nottinghamshire) is a terminated LEP "
        "code; its LEP 2021 code is E37000045",
        "E47000014 is not a combined authority on vintage 2021 (`scaleup import geography "
        "--areas combined_authority --vintage 2021` lists the 10 there are)",
        "E12000099 is not a region on vintage 2021 (`scaleup import geography --areas region "
        "--vintage 2021` lists the 9 there are)",
    ]
    path.write_text(
        "lad_code,area_code,area_name\nE06000015,E47000013,East Midlands\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="E47000013 is not a combined authority on vintage 2021"):
        prepare_geography(str(path), 2021)
    geography, _ = prepare_geography(str(path), 2024)
    assert set(geography.loc[geography["area_code"] != "", "area_code"]) == {"E47000013"}


def test_codes_of_one_vintage_map_forward_to_a_later_one() -> None:
    """How areas of two editions are matched: the earlier edition's LAD codes on the later
    edition's vintage (the 2023 North Yorkshire merger, the 2025 re-coding of Barnsley)."""
    from scaleup.geo.codes import shipped_code_changes

    changes = shipped_code_changes()
    forward = changes.mapper(2021, 2025)
    assert forward("E07000163") == "E06000065"  # Craven -> North Yorkshire (2023)
    assert forward("E08000016") == "E08000038"  # Barnsley re-coded (2025)
    assert forward("E06000015") == "E06000015"  # Derby unchanged
    assert changes.mapper(2025, 2025)("E08000016") == "E08000016"  # not earlier: as it is
    assert changes.mapper(None, 2025)("E07000163") == "E07000163"  # vintage unknown
    assert changes.mapper(2023, 2025)("E08000019") == "E08000039"
    assert changes.started["E47000013"] == 2024  # East Midlands CCA
    assert changes.started["E47000014"] == 2024  # North East (the merger)
    assert "E47000001" not in changes.started  # Greater Manchester: older than the file
