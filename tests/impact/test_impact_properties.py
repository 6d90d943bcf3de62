"""Properties of any cohort: bases nest, intervals hold the share, row order is irrelevant."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from scaleup.impact import kpis_for_cohort
from scaleup.ingest.cohort import Cohort, FollowUp, Participant, SurveyAnswer, Where

HERE = Where("memory", 1)

firm = st.tuples(
    st.sampled_from([0, 6, 11.5, 12, 30]),  # support hours
    st.sampled_from([None, "up", "same", "down"]),  # turnover answer (None: not answered)
    st.one_of(
        st.none(), st.tuples(st.integers(1, 5), st.integers(1, 10), st.sampled_from([5, 10]))
    ),
)


def cohort_of(firms, seed: int) -> Cohort:
    participants, followups, survey = [], [], []
    for i, (hours, change, pair) in enumerate(firms):
        e = f"E{i}"
        participants.append(
            Participant(e, "P", date(2020, 1, 1), hours, 10, 100, None, False, HERE)
        )
        followups.append(FollowUp(e, "P", date(2021, 1, 1), change, 1.0, 1, HERE))
        if pair is not None:
            before, after, scale = pair
            survey.append(SurveyAnswer(e, "P", "before", "leadership_confidence", before, 5, HERE))
            after = min(after, scale)
            survey.append(
                SurveyAnswer(e, "P", "after", "leadership_confidence", after, scale, HERE)
            )
    rng = random.Random(seed)
    for records in (participants, followups, survey):
        rng.shuffle(records)
    return Cohort(tuple(participants), tuple(followups), tuple(survey), None)


@settings(max_examples=60, deadline=None)
@given(st.lists(firm, min_size=1, max_size=40), st.integers(0, 1000))
def test_bases_nest_intervals_hold_the_share_and_row_order_does_not_matter(firms, seed):
    result = kpis_for_cohort(cohort_of(firms, 0), min_hours=12)
    k = result.kpis_for("P")
    supported = k["companies_supported"].value
    assert supported == sum(hours >= 12 for hours, _, _ in firms)
    assert k["jobs_created_fte"].value == supported  # 1 FTE recorded by each
    for name in ("turnover_increase_share", "confidence_rose_share"):
        row = k[name]
        assert 0 <= row.numerator <= row.denominator <= supported
        if row.denominator < 10:
            assert row.value is None and row.ci_low is None
        else:
            assert 0 <= row.ci_low <= row.value <= row.ci_high <= 1
    assert sum(r.enterprises for r in result.sectors) == supported
    assert kpis_for_cohort(cohort_of(firms, seed), min_hours=12) == result
