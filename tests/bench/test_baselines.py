"""The benchmarks' two baselines (bench/baselines.py) count what `scaleup compute` counts,
so their timings compare like with like; and they run without importing scaleup."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scaleup.config import load_settings
from scaleup.pipeline import InputFiles, compute_review
from scaleup.synth import GEOGRAPHY_FILE, PANEL_FILE, POPULATION_FILE, SynthSpec, generate

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import baselines  # noqa: E402


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    generate(SynthSpec(enterprises=20_000, seed=3, lads=20), out)
    return out


def test_both_baselines_count_what_compute_counts(panel: Path) -> None:
    files = InputFiles(panel / POPULATION_FILE, panel / GEOGRAPHY_FILE, panel=panel / PANEL_FILE)
    ours = compute_review(files, load_settings(), raw=True).lad_year
    want = baselines.totals(ours)
    assert want["employment"] > 0 and want["turnover"] > want["employment"]
    for name, count in baselines.BASELINES.items():
        theirs = count(str(panel / PANEL_FILE))
        assert baselines.totals(theirs) == want, name
        # The same counts in every LAD-year, not only the same totals.
        assert nonzero(theirs) == nonzero(ours), name


def nonzero(frame: pd.DataFrame) -> dict[tuple[str, int], tuple[int, ...]]:
    cols = ["lad_code", "year", *baselines.MEASURES]
    found = {
        (str(r[0]), int(r[1])): tuple(int(x) for x in r[2:])
        for r in frame[cols].itertuples(index=False)
    }
    return {k: v for k, v in found.items() if any(v)}


def test_a_baseline_process_imports_nothing_of_scaleup(panel: Path) -> None:
    probe = (
        "import runpy, sys; sys.argv = ['baselines.py', 'duckdb', sys.argv[1]]; "
        f"runpy.run_path({str(BENCH / 'baselines.py')!r}, run_name='__main__'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scaleup', 'ibis')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(panel / PANEL_FILE)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    totals, loaded = done.stdout.strip().splitlines()
    assert json.loads(totals)["employment"] > 0
    assert loaded == "[]"


def test_the_floor_benchmark_runs_and_measures_what_compute_imports(tmp_path: Path) -> None:
    """bench/floor.py's import part stands for the command: a `scaleup compute` run
    imports no package (outside the standard library) that its --ready-compute process
    does not, and the benchmark prints its table and verdict."""

    def packages(code: str) -> set[str]:
        probe = f"{code}\nimport sys; print(sorted({{m.split('.')[0] for m in sys.modules}}))"
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True,
            cwd=tmp_path,
        )  # fmt: skip
        return set(json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"')))

    out = tmp_path / "out"
    generate(SynthSpec(enterprises=2_000, seed=3, lads=20), tmp_path / "synth-2000")
    folder = tmp_path / "synth-2000"
    compute = packages(
        "import sys; from scaleup.cli.main import main\n"
        f"sys.argv = ['scaleup', 'compute', '--panel', {str(folder / PANEL_FILE)!r},"
        f" '--population', {str(folder / POPULATION_FILE)!r}, '--geography',"
        f" {str(folder / GEOGRAPHY_FILE)!r}, '--out', {str(out)!r}, '--raw', '--quiet']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code"
    )
    ready = packages(
        f"import runpy, sys; sys.path.insert(0, {str(BENCH)!r}); "
        f"sys.argv = ['floor.py', '--ready-compute']; "
        f"runpy.run_path({str(BENCH / 'floor.py')!r}, run_name='__main__')"
    )
    assert (out / "lad_year.csv").exists()
    missing = compute - ready - set(sys.stdlib_module_names)
    assert {"pandas", "ibis", "duckdb", "typer"} <= ready
    assert not missing, missing

    done = subprocess.run(
        [sys.executable, str(BENCH / "floor.py"), "--enterprises", "2000", "--pairs", "1",
         "--data", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "| floor: imports + engine calls |" in done.stdout
    assert "the floor is" in done.stdout
