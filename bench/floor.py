"""How fast could `scaleup compute --raw` be beside the hand-written DuckDB query? The
floor set by what it must import and what it must ask the engine, measured.

`bench/scale.py` times the whole command against the one query (goal of issue 15: within
1.5x at 21M rows). This splits both into the two parts no pipeline code can shrink:

- **imports**: a process that only imports what the command imports (Typer,
  pydantic-settings, pandas, Ibis and its DuckDB backend, ...) and runs one query of one
  row through its backend (which imports the rest), against one that imports what the
  query's process imports (DuckDB, and pandas for its result) and runs one tiny query;
- **engine calls**: in a process that has imported everything, the seconds spent inside
  the Ibis backend's calls while the pipeline runs (compiling each query and DuckDB
  running it: the checks' scans of the panel, the counting self-join and the small
  tables), against the query run alone in a process that has imported DuckDB.

The floor is (imports + engine calls) of compute over (imports + query) of the baseline:
the ratio a pipeline whose own Python took no time at all would reach. The table also
gives compute's imports plus the query's own time: the ratio of a command that imported
what compute imports and then asked no more of the engine than the query does (no checks
of the panel, no small files, no derived tables). Each part is
measured in alternating pairs of fresh processes; the medians are reported.

    .venv/bin/python bench/floor.py --data DIR                 # 21.2M rows (6M enterprises)
    .venv/bin/python bench/floor.py --enterprises 285000 --pairs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from baselines import query  # bench/ is on the path when a bench script runs
from scale import GOALS, SEED, run_baseline, run_compute, synth, timed


def ready_compute():
    """What `scaleup compute` imports, then one tiny query through its backend (which
    imports the rest: Ibis' Arrow and pandas formats). Returns the backend."""
    import ibis

    import scaleup.cli.compute  # noqa: F401
    import scaleup.cli.main  # noqa: F401
    from scaleup import engine
    from scaleup.config import load_settings

    backend = engine.connect_duckdb(load_settings().engine)
    one = ibis.memtable({"a": [1]})
    backend.to_pyarrow(one)
    backend.execute(one)
    return backend


def ready_query():
    """What the query's process (bench/baselines.py) imports, then one tiny query."""
    import duckdb

    duckdb.connect().execute("SELECT 1").df()
    return duckdb


def child_compute(panel: str, folder: str) -> None:
    """In this process: everything imported first, then the pipeline run on ``panel``
    with the time inside the backend's calls summed; prints them as JSON."""
    from scaleup.config import load_settings
    from scaleup.pipeline import InputFiles, compute_review, write_tables

    backend = ready_compute()
    inside = [0.0]
    for name in ("to_pyarrow", "execute", "raw_sql"):
        call = getattr(backend, name)

        def timed_call(*args, _call=call, **kwargs):
            start = time.perf_counter()
            try:
                return _call(*args, **kwargs)
            finally:
                inside[0] += time.perf_counter() - start

        setattr(backend, name, timed_call)
    root = Path(folder)
    inputs = InputFiles(
        population=root / "population.csv", geography=root / "geography.csv", panel=Path(panel)
    )
    start = time.perf_counter()
    tables = compute_review(inputs, load_settings(), raw=True, backend=backend)
    write_tables(tables, Path(tempfile.mkdtemp(prefix="scaleup-floor-")))
    total = time.perf_counter() - start
    print(json.dumps({"engine": inside[0], "pipeline": total}))


def child_query(panel: str) -> None:
    """In this process: DuckDB and pandas imported, then the query alone, timed."""
    duckdb = ready_query()
    start = time.perf_counter()
    duckdb.connect().execute(query(panel)).df()
    print(json.dumps({"engine": time.perf_counter() - start}))


def _child(args: list[str], folder: Path) -> dict[str, float]:
    run = timed([sys.executable, __file__, *args], folder)
    return json.loads(run.stdout.strip().splitlines()[-1])


def floor(enterprises: int, folder: Path, pairs: int) -> None:
    panel, rows = synth(enterprises, folder, "integer")
    parts: dict[str, list[float]] = {k: [] for k in ("ci", "qi", "ce", "qe", "cp", "cw", "qw")}
    print(f"{pairs} alternating rounds on {rows:,} rows (seconds, wall):", flush=True)
    for i in range(pairs):
        parts["ci"].append(timed([sys.executable, __file__, "--ready-compute"], folder).seconds)
        parts["qi"].append(timed([sys.executable, __file__, "--ready-query"], folder).seconds)
        got = _child(["--child-compute", str(panel), str(folder)], folder)
        parts["ce"].append(got["engine"])
        parts["cp"].append(got["pipeline"])
        parts["qe"].append(_child(["--child-query", str(panel)], folder)["engine"])
        parts["cw"].append(run_compute(panel, folder).seconds)
        parts["qw"].append(run_baseline("duckdb", panel, folder).seconds)
        with open("/proc/loadavg") as fh:
            load = fh.read().split()[0]
        print(
            f"  {i + 1}: imports {parts['ci'][-1]:.2f} against {parts['qi'][-1]:.2f}; "
            f"engine calls {parts['ce'][-1]:.2f} (of a pipeline of {parts['cp'][-1]:.2f}) "
            f"against the query {parts['qe'][-1]:.2f}; whole {parts['cw'][-1]:.2f} "
            f"against {parts['qw'][-1]:.2f} (load {load})",
            flush=True,
        )
    m = {k: statistics.median(v) for k, v in parts.items()}
    low = (m["ci"] + m["ce"]) / (m["qi"] + m["qe"])
    print()
    print("| median over the rounds | compute | the query | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| imports | {m['ci']:.2f} s | {m['qi']:.2f} s | {m['ci'] / m['qi']:.2f}x |")
    print(
        f"| engine calls (compute's pipeline in all: {m['cp']:.2f} s) | {m['ce']:.2f} s "
        f"| {m['qe']:.2f} s | {m['ce'] / m['qe']:.2f}x |"
    )
    print(
        f"| floor: imports + engine calls | {m['ci'] + m['ce']:.2f} s "
        f"| {m['qi'] + m['qe']:.2f} s | {low:.2f}x |"
    )
    bare = (m["ci"] + m["qe"]) / (m["qi"] + m["qe"])
    print(
        f"| compute's imports + the query's own time | {m['ci'] + m['qe']:.2f} s "
        f"| {m['qi'] + m['qe']:.2f} s | {bare:.2f}x |"
    )
    print(f"| whole process | {m['cw']:.2f} s | {m['qw']:.2f} s | {m['cw'] / m['qw']:.2f}x |")
    goal = GOALS["vs_duckdb"]
    verdict = "below" if low <= goal else "ABOVE"
    print(f"\nthe floor is {verdict} the goal of {goal}x (seed {SEED})")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("--ready-compute", "--ready-query"):
        (ready_compute if sys.argv[1] == "--ready-compute" else ready_query)()
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-compute":
        child_compute(*sys.argv[2:4])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-query":
        child_query(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=6_000_000)
    parser.add_argument("--pairs", type=int, default=5, help="alternating rounds")
    parser.add_argument("--data", type=Path, help="keep and reuse the generated panel here")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scaleup-floor-") as tmp:
        folder = (opts.data or Path(tmp)) / f"synth-{opts.enterprises}"
        folder.mkdir(parents=True, exist_ok=True)
        floor(opts.enterprises, folder, opts.pairs)


if __name__ == "__main__":
    main()
