"""The demo's synthetic cohort: reproducible from its seed, labelled, giving the seed figures."""

from __future__ import annotations

import pytest

from scaleup.impact import compute_kpis
from scaleup.impact.synthetic import DEMO_DIR, MIN_HOURS, PROGRAMME, main, write_synthetic_cohort

FILES = ("participants.csv", "followups.csv", "survey.csv", "sectors.csv")
SEED_SECTORS = {
    "Engineering / Advanced Engineering", "Healthcare", "Life Sciences & Biotech",
    "Professional services", "Technology & Communications",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo():
    paths = {name.removesuffix(".csv"): DEMO_DIR / name for name in FILES}
    return compute_kpis(**paths, min_hours=MIN_HOURS)


def test_regenerating_gives_the_committed_files_byte_for_byte(tmp_path):
    written = write_synthetic_cohort(tmp_path)
    assert [p.name for p in written] == list(FILES)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DEMO_DIR / name).read_bytes(), name


def test_another_seed_gives_other_records_with_the_same_figures(tmp_path):
    write_synthetic_cohort(tmp_path, seed=7)
    assert (tmp_path / "participants.csv").read_bytes() != (
        DEMO_DIR / "participants.csv"
    ).read_bytes()
    paths = {name.removesuffix(".csv"): tmp_path / name for name in FILES}
    k = compute_kpis(**paths, min_hours=MIN_HOURS).kpis_for(PROGRAMME)
    assert k["companies_supported"].value == 230
    assert round(k["confidence_mean_change"].value, 2) == 0.63


def test_the_module_can_be_run_to_regenerate(tmp_path, capsys):
    assert main([str(tmp_path)]) == 0
    assert "participants.csv" in capsys.readouterr().out


def test_its_kpis_are_the_seed_pages_figures(demo):
    assert demo.programmes == (PROGRAMME,)
    k = demo.kpis_for(PROGRAMME)
    assert k["companies_supported"].value == 230
    assert k["turnover_at_entry"].value == 480_000  # GBP thousands: £480 million
    assert k["employees_at_entry"].value == 3750
    share = k["turnover_increase_share"]
    assert (share.value, share.numerator, share.denominator, share.eligible) == (0.49, 98, 200, 230)
    assert k["jobs_created_fte"].value == 49
    assert k["graduate_placements"].value == 39
    assert round(k["confidence_mean_change"].value, 2) == 0.63
    rose = k["confidence_rose_share"]
    assert (rose.numerator, rose.denominator) == (100, 150)  # two-thirds
    assert {r.sector for r in demo.sectors_for(PROGRAMME)} == SEED_SECTORS
    assert sum(r.enterprises for r in demo.sectors_for(PROGRAMME)) == 230


def test_the_rules_matter_in_it(demo):
    k = demo.kpis_for(PROGRAMME)
    assert "233 took part, 3 with fewer hours" in k["companies_supported"].note
    assert "30 did not" in k["turnover_increase_share"].note
    assert "unchanged" in k["confidence_rose_share"].note


def test_it_is_labelled_synthetic_everywhere(demo):
    assert all(r.synthetic and r.note.startswith("synthetic cohort") for r in demo.kpis)
    assert all(r.synthetic for r in demo.sectors)
    for name in ("participants.csv", "followups.csv", "survey.csv"):
        lines = (DEMO_DIR / name).read_text().splitlines()
        assert lines[0].endswith(",synthetic") and all(ln.endswith(",true") for ln in lines[1:])
    assert "not real data" in (DEMO_DIR / "README.md").read_text().lower()
