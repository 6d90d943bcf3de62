"""Each rule of methodology section 6 on a hand-made cohort, with the answer worked by hand."""

from __future__ import annotations

import pytest

from scaleup.impact import KPI_NAMES, compute_kpis, wilson_interval


def kpis(cohort, min_hours=12, programme="P"):
    paths = cohort.write()
    result = compute_kpis(**paths, min_hours=min_hours)
    return result.kpis_for(programme), result


def test_every_kpi_is_written_once_per_programme_in_the_fixed_order(cohort):
    cohort.participant("A").participant("A", programme="Q")
    _, result = kpis(cohort)
    assert result.programmes == ("P", "Q")
    assert [r.kpi for r in result.kpis] == list(KPI_NAMES) * 2


def test_only_companies_with_the_minimum_hours_count_including_exactly_the_minimum(cohort):
    cohort.participant("AT", support_hours=12, employees_at_entry=10, turnover_at_entry=500)
    cohort.participant("ABOVE", support_hours=40, employees_at_entry=5, turnover_at_entry=300)
    cohort.participant("BELOW", support_hours=11.99, employees_at_entry=99, turnover_at_entry=9e3)
    cohort.followup("BELOW", turnover_change="up", new_jobs_fte=7, graduate_placements=4)
    cohort.pair("BELOW", 1, 5)
    k, _ = kpis(cohort)
    assert k["companies_supported"].value == 2
    assert "3 took part, 1 with fewer hours" in k["companies_supported"].note
    assert k["turnover_at_entry"].value == 800
    assert k["employees_at_entry"].value == 15
    assert k["jobs_created_fte"].value == 0
    assert k["graduate_placements"].value == 0
    assert k["turnover_increase_share"].denominator == 0
    assert k["confidence_rose_share"].denominator == 0
    assert all(r.eligible == 2 for r in k.values())
    assert "over 2 companies supported with >= 12 hours" in k["turnover_at_entry"].note


def test_min_hours_is_a_parameter(cohort):
    cohort.participant("A", support_hours=3).participant("B", support_hours=30)
    assert kpis(cohort, min_hours=0)[0]["companies_supported"].value == 2
    assert kpis(cohort, min_hours=30)[0]["companies_supported"].value == 1
    assert kpis(cohort, min_hours=30.5)[0]["companies_supported"].value == 0


def test_an_enterprise_in_two_programmes_counts_in_each(cohort):
    cohort.participant("A").participant("A", programme="Q", support_hours=2)
    _, result = kpis(cohort)
    assert result.kpis_for("P")["companies_supported"].value == 1
    assert result.kpis_for("Q")["companies_supported"].value == 0


def _answered(cohort, up: int, other: int) -> None:
    for i in range(up + other):
        cohort.participant(f"E{i}").followup(f"E{i}", turnover_change="up" if i < up else "same")


def test_turnover_share_is_up_over_answered_missing_and_empty_answers_are_left_out(cohort):
    _answered(cohort, up=4, other=8)  # 12 answered: 4 up, 8 same
    cohort.participant("SILENT").followup("SILENT", turnover_change="")
    cohort.participant("NO-FOLLOWUP")
    cohort.participant("DOWN").followup("DOWN", turnover_change="down")
    row = kpis(cohort)[0]["turnover_increase_share"]
    assert (row.numerator, row.denominator, row.eligible) == (4, 13, 15)
    assert row.value == pytest.approx(4 / 13)
    assert (row.ci_low, row.ci_high) == pytest.approx(wilson_interval(4, 13))
    assert "13 answered (up, same or down), 2 did not" in row.note


def test_a_share_over_fewer_than_ten_is_not_shown_but_keeps_its_base(cohort):
    _answered(cohort, up=5, other=4)
    row = kpis(cohort)[0]["turnover_increase_share"]
    assert row.value is None and row.ci_low is None and row.ci_high is None
    assert (row.numerator, row.denominator) == (5, 9)
    assert "not shown as a percentage: base 9 is under 10" in row.note


def test_a_share_over_exactly_ten_is_shown(cohort):
    _answered(cohort, up=5, other=5)
    row = kpis(cohort)[0]["turnover_increase_share"]
    assert row.value == 0.5 and row.ci_low < 0.5 < row.ci_high


@pytest.mark.parametrize(
    ("hits", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857-872, table II, method 3 (Wilson score).
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],  # fmt: skip
)
def test_wilson_interval_matches_published_values(hits, n, low, high):
    assert wilson_interval(hits, n) == pytest.approx((low, high), abs=5e-5)


def test_turnover_share_interval_matches_a_published_wilson_interval(cohort):
    _answered(cohort, up=81, other=263 - 81)
    row = kpis(cohort)[0]["turnover_increase_share"]
    assert (row.ci_low, row.ci_high) == pytest.approx((0.2553, 0.3662), abs=5e-5)


