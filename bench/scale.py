"""UK-scale benchmark: `scaleup compute --raw` on synthetic panels of 1, 5 and 20 million rows.

For each panel (made by `scaleup synth`, fixed seed) three programs run as separate
processes on the same Parquet file, each timed from start to exit with its peak resident
memory (``os.wait4``):

- ``scaleup compute --raw``: reading, every validation, the counts, all four tables;
- one hand-written DuckDB SQL query of the LAD-year counts (the floor: no validation,
  no derived tables);
- a straightforward vectorised pandas implementation of the same counts.

The three must agree on the counts (checked), then the ratios are printed against the
goals of issue 7: compute within 2.5x of the DuckDB query, at least 2.5x faster than
pandas, under 4 GiB; and the cost per million rows at each size (linear scaling).

    .venv/bin/python bench/scale.py            # 1M, 5M and 21M rows (6 million enterprises)
    .venv/bin/python bench/scale.py --small    # 0.1M, 0.5M, 2M rows: a quick check
    .venv/bin/python bench/scale.py --data DIR # keep (and reuse) the generated panels in DIR
    .venv/bin/python bench/scale.py --ids text # enterprise ids as text ('0000000042')
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
GOALS = {"vs_duckdb": 2.5, "vs_pandas": 2.5, "memory_gib": 4.0}


def counts_compute(out: Path) -> dict[str, int]:
    import pandas as pd

    frame = pd.read_csv(out / "lad_year.csv")
    return totals(frame)


@dataclass
class Run:
    seconds: float
    peak_bytes: int
    stdout: str


@dataclass
class Measurement:
    enterprises: int
    rows: int
    compute: Run
    duckdb: Run
    pandas: Run
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
        return Run(seconds, usage.ru_maxrss * 1024, out.read().decode())


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


def measure(enterprises: int, folder: Path, ids: str) -> Measurement:
    panel, rows = synth(enterprises, folder, ids)
    scaleup = str(Path(sys.executable).with_name("scaleup"))
    out = folder / "tables"
    shutil.rmtree(out, ignore_errors=True)
    compute = timed(
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
    got = counts_compute(out)
    others = {}
    for name in BASELINES:
        # Each baseline in a process importing only what it needs (bench/baselines.py).
        run = timed([sys.executable, str(BASELINES_SCRIPT), name, str(panel)], folder)
        theirs = json.loads(run.stdout.strip().splitlines()[-1])
        if theirs != got:
            sys.exit(f"{name} and compute disagree: {theirs} vs {got}")
        others[name] = run
    return Measurement(enterprises, rows, compute, others["duckdb"], others["pandas"], got)


def report(results: list[Measurement]) -> None:
    print()
    print(
        "| rows | compute --raw | DuckDB query | pandas | compute / DuckDB | pandas / compute "
        "| compute peak RSS | compute s per M rows |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        c, d, p = r.compute, r.duckdb, r.pandas
        print(
            f"| {r.rows / 1e6:.1f}M | {c.seconds:.1f} s | {d.seconds:.1f} s | {p.seconds:.1f} s "
            f"| {c.seconds / d.seconds:.2f}x | {p.seconds / c.seconds:.2f}x "
            f"| {c.peak_bytes / GIB:.2f} GiB | {r.per_million():.2f} |"
        )
    big = results[-1]
    vs_duck = big.compute.seconds / big.duckdb.seconds
    vs_pandas = big.pandas.seconds / big.compute.seconds
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
    print(
        f"peak RSS of the DuckDB query {big.duckdb.peak_bytes / GIB:.2f} GiB, "
        f"of pandas {big.pandas.peak_bytes / GIB:.2f} GiB"
    )
    checks = [
        ("compute within 2.5x of the DuckDB query", vs_duck <= GOALS["vs_duckdb"], vs_duck),
        ("compute at least 2.5x faster than pandas", vs_pandas >= GOALS["vs_pandas"], vs_pandas),
        ("compute peak memory under 4 GiB", memory < GOALS["memory_gib"], memory),
        ("linear: marginal s per M rows, last step / first step", growth <= 1.5, growth),
    ]
    for label, ok, value in checks:
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
    opts = parser.parse_args()
    sizes = SMALL_SIZES if opts.small else UK_SIZES
    with tempfile.TemporaryDirectory(prefix="scaleup-bench-") as tmp:
        root = opts.data or Path(tmp)
        results = []
        for enterprises in sizes:
            folder = root / f"synth-{enterprises}"
            folder.mkdir(parents=True, exist_ok=True)
            r = measure(enterprises, folder, opts.ids)
            print(
                f"{enterprises:>9,} enterprises, {r.rows:>11,} rows: compute "
                f"{r.compute.seconds:.1f} s, DuckDB {r.duckdb.seconds:.1f} s, "
                f"pandas {r.pandas.seconds:.1f} s",
                flush=True,
            )
            results.append(r)
        report(results)
    print(f"\n{os.cpu_count()} cores; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
