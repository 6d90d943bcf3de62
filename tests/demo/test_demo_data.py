"""The demo's numbers: the 2021 review (end year 2019, LEP 2021) from public ONS data,
checked against the seed page, and reproducible from the shipped files by one command."""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scaleup.demo as demo
from scaleup import data
from scaleup.cli.main import app
from scaleup.errors import InputError
from scaleup.store.db import default_url, make_engine, sessions
from scaleup.store.programmes import all_programmes

runner = CliRunner()
D2N2 = "E37000045"
PREPARED = (
    "counts.csv", "population.csv", "geography.csv", "changes.md", "changes.json", "sources.toml"
)  # fmt: skip


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out), "--no-serve", "--quiet"])
    assert result.exit_code == 0, result.output
    return out / "data" / "2021"


def test_demo_writes_the_four_published_tables(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == [
        "area_summary.csv", "area_year.csv", "lad_compare.csv", "lad_year.csv", "meta.json"
    ]  # fmt: skip
    meta = json.loads((built / "meta.json").read_text(encoding="utf-8"))
    assert meta["vintage"] == "2021"
    assert meta["end_years"] == [2017, 2018, 2019]
    assert meta["measures"] == ["employment"]


def test_d2n2_matches_the_seed_page(built: Path) -> None:
    summary = {r["area_code"]: r for r in read(built / "area_summary.csv")}
    assert len(summary) == 38
    d2n2 = summary[D2N2]
    assert d2n2["n_lads"] == "17"
    assert d2n2["density_above_employment"] == "10"  # "10 of the 17 local authorities"
    year = {r["year"]: r for r in read(built / "area_year.csv") if r["area_code"] == D2N2}
    assert year["2019"]["employment"] == "365"  # "365 ... rapid growth in their employees"
    assert year["2019"]["population"] == "2221120"


def test_what_public_data_cannot_give_is_not_available(built: Path) -> None:
    """No turnover-based counts exist at LAD level, and LAD figures start in 2017, so the
    2016-2019 trend has no first end point: empty cells, never zeros."""
    for row in read(built / "area_year.csv"):
        assert row["turnover"] == row["both"] == row["any"] == row["density_turnover"] == ""
    d2n2 = next(r for r in read(built / "area_summary.csv") if r["area_code"] == D2N2)
    assert d2n2["density_above_turnover"] == d2n2["trend_any"] == d2n2["trend_share"] == ""
    assert d2n2["trend_above_employment"] == ""  # no LAD has a trend: not 0 of 17
    compare = read(built / "lad_compare.csv")
    assert {r["trend"] for r in compare} == {""}
    assert len({r["lad_code"] for r in compare}) == 374  # the whole UK is compared


def test_the_documented_command_reproduces_the_shipped_inputs(tmp_path: Path) -> None:
    args = shlex.split(demo.PREPARE_COMMAND)
    assert args[:3] == ["scaleup", "import", "public-data"]
    args[args.index("--out") + 1] = str(tmp_path / "again")
    result = runner.invoke(app, args[1:])
    assert result.exit_code == 0, result.output
    shipped = demo.WORKSPACE / "data"
    for name in PREPARED:
        assert (tmp_path / "again" / name).read_bytes() == (shipped / name).read_bytes(), name
    demo.prepare_demo_inputs(tmp_path / "python")
    for name in PREPARED:
        assert (tmp_path / "python" / name).read_bytes() == (shipped / name).read_bytes(), name


def test_end_year_is_a_workspace_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = demo.WORKSPACE
    assert demo.demo_workspace().end_year == 2019
    assert f"-{demo.demo_workspace().end_year} " in demo.PREPARE_COMMAND
    assert max(int(r["year"]) for r in read(shipped / "data" / "counts.csv")) == 2019
    copy = tmp_path / "workspace"
    shutil.copytree(shipped, copy, ignore=shutil.ignore_patterns("impact", "content"))
    toml = copy / "scaleup.toml"
    toml.write_text(toml.read_text().replace("end_year = 2019", "end_year = 2020"))
    monkeypatch.setattr(demo, "WORKSPACE", copy)
    out = tmp_path / "out"
    with pytest.raises(InputError, match="review.end_year is 2020 but the prepared inputs end"):
        demo.build_demo_data(out)
    assert not out.exists()


def test_demo_no_serve_writes_the_site_and_the_data(tmp_path: Path) -> None:
    # Serving (without --no-serve) is tested in tests/e2e/test_demo_serve.py.
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "2021" / "areas" / "d2n2" / "index.html").is_file()
    assert (tmp_path / "site" / "2026" / "areas" / "east-midlands-combined-authority").is_dir()
    for edition in ("2021", "2026"):
        assert (tmp_path / "data" / edition / "area_summary.csv").is_file()
    # The finder of the served demo has the starter directory to search.
    assert "loaded the support finder's starter directory (6 programmes)" in result.output
    engine = make_engine(default_url(tmp_path))
    with sessions(engine)() as session:
        names = {p.name for p in all_programmes(session)}
    assert {"UpScaler", "Digital UpScaler", "Women in Leadership", "Big House"} <= names


