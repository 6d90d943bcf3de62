"""One rule for area codes: a GSS code or the user's own, everywhere the project reads one."""

from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from metrics.worlds import lad, population_for, write_csv
from scaleup.config import load_settings
from scaleup.errors import InputError
from scaleup.finder.records import ProgrammeCreate
from scaleup.geo import AREA_CODE
from scaleup.pipeline import InputFiles, compute_review
from scaleup.workspace import AreaContent

LADS = [lad(i) for i in range(1, 4)]


@pytest.mark.parametrize(
    "code", ["E37000045", "K02000001", "SYN001", "NORTH-EAST", "CITY_REGION_2", "E37A", "2021-X"]
)
def test_gss_and_own_codes_are_area_codes(code: str) -> None:
    assert AREA_CODE.match(code)
    assert AreaContent(code=code).code == code


@pytest.mark.parametrize(
    "code", ["", "syn001", "my area", "A/B", "-LEADING", "X" * 33, "E999", "E3700004", "E370000450"]
)
def test_malformed_area_codes_are_refused(code: str) -> None:
    assert not AREA_CODE.match(code)
    with pytest.raises(ValidationError):
        AreaContent(code=code)


def programme(areas: list[str]) -> dict:
    return {
        "name": "Grow",
        "provider": "Someone",
        "summary": "Help to grow.",
        "url": "https://example.org/grow",
        "support_types": ["advice"],
        "areas": areas,
    }


def test_a_programme_may_serve_a_users_own_area() -> None:
    assert ProgrammeCreate(**programme(["SYN001", "uk"])).areas == ["SYN001", "UK"]
    with pytest.raises(ValidationError, match="area code"):
        ProgrammeCreate(**programme(["my area"]))


def inputs(tmp_path, area_code: str) -> InputFiles:
    years = range(2016, 2020)
    pop = population_for(LADS, years, random.Random(1))
    return InputFiles(
        population=write_csv(
            tmp_path / "population.csv",
            ["lad_code", "year", "population"],
            [[k, y, p] for (k, y), p in sorted(pop.items())],
        ),
        geography=write_csv(
            tmp_path / "geography.csv",
            ["lad_code", "lad_name", "area_code", "area_name"],
            [[x, f"D{i}", area_code, "Ours"] for i, x in enumerate(LADS)],
        ),
        counts=write_csv(
            tmp_path / "counts.csv",
            ["lad_code", "year", "employment", "controlled"],
            [[x, y, 20, "true"] for x in LADS for y in years],
        ),
    )


def test_compute_accepts_a_users_own_area_code(tmp_path) -> None:
    tables = compute_review(inputs(tmp_path, "OURS-1"), load_settings(environ={}))
    assert list(tables.area_summary["area_code"]) == ["OURS-1"]


def test_compute_names_the_line_of_a_malformed_area_code(tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        compute_review(inputs(tmp_path, "ours 1"), load_settings(environ={}))
    lines = caught.value.render()
    assert lines[0].startswith("error: geography.csv:2: area_code: 'ours 1' is not an area code")
