"""Benchmark: `scaleup compute --raw` per million panel rows vs one hand-written DuckDB query.

Generates a panel with a fixed seed (Parquet and CSV), runs the whole pipeline (reading,
every validation, counting, derived tables, writing) and, on the same file, a single SQL
query computing the same LAD-year counts; prints seconds per million rows and the ratio.

    .venv/bin/python bench/compute.py [--rows 1000000] [--format parquet|csv|both]
        [--scale off|small|uk]   # then the UK-scale benchmark, bench/scale.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from baselines import counts_duckdb  # bench/ is on the path when a bench script runs

from scaleup.config import load_settings
from scaleup.pipeline import InputFiles, compute_review, write_tables

FIRST_YEAR, YEARS, LADS, AREAS = 2012, 8, 300, 30


def generate(rows: int, folder: Path, seed: int = 20211) -> dict[str, Path]:
    rng = np.random.default_rng(seed)
    n_ent = rows // YEARS
    lads = np.array([f"E07{i:06d}" for i in range(1, LADS + 1)])
    home = rng.integers(0, LADS, n_ent)
    emp = np.maximum(rng.lognormal(2.0, 1.2, n_ent).astype(np.int64), 0)
    turn = np.maximum(rng.lognormal(6.0, 1.8, n_ent).astype(np.int64), 0)
    cols = {k: [] for k in ("enterprise_id", "year", "lad_code", "employees", "turnover")}
    for y in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        moving = rng.random(n_ent) < 0.01
        home = np.where(moving, rng.integers(0, LADS, n_ent), home)
        cols["enterprise_id"].append(np.arange(n_ent))
        cols["year"].append(np.full(n_ent, y))
        cols["lad_code"].append(lads[home])
        cols["employees"].append(emp.copy())
        cols["turnover"].append(turn.copy())
        emp = (emp * rng.lognormal(0.05, 0.2, n_ent)).astype(np.int64)
        turn = (turn * rng.lognormal(0.05, 0.25, n_ent)).astype(np.int64)
    frame = pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # unsorted
    frame["enterprise_id"] = "ENT" + frame["enterprise_id"].astype(str)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    paths = {"parquet": folder / "panel.parquet", "csv": folder / "panel.csv"}
    pq.write_table(table, paths["parquet"])
    pacsv.write_csv(table, paths["csv"])
    years = range(FIRST_YEAR, FIRST_YEAR + YEARS)
    pd.DataFrame(
        [(x, y, int(rng.integers(50_000, 500_000))) for x in lads for y in years],
        columns=["lad_code", "year", "population"],
    ).to_csv(folder / "population.csv", index=False)
    pd.DataFrame(
        [
            (x, f"District {i}", f"E37{i % AREAS:06d}", f"Area {i % AREAS}")
            for i, x in enumerate(lads)
        ],
        columns=["lad_code", "lad_name", "area_code", "area_name"],
    ).to_csv(folder / "geography.csv", index=False)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["parquet", "csv", "both"], default="both")
    parser.add_argument(
        "--scale",
        choices=["off", "small", "uk"],
        default="off",
        help="then run bench/scale.py: synth panels of 1-21M rows (uk) or 0.1-2M (small)",
    )
    opts = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        paths = generate(opts.rows, folder)
        print(f"generated {opts.rows:,} rows in {time.perf_counter() - t0:.1f} s")
        formats = ["parquet", "csv"] if opts.format == "both" else [opts.format]
        for fmt in formats:
            path = paths[fmt]
            start = time.perf_counter()
            tables = compute_review(
                InputFiles(folder / "population.csv", folder / "geography.csv", panel=path),
                settings,
                raw=True,
            )
            write_tables(tables, folder / f"out-{fmt}")
            ours = time.perf_counter() - start
            start = time.perf_counter()
            base = counts_duckdb(str(path), "parquet" if fmt == "parquet" else "csv_auto")
            baseline = time.perf_counter() - start
            ours_total = tables.lad_year["any"].sum()
            assert int(base["any"].sum()) == int(ours_total), "the two disagree"
            per = 1e6 / opts.rows
            print(
                f"{fmt:8s} compute --raw: {ours * per:6.2f} s per million rows | "
                f"one DuckDB query: {baseline * per:6.2f} s per million rows | "
                f"ratio {ours / baseline:5.1f}x"
            )
    if opts.scale != "off":
        bench = Path(__file__).resolve().parent / "scale.py"
        extra = ["--small"] if opts.scale == "small" else []
        subprocess.run([sys.executable, str(bench), *extra], check=True)


if __name__ == "__main__":
    main()