def test_the_2026_edition_is_reproducible_from_its_command(tmp_path: Path) -> None:
    args = shlex.split(demo.PREPARE_COMMANDS["edition2026"])
    args[args.index("--out") + 1] = str(tmp_path / "again")
    result = runner.invoke(app, args[1:])
    assert result.exit_code == 0, result.output
    shipped = demo.WORKSPACE_2026 / "data"
    for name in PREPARED:
        assert (tmp_path / "again" / name).read_bytes() == (shipped / name).read_bytes(), name
    assert demo.demo_workspace(demo.WORKSPACE_2026).end_year == 2024


def test_the_2026_edition_rates_trends_on_real_data(built: Path) -> None:
    """Combined authorities and regions on the April 2025 geography, figures to 2024: the
    trend window 2021-2024 lies inside the public years, so every area has a trend rating."""
    data = built.parent / "2026"
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    assert meta["vintage"] == "2025" and meta["end_years"][-1] == 2024
    assert meta["trend_window"] == [2021, 2024]
    summary = read(data / "area_summary.csv")
    kinds = {r["area_code"][:3] for r in summary}
    assert kinds == {"E47", "E12"}
    assert all(r["trend_rating"] and r["density_rating"] for r in summary)
    emcca = next(r for r in summary if r["area_code"] == "E47000013")
    assert emcca["n_lads"] == "17"  # D2N2's 17 districts


def test_areas_link_across_editions_by_their_lads(built: Path) -> None:
    """D2N2's 17 LADs are the East Midlands CCA's; the LEP's North Yorkshire districts
    (2021 codes) match the 2023 unitary authority of the 2026 edition."""
    from scaleup.store import db, repo

    out = built.parent.parent
    engine = db.open_engine(None, out)
    with db.sessions(engine)() as session:
        emcca = repo.get_area(session, "E47000013", "2026")
        assert emcca is not None and emcca.started == 2024
        assert emcca.counterpart is not None and emcca.counterpart.code == D2N2
        assert emcca.counterpart.same_lads and emcca.counterpart.shared == 17
        york = repo.get_area(session, "E47000012", "2026")
        assert york is not None and york.counterpart is not None
        assert york.counterpart.same_lads and york.counterpart.lads == 8
        ((old, new),) = york.counterpart.recoded
        assert "Craven" in old and new == ("North Yorkshire",)
        south_yorkshire = repo.get_area(session, "E47000002", "2026")  # 2025 codes
        assert south_yorkshire is not None and south_yorkshire.counterpart is not None
        assert south_yorkshire.counterpart.same_lads and south_yorkshire.counterpart.lads == 4
        d2n2 = repo.get_area(session, D2N2, "2021")
        assert d2n2 is not None
        assert [(x.code, x.same_lads) for x in d2n2.later][0] == ("E47000013", True)
    site = out / "site"
    page = (site / "2026" / "areas" / emcca.slug / "index.html").read_text(encoding="utf-8")
    assert "Before 2024 this area was covered by" in page
    assert 'href="../../../2021/areas/d2n2/index.html"' in page
    old = (site / "2021" / "areas" / "d2n2" / "index.html").read_text(encoding="utf-8")
    assert "From 2024 this area&#39;s local authorities are covered by" in old


