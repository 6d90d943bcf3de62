"""UK-scale benchmark: `scaleup compute --raw` on synthetic panels of 1, 5 and 20 million rows.

For each panel (made by `scaleup synth`, fixed seed) three programs run as separate
processes on the same Parquet file, each timed from start to exit with its peak resident
memory (``os.wait4``):

- ``scaleup compute --raw``: reading, every validation, the counts, all four tables;
- one hand-written DuckDB SQL query of the LAD-year counts (the floor: no validation,
  no derived tables);
- a straightforward vectorised pandas implementation of the same counts.

The three must agree on the counts (checked), then the ratios are printed against the
goals of issues 7 and 15: compute within 1.5x of the DuckDB query, at least 2.5x faster
than pandas, under 4 GiB; and the cost per million rows at each size (linear scaling).

    .venv/bin/python bench/scale.py            # 1M, 5M and 21M rows (6 million enterprises)
    .venv/bin/python bench/scale.py --small    # 0.1M, 0.5M, 2M rows: a quick check
    .venv/bin/python bench/scale.py --data DIR # keep (and reuse) the generated panels in DIR
    .venv/bin/python bench/scale.py --ids text # enterprise ids as text ('0000000042')
    .venv/bin/python bench/scale.py --enterprises 285000 6000000 28300000 --no-pandas
                                               # 1, 21 and 100M rows, without pandas
    .venv/bin/python bench/scale.py --pairs 5  # then 5 more alternating pairs of compute
                                               # and the query on the largest panel

Each run's CPU time (user + system, all threads) is reported beside its wall time: on a
shared machine the wall time grows with the other load, the CPU time much less.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
from baselines import BASELINES, totals  # bench/ is on the path when a bench script runs

SEED = 2021
# Enterprises per size: about 3.5 rows each over the 8 default years (2012-2019).
UK_SIZES = (285_000, 1_420_000, 6_000_000)
SMALL_SIZES = (28_500, 142_000, 600_000)
GIB = 1024**3
BASELINES_SCRIPT = Path(__file__).resolve().with_name("baselines.py")
GOALS = {"vs_duckdb": 1.5, "vs_pandas": 2.5, "memory_gib": 4.0}
"""Issue 15 (compute within 1.5x of the query; was 2.5x in issue 7), issue 7 (pandas),
and both: under 4 GiB."""


def counts_compute(out: Path) -> dict[str, int]:
    import pandas as pd

    frame = pd.read_csv(out / "lad_year.csv")
    return totals(frame)


@dataclass
class Run:
    seconds: float
    peak_bytes: int
    stdout: str
    cpu: float = 0.0
    """User + system seconds of the process (all its threads)."""


@dataclass
class Measurement:
    enterprises: int
    rows: int
    compute: Run
    duckdb: Run
    pandas: Run | None
    totals: dict[str, int]

    def per_million(self) -> float:
        return self.compute.seconds / self.rows * 1e6


def timed(cmd: list[str], cwd: Path) -> Run:
    """Wall time and peak RSS of one child process (and only that one: os.wait4)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd[:3])} failed ({proc.returncode}):\n{err.read()[-3000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(seconds, usage.ru_maxrss * 1024, out.read().decode(), cpu)


def synth(enterprises: int, folder: Path, ids: str) -> tuple[Path, int]:
    panel = folder / "panel.parquet"
    if not panel.exists():
        scaleup = str(Path(sys.executable).with_name("scaleup"))
        cmd = [scaleup, "synth", "--enterprises", str(enterprises), "--seed", str(SEED)]
        subprocess.run([*cmd, "--out", str(folder), "--quiet"], check=True)
    if ids == "text":
        panel = text_ids(panel, folder / "panel-text-ids.parquet")
    return panel, pq.ParquetFile(panel).metadata.num_rows


def text_ids(panel: Path, out: Path) -> Path:
    """The same panel with enterprise references as 10-character text ('0000000042'), as
    an IDBR extract may give them; row group by row group."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if out.exists():
        return out
    source = pq.ParquetFile(panel)
    schema = source.schema_arrow.set(0, pa.field("enterprise_id", pa.string()))
    staged = out.with_suffix(".partial")
    with pq.ParquetWriter(staged, schema) as writer:
        for i in range(source.num_row_groups):
            group = source.read_row_group(i)
            refs = pc.utf8_lpad(pc.cast(group.column("enterprise_id"), pa.string()), 10, "0")
            writer.write_table(group.set_column(0, schema.field(0), refs))
    staged.rename(out)
    return out


def run_compute(panel: Path, folder: Path) -> Run:
    scaleup = str(Path(sys.executable).with_name("scaleup"))
    out = folder / "tables"
    shutil.rmtree(out, ignore_errors=True)
    return timed(
        [
            scaleup,
            "compute",
            "--panel",
            str(panel),
            "--population",
            str(folder / "population.csv"),
            "--geography",
            str(folder / "geography.csv"),
            "--out",
            str(out),
            "--raw",
            "--quiet",
        ],  # fmt: skip
        folder,
    )


def run_baseline(name: str, panel: Path, folder: Path) -> Run:
    # Each baseline in a process importing only what it needs (bench/baselines.py).
    return timed([sys.executable, str(BASELINES_SCRIPT), name, str(panel)], folder)


def measure(enterprises: int, folder: Path, ids: str, pandas: bool = True) -> Measurement:
    panel, rows = synth(enterprises, folder, ids)
    compute = run_compute(panel, folder)
    got = counts_compute(folder / "tables")
    others = {}
    for name in BASELINES:
        if name == "pandas" and not pandas:
            continue
        run = run_baseline(name, panel, folder)
        theirs = json.loads(run.stdout.strip().splitlines()[-1])
        if theirs != got:
            sys.exit(f"{name} and compute disagree: {theirs} vs {got}")
        others[name] = run
    return Measurement(enterprises, rows, compute, others["duckdb"], others.get("pandas"), got)


def pairs(n: int, enterprises: int, folder: Path, ids: str) -> None:
    """``n`` alternating pairs (compute, then the query) on one panel: the ratio of each
    pair, run back to back under the same load, and their median."""
    panel, rows = synth(enterprises, folder, ids)
    ratios, cpu_ratios = [], []
    print(f"\n{n} alternating pairs on {rows:,} rows (wall s / CPU s):")
    for i in range(n):
        c = run_compute(panel, folder)
        d = run_baseline("duckdb", panel, folder)
        ratios.append(c.seconds / d.seconds)
        cpu_ratios.append(c.cpu / d.cpu)
        with open("/proc/loadavg") as fh:
            load = fh.read().split()[0]
        print(
            f"  {i + 1}: compute {c.seconds:.2f} / {c.cpu:.2f}, query {d.seconds:.2f} / "
            f"{d.cpu:.2f}: {ratios[-1]:.2f}x wall, {cpu_ratios[-1]:.2f}x CPU (load {load})",
            flush=True,
        )
    wall, cpu = statistics.median(ratios), statistics.median(cpu_ratios)
    ok = "met   " if wall <= GOALS["vs_duckdb"] else "MISSED"
    print(f"{ok} median compute / query: {wall:.2f}x wall ({cpu:.2f}x CPU time)")


def report(results: list[Measurement]) -> None:
    print()
    print(
        "| rows | compute --raw | DuckDB query | pandas | compute / DuckDB | pandas / compute "
        "| compute CPU / query CPU | compute peak RSS | compute s per M rows |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        c, d, p = r.compute, r.duckdb, r.pandas
        ps = f"{p.seconds:.1f} s" if p else "-"
        pr = f"{p.seconds / c.seconds:.2f}x" if p else "-"
        print(
            f"| {r.rows / 1e6:.1f}M | {c.seconds:.1f} s | {d.seconds:.1f} s | {ps} "
            f"| {c.seconds / d.seconds:.2f}x | {pr} | {c.cpu:.1f} s / {d.cpu:.1f} s "
            f"| {c.peak_bytes / GIB:.2f} GiB | {r.per_million():.2f} |"
        )
    big = results[-1]
    vs_duck = big.compute.seconds / big.duckdb.seconds
    vs_pandas = big.pandas.seconds / big.compute.seconds if big.pandas else float("nan")
    memory = big.compute.peak_bytes / GIB
    # Linear cost: the extra seconds per extra million rows stay the same from size to size
    # (the smallest size is mostly start-up: imports, connecting, writing the tables).
    marginal = [
        (b.compute.seconds - a.compute.seconds) / (b.rows - a.rows) * 1e6
        for a, b in zip(results, results[1:], strict=False)
    ]
    growth = marginal[-1] / marginal[0] if len(marginal) > 1 and marginal[0] > 0 else 1.0
    print()
    print(f"largest panel: {big.enterprises:,} enterprises, {big.rows:,} rows; {big.totals}")
    steps = ", ".join(f"{m:.2f}" for m in marginal)
    print(f"marginal compute cost, s per extra million rows: {steps}")
    pandas_rss = f"{big.pandas.peak_bytes / GIB:.2f} GiB" if big.pandas else "not run"
    query_rss = big.duckdb.peak_bytes / GIB
    print(f"peak RSS of the DuckDB query {query_rss:.2f} GiB, of pandas {pandas_rss}")
    checks = [
        ("compute within 1.5x of the DuckDB query", vs_duck <= GOALS["vs_duckdb"], vs_duck),
        ("compute at least 2.5x faster than pandas", vs_pandas >= GOALS["vs_pandas"], vs_pandas),
        ("compute peak memory under 4 GiB", memory < GOALS["memory_gib"], memory),
        ("linear: marginal s per M rows, last step / first step", growth <= 1.5, growth),
    ]
    for label, ok, value in checks:
        if label.endswith("pandas") and big.pandas is None:
            continue
        print(f"{'met   ' if ok else 'MISSED'} {label}: {value:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="0.1M, 0.5M and 2M rows")
    parser.add_argument("--data", type=Path, help="keep and reuse generated panels here")
    parser.add_argument(
        "--ids",
        choices=["integer", "text"],
        default="integer",
        help="enterprise ids as synth writes them, or as 10-character text",
    )
    parser.add_argument("--enterprises", type=int, nargs="*", help="sizes to run instead")
    parser.add_argument("--no-pandas", action="store_true", help="skip pandas (huge panels)")
    parser.add_argument(
        "--pairs", type=int, default=0, help="then N alternating pairs on the largest panel"
    )
    opts = parser.parse_args()
    sizes = opts.enterprises or (SMALL_SIZES if opts.small else UK_SIZES)
    with tempfile.TemporaryDirectory(prefix="scaleup-bench-") as tmp:
        root = opts.data or Path(tmp)
        results = []
        for enterprises in sizes:
            folder = root / f"synth-{enterprises}"
            folder.mkdir(parents=True, exist_ok=True)
            r = measure(enterprises, folder, opts.ids, pandas=not opts.no_pandas)
            pandas = f", pandas {r.pandas.seconds:.1f} s" if r.pandas else ""
            print(
                f"{enterprises:>9,} enterprises, {r.rows:>11,} rows: compute "
                f"{r.compute.seconds:.1f} s, DuckDB {r.duckdb.seconds:.1f} s{pandas}",
                flush=True,
            )
            results.append(r)
        report(results)
        if opts.pairs:
            pairs(opts.pairs, sizes[-1], root / f"synth-{sizes[-1]}", opts.ids)
    print(f"\n{os.cpu_count()} cores; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