def test_the_latest_follow_up_counts_field_by_field(cohort):
    cohort.participant("X").participant("Y").participant("Z")
    # Written newest first: order in the file must not matter, only the dates.
    cohort.followup("X", followed_up="2021-06-01", turnover_change="up", new_jobs_fte=3)
    cohort.followup("X", followed_up="2020-06-01", turnover_change="same", new_jobs_fte=1)
    # Y's latest follow-up did not answer: its earlier answer and jobs still count.
    cohort.followup("Y", followed_up="2020-06-01", turnover_change="down", new_jobs_fte=2.5,
                    graduate_placements=2)  # fmt: skip
    cohort.followup("Y", followed_up="2021-06-01", turnover_change="", new_jobs_fte="",
                    graduate_placements=1)  # fmt: skip
    k, _ = kpis(cohort)
    share = k["turnover_increase_share"]
    assert (share.numerator, share.denominator) == (1, 2)
    assert k["jobs_created_fte"].value == 5.5
    assert k["graduate_placements"].value == 1
    assert "recorded for 2, missing for 1" in k["jobs_created_fte"].note  # Z has no follow-up


def _confidence_cohort(cohort):
    for e in "ABCDEFGHIJKLMN":
        cohort.participant(e)
    cohort.pair("A", 2, 4)  # 0.4 -> 0.8 rose
    cohort.pair("B", 4, 9, scale=10)  # 0.4 -> 0.9 rose
    cohort.answer("C", "before", 3, scale_max=5).answer("C", "after", 6, scale_max=10)  # tie
    cohort.pair("D", 8, 6, scale=10)  # 0.8 -> 0.6 fell
    for e in "GHIJKL":
        cohort.pair(e, 3, 3)  # 0.6 -> 0.6 tie
    cohort.answer("M", "before", 1)  # one wave only: not paired
    cohort.answer("N", "after", 5)  # one wave only: not paired
    cohort.pair("E", 1, 5, question="strategic_awareness")  # another question
    return cohort


def test_confidence_uses_paired_respondents_with_each_score_over_its_own_scale(cohort):
    k, _ = kpis(_confidence_cohort(cohort))
    change, rose = k["confidence_mean_change"], k["confidence_rose_share"]
    # before 0.4+0.4+0.6+0.8+6*0.6 = 5.8; after 0.8+0.9+0.6+0.6+6*0.6 = 6.5 (raw: 43/35)
    assert change.value == pytest.approx(6.5 / 5.8 - 1)
    assert change.denominator == 10 and change.ci_low is None
    assert (rose.numerator, rose.denominator, rose.value) == (2, 10, 0.2)
    assert (rose.ci_low, rose.ci_high) == pytest.approx(wilson_interval(2, 10))
    assert "7 unchanged, 1 fell" in rose.note  # C's 3 of 5 and 6 of 10 are a tie
    assert "10 paired respondents" in change.note


def test_confidence_below_ten_pairs_is_not_shown(cohort):
    for e in "ABC":
        cohort.participant(e).pair(e, 2, 4)
    k, _ = kpis(cohort)
    assert k["confidence_mean_change"].value is None
    assert k["confidence_rose_share"].value is None
    assert k["confidence_rose_share"].numerator == 3
    assert "base 3 is under 10" in k["confidence_mean_change"].note


def test_sectors_count_each_company_supported_once(cohort):
    cohort.sector("62000", "62099", "Tech").sector("86000", "88999", "Health")
    cohort.sector("21000", "21999", "Health")  # one sector may have several ranges
    cohort.participant("A", sic2007="62020").participant("B", sic2007="62099")
    cohort.participant("C", sic2007="21100").participant("D", sic2007="86210")
    cohort.participant("E", sic2007="47910")  # in no range: Other
    cohort.participant("F", sic2007="")  # missing: Not known
    cohort.participant("G", sic2007="62020", support_hours=1)  # below the hours
    _, result = kpis(cohort)
    got = [(r.sector, r.enterprises) for r in result.sectors_for("P")]
    assert got == [("Health", 2), ("Tech", 2), ("Other", 1), ("Not known", 1)]


def test_without_a_sectors_file_the_sic_sections_are_used(cohort):
    cohort.participant("A", sic2007="62020").participant("B", sic2007="01110")
    _, result = kpis(cohort)
    got = {r.sector: r.enterprises for r in result.sectors_for("P")}
    assert got == {"J: Information and communication": 1, "A: Agriculture, forestry and fishing": 1}


def test_a_cohort_marked_synthetic_says_so_in_every_note(cohort):
    cohort.participant("A", synthetic="true").participant("B", synthetic="false")
    k, result = kpis(cohort)
    assert all(r.synthetic and r.note.startswith("synthetic cohort; ") for r in k.values())
    assert all(r.synthetic for r in result.sectors)


def test_a_real_cohort_is_not_marked(cohort):
    k, _ = kpis(cohort.participant("A"))
    assert not any(r.synthetic or "synthetic" in r.note for r in k.values())


def test_negative_min_hours_is_refused(cohort):
    with pytest.raises(ValueError, match="min_hours"):
        kpis(cohort.participant("A"), min_hours=-1)