def test_the_2026_what_changed_page_is_the_import_report(built: Path) -> None:
    site = built.parent.parent / "site"
    page = (site / "2026" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "What changed in the 2026 edition" in page
    assert "Codes mapped forward to vintage 2025" in page and "E08000038" in page
    assert "scaleup/data/population/ons_mye_lad23_2001_2024.csv" in page
    since = page.split('id="areas-since"')[1].split("</table>")[0]
    assert "../../2021/areas/d2n2/index.html" in since
    assert "/tmp/" not in page and str(built.parent.parent) not in page
    front = (site / "2026" / "index.html").read_text(encoding="utf-8")
    assert 'href="./changes/index.html"' in front


def _combined_authorities_2025() -> dict[str, str]:
    """Every LAD code (any year's) -> its combined authority on the April 2025 geography,
    worked out here from the shipped ONS lookups alone: the LTLA hierarchy (LAD -> county,
    combined authority as first constituted), then the changes file in date order (LADs and
    whole counties joining a combined authority, LAD mergers and re-codings, combined
    authorities merging)."""
    county: dict[str, str] = {}
    authority: dict[str, str] = {}
    with open(data.LTLA_HIERARCHY, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            county[row["ltlacd"]] = row["ctycd"]
            if row["cauthcd"]:
                authority[row["ltlacd"]] = row["cauthcd"]
    with open(data.LAD_CODE_CHANGES, encoding="utf-8-sig", newline="") as fh:
        changes = sorted(csv.DictReader(fh), key=lambda r: int(r["start"]))
    renamed: dict[str, str] = {}
    for row in changes:
        old, new = row["oldcd"], row["newcd"]
        if old.startswith("E47") and new.startswith("E47"):  # combined authorities merge
            authority = {lad: new if ca == old else ca for lad, ca in authority.items()}
        elif new.startswith("E47"):  # a LAD or a whole county joins
            joining = [lad for lad, c in county.items() if c == old] if old[:3] == "E10" else [old]
            authority.update(dict.fromkeys(joining, new))
        elif LAD.match(old) and LAD.match(new):  # merged or re-coded
            renamed[old] = new
            county.setdefault(new, county.get(old, ""))
            if old in authority:
                authority[new] = authority[old]

    def on_2025(code: str) -> str:
        while code in renamed:
            code = renamed[code]
        return code

    codes = set(county) | set(renamed) | set(renamed.values())
    return {code: authority[on_2025(code)] for code in codes if on_2025(code) in authority}


LAD = re.compile(r"^(E0[6-9]|W06|S12|N09)\d{6}$")


def test_the_2026_combined_authorities_match_the_ons_tables_summed_here(built: Path) -> None:
    """The 2026 edition's published counts of every combined authority and year equal the
    sum of its LADs' figures in the shipped ONS extract (each year from the latest ONS
    edition that has it), with membership from the shipped lookups read here."""
    authority_of = _combined_authorities_2025()
    latest: dict[tuple[str, int], tuple[int, str]] = {}
    with open(data.HIGH_GROWTH_EXTRACT, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if not LAD.match(row["area_code"]):
                continue
            key, edition = (row["area_code"], int(row["year"])), int(row["edition"])
            if key not in latest or latest[key][0] < edition:
                latest[key] = (edition, row["value"])
    expected: dict[tuple[str, int], int] = {}
    for (code, year), (_, value) in latest.items():
        if code in authority_of:
            ca = authority_of[code]
            expected[(ca, year)] = expected.get((ca, year), 0) + int(value)
    published = {
        (r["area_code"], int(r["year"])): r
        for r in read(built.parent / "2026" / "area_year.csv")
        if r["area_code"].startswith("E47")
    }
    assert {ca for ca, _ in published} == {ca for ca, _ in expected}  # the 15 of 2025
    assert len({ca for ca, _ in published}) == 15
    for key, row in published.items():
        assert int(row["employment"]) == expected[key], key
        density = Fraction(int(row["employment"]) * 100_000, int(row["population"]))
        assert float(row["density_employment"]) == pytest.approx(float(density), rel=1e-9)
    assert published[("E47000013", 2019)]["employment"] == "365"  # D2N2's, as published


def test_every_demo_workbook_names_a_contact(built: Path) -> None:
    """The cover of each edition's all-areas workbook (and of an area's) says who answers
    questions: the edition's ``[review] contact``, never a blank."""
    from openpyxl import load_workbook

    out = built.parents[1]  # beside data/: the site
    books = sorted(out.rglob("downloads/tables.xlsx"))
    assert len(books) == len(demo.EDITIONS)
    books.append(next(out.rglob("areas/*/tables.xlsx")))
    for folder in demo.EDITIONS:
        assert demo.demo_workspace(demo.REVIEW / folder).contact
    for path in books:
        cover = [r[0] for r in load_workbook(path)["Cover"].iter_rows(values_only=True) if r[0]]
        contact = cover[cover.index("Contact") + 1]
        assert contact == demo.demo_workspace().contact, path
