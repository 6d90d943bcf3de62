"""Every count a page says is a count of the published flags (issue 11).

Synthetic firm panels (scaleup.synth) are computed with random disclosure thresholds, so
that many comparisons are withheld ([c]); for every area, every number in every sentence,
the rating's basis and every chart's data table are checked against the published
lad_compare and area_summary cells.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from scaleup.config import load_settings
from scaleup.pipeline import InputFiles, ReviewTables, compute_review
from scaleup.publish import charts
from scaleup.publish.sentences import (
    density_sentences,
    rating_sentence,
    standing,
    trend_sentences,
)
from scaleup.publish.site import records
from scaleup.store.repo import LadView
from scaleup.synth import SynthSpec, generate
from scaleup.tables import RATED_MEASURES, SUPPRESSED

SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def panels(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    out = {}
    for seed in SEEDS:
        folder = tmp_path_factory.mktemp(f"synth{seed}")
        generate(SynthSpec(enterprises=40_000, seed=seed, lads=20, years=7), folder)
        out[seed] = folder
    return out


def _review(folder: Path, threshold: int, rounding: int) -> ReviewTables:
    inputs = InputFiles(
        population=folder / "population.csv", geography=folder / "geography.csv",
        panel=folder / "panel.parquet",
    )  # fmt: skip
    overrides = {"publication": {"threshold": threshold, "rounding": rounding}}
    return compute_review(inputs, load_settings(overrides=overrides, environ={}))


def _areas(folder: Path) -> dict[str, list[str]]:
    members: dict[str, list[str]] = defaultdict(list)
    with open(folder / "geography.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            members[row["area_code"]].append(row["lad_code"])
    return members


def _lads(tables: ReviewTables, codes: list[str]) -> list[LadView]:
    rows = records(tables.lad_compare)
    out = []
    for code in codes:
        mine = [r for r in rows if r["lad_code"] == code]
        out.append(LadView(code, mine[0]["lad_name"], {r["measure"]: r for r in mine}, (), code))
    return sorted(out, key=lambda lad: lad.lad_name)


def _said(sentence: str) -> dict[str, int]:
    """The counts a sentence states."""
    found = {"above": 0, "below": 0, "withheld": 0, "not available": 0}
    if m := re.match(r"(\d+) of the (\d+) local authorit", sentence):
        found["above"] = int(m[1])
    elif sentence.startswith("The area's 1 local authority ") and " at or below " not in sentence:
        found["above"] = 1
    elif sentence.startswith("The area's 1 local authority "):
        found["below"] = 1
    elif m := re.search(r"of the area's 1 local authority is (withheld|not available)", sentence):
        found[m[1]] = 1
    for n, what in re.findall(r"(\d+) (?:is|are) (at or below|withheld|not available)", sentence):
        found["below" if what == "at or below" else what] = int(n)
    return found


def _flags(lads: list[LadView], measure: str, kind: str) -> dict[str, int]:
    words = [standing(lad.measures[measure][f"{kind}_above_median"]) for lad in lads]
    return {w: words.count(w) for w in ("above", "below", "withheld", "not available")}


@settings(
    max_examples=8, deadline=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(
    seed=st.sampled_from(SEEDS),
    threshold=st.integers(min_value=1, max_value=20),
    rounding=st.sampled_from([1, 5]),
)
def test_every_count_in_a_sentence_is_a_count_of_published_flags(
    panels: dict[int, Path], seed: int, threshold: int, rounding: int
) -> None:
    tables = _review(panels[seed], threshold, rounding)
    rated = list(tables.meta.rated_measures)
    summaries = {r["area_code"]: r for r in records(tables.area_summary)}
    # The benchmark series ends on the medians of lad_compare (one benchmark everywhere).
    for row in records(tables.lad_compare):
        assert tables.meta.medians[-1][f"density_{row['measure']}"] == row["density_median"]
    for area, codes in _areas(panels[seed]).items():
        lads = _lads(tables, codes)
        summary = summaries[area]
        for kind, sentences in (
            ("density", density_sentences(lads, rated)),
            ("trend", trend_sentences(lads, rated)),
        ):
            published = above = withheld = 0
            for measure, sentence in zip(RATED_MEASURES, sentences, strict=True):
                flags = _flags(lads, measure, kind)
                assert _said(sentence) == flags, (sentence, flags)
                if flags["withheld"]:
                    assert "withheld to protect confidential data" in sentence
                if summary[f"{kind}_above_{measure}"] is not None:
                    assert summary[f"{kind}_above_{measure}"] == flags["above"]
                published += flags["above"] + flags["below"]
                above += flags["above"]
                withheld += flags["withheld"]
            basis = rating_sentence(summary, lads, rated, kind)  # type: ignore[arg-type]
            share = summary[f"{kind}_share"]
            if published:
                assert f"{above} of the {published} published comparison" in basis
                assert share == pytest.approx(above / published)
                assert summary[f"{kind}_rating"] is not None
            else:
                assert share is None and basis.startswith(f"No {kind} rating")
            if withheld and published:
                assert f"{withheld} {'is' if withheld == 1 else 'are'} withheld" in basis
        chart_lads: list[dict[str, Any]] = [
            {"lad_code": lad.lad_code, "lad_name": lad.lad_name, "measures": lad.measures}
            for lad in lads
        ]
        for measure in rated:
            chart = charts.matrix_chart(area, chart_lads, measure)
            if chart is None:  # no median at all: nothing in the data to compare with
                assert all(not isinstance(lad.measures[measure]["density_median"], float)
                           for lad in lads)  # fmt: skip
                continue
            assert [row[0] for row in chart.rows] == [lad.lad_name for lad in lads]
            for row, lad in zip(chart.rows, lads, strict=True):
                if lad.measures[measure]["density"] == SUPPRESSED:
                    assert row[1] == "[c]" and "withheld [c]" in row
