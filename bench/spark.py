"""The Spark engine's driver: `scaleup compute --raw --engine spark` on synth panels of
1, 5 and 21 million rows, beside `--engine duckdb` on the same file in the same run.

Each run is a process of its own. For Spark the Python driver's peak resident memory is
its own high-water mark (``VmHWM``, read as it exits: the JVM, a child process, is not
in it); the JVM's peak is sampled beside it. The time of each step of the command (the
lines it logs) shows where the time goes. The two engines must write the same tables.

    .venv/bin/python bench/spark.py                 # 1M, 5M and 21M rows
    .venv/bin/python bench/spark.py --small         # 0.1M, 0.5M and 2M rows
    .venv/bin/python bench/spark.py --enterprises 60000000 --no-duckdb --data DIR  # ~200M
    .venv/bin/python bench/spark.py --data DIR      # keep (and reuse) the panels in DIR
    .venv/bin/python bench/spark.py --parts 8       # Spark reads the panel as 8 part files
    .venv/bin/python bench/spark.py --enterprises 6000000 --scan 3 --parts 8
                                                    # only time scans of the part files

``--parts N`` writes each panel also as a folder of N Parquet part files (as a data lake
holds it, ``_SUCCESS`` beside them); Spark reads the folder, DuckDB the one file. ``--scan
PAIRS`` runs no command: in one Spark session it times a scan that needs each row's file
and row (the grouped count of the codes with their first row, as the checks run it) on the
folder and on the one file, alternately, PAIRS times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from scale import SMALL_SIZES, UK_SIZES, synth  # bench/ is on the path when a bench script runs

MIB = 1024**2
GOAL_DRIVER_MIB = 600
TABLES = ("lad_year", "lad_compare", "area_year", "area_summary")

# The command's own process, reporting its peak RSS (VmHWM) on the way out.
PROBE = """\
import atexit, os, sys

def _peak():
    with open("/proc/self/status") as fh:
        peak = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
    with open(os.environ["SCALEUP_BENCH_PEAK"], "w") as out:
        out.write(peak)

atexit.register(_peak)
from scaleup.cli.main import main
sys.argv = ["scaleup", *sys.argv[1:]]
main()
"""


@dataclass
class Run:
    seconds: float
    driver_mib: float
    others_mib: float
    """Peak of the command's child processes together (Spark: the JVM), sampled."""
    others_cpu: float = 0.0
    """CPU seconds (user + system) of the child processes (the JVM), last sampled."""
    steps: list[tuple[str, float]] = field(default_factory=list)


def _children_rss(pid: int, cpu: dict[int, float] | None = None) -> int:
    """Resident bytes of every descendant of ``pid`` (from /proc); ``cpu`` gets each
    descendant's CPU seconds so far."""
    total = 0
    stack = [pid]
    while stack:
        parent = stack.pop()
        try:
            kids = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for kid in map(int, kids):
            stack.append(kid)
            try:
                pages = int(Path(f"/proc/{kid}/statm").read_text().split()[1])
                if cpu is not None:
                    stat = Path(f"/proc/{kid}/stat").read_text().rsplit(")", 1)[1].split()
                    ticks = int(stat[11]) + int(stat[12])  # utime + stime
                    cpu[kid] = ticks / os.sysconf("SC_CLK_TCK")
            except (OSError, ValueError, IndexError):
                continue
            total += pages * os.sysconf("SC_PAGE_SIZE")
    return total


def run_compute(panel: Path, folder: Path, engine: str, out: Path) -> Run:
    peak_file = folder / f"peak-{engine}.txt"
    cmd = [sys.executable, "-c", PROBE, "compute", "--panel", str(panel)]
    cmd += ["--population", str(folder / "population.csv")]
    cmd += ["--geography", str(folder / "geography.csv"), "--out", str(out), "--raw"]
    cmd += ["--engine", engine]
    env = {**os.environ, "SCALEUP_BENCH_PEAK": str(peak_file)}
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    others = [0]
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            others[0] = max(others[0], _children_rss(proc.pid, cpu))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    steps: list[tuple[str, float]] = []
    errors = []
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("["):  # "[2/5] Counting scaleups": a step begins
            steps.append((line.split("] ", 1)[-1].strip(), time.perf_counter() - start))
        else:
            errors.append(line)
    proc.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        tail = "".join(errors)[-3000:]
        sys.exit(f"compute --engine {engine} failed ({proc.returncode}):\n{tail}")
    driver = int(peak_file.read_text()) * 1024 / MIB
    marks = [("start-up (imports, settings, engine)", 0.0), *steps, ("exit", seconds)]
    spent = [(name, b - a) for (name, a), (_, b) in zip(marks, marks[1:], strict=False)]
    return Run(seconds, driver, others[0] / MIB, others_cpu=sum(cpu.values()), steps=spent)


def split(panel: Path, folder: Path, parts: int) -> Path:
    """``panel`` as ``parts`` Parquet part files of whole row groups, in order."""
    import pyarrow.parquet as pq

    out = folder / f"parts-{parts}"
    if (out / "_SUCCESS").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    source = pq.ParquetFile(panel)
    groups = source.num_row_groups
    for k in range(parts):
        chosen = range(k * groups // parts, (k + 1) * groups // parts)
        name = out / f"part-{k:05d}-bench.snappy.parquet"
        with pq.ParquetWriter(name, source.schema_arrow) as writer:
            for i in chosen:
                writer.write_table(source.read_row_group(i))
    (out / "_SUCCESS").write_text("")
    return out


def scans(panel: Path, parts: Path, pairs: int) -> None:
    """Time the scan that needs each row's file and row, on the part files and on the one
    file, alternately, in one Spark session (``scaleup.engine`` as PYTHONPATH finds it)."""
    from scaleup import engine
    from scaleup.config import EngineSettings

    session = engine.spark_session(EngineSettings(backend="spark", memory_limit="4GB"))
    backend = engine._arrow_spark_backend()().connect(session)

    def scan(where: Path) -> tuple[float, int]:
        read = engine.read_in_cluster(backend, str(where))
        query = (
            f"SELECT lad_code, sic2007, count(*) AS n, min({engine.ROW}) AS first "
            f"FROM {read.view} GROUP BY lad_code, sic2007"
        )
        start = time.perf_counter()
        rows = session.sql(query).collect()
        seconds = time.perf_counter() - start
        assert sum(r["n"] for r in rows) == read.rows
        return seconds, len(rows)

    scan(parts)  # the JVM compiles the query's code once
    print(f"scans of {parts.name} (folder) and {panel.name} (one file), seconds:")
    for i in range(pairs):
        folder_s, groups = scan(parts)
        file_s, _ = scan(panel)
        with open("/proc/loadavg") as fh:
            load = fh.read().split()[0]
        print(
            f"  {i + 1}: folder {folder_s:.1f}, one file {file_s:.1f}: "
            f"{folder_s / file_s:.2f}x ({groups} code pairs, load {load})",
            flush=True,
        )
    session.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="0.1M, 0.5M and 2M rows")
    parser.add_argument("--enterprises", type=int, nargs="*", help="sizes to run instead")
    parser.add_argument("--data", type=Path, help="keep and reuse generated panels here")
    parser.add_argument("--no-duckdb", action="store_true", help="Spark only (a huge panel)")
    parser.add_argument("--parts", type=int, default=0, help="Spark reads N part files")
    parser.add_argument("--scan", type=int, default=0, help="only time PAIRS scans (--parts)")
    opts = parser.parse_args()
    if opts.scan and opts.parts < 2:
        parser.error("--scan needs --parts N (N > 1)")
    sizes = opts.enterprises or (SMALL_SIZES if opts.small else UK_SIZES)
    rows_out = []
    with tempfile.TemporaryDirectory(prefix="scaleup-bench-spark-") as tmp:
        root = opts.data or Path(tmp)
        for enterprises in sizes:
            folder = root / f"synth-{enterprises}"
            folder.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            panel, rows = synth(enterprises, folder, "integer")
            print(f"{enterprises:,} enterprises, {rows:,} rows ({time.perf_counter() - t0:.0f} s)")
            where = split(panel, folder, opts.parts) if opts.parts > 1 else panel
            if opts.scan:
                scans(panel, where, opts.scan)
                continue
            spark = run_compute(where, folder, "spark", folder / "tables-spark")
            duck = None
            if not opts.no_duckdb:
                duck = run_compute(panel, folder, "duckdb", folder / "tables-duckdb")
                for name in TABLES:
                    a = (folder / "tables-spark" / f"{name}.csv").read_bytes()
                    b = (folder / "tables-duckdb" / f"{name}.csv").read_bytes()
                    if a != b:
                        sys.exit(f"{name}.csv differs between Spark and DuckDB")
            for name, seconds in spark.steps:
                print(f"    spark  {name:45s} {seconds:7.1f} s")
            if duck is not None:
                for name, seconds in duck.steps:
                    print(f"    duckdb {name:45s} {seconds:7.1f} s")
            rows_out.append((rows, spark, duck))
            with open("/proc/loadavg") as fh:
                print(f"    load average after: {fh.read().split()[:3]}", flush=True)
    if not rows_out:
        return
    print()
    if opts.parts > 1:
        print(f"Spark read each panel as {opts.parts} part files; DuckDB the one file.")
    print(
        "| rows | Spark wall | Spark driver (Python) peak RSS | Spark JVM peak RSS "
        "| Spark JVM CPU | DuckDB wall | DuckDB peak RSS | Spark / DuckDB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows, s, d in rows_out:
        dw = f"{d.seconds:.1f} s" if d else "-"
        dm = f"{d.driver_mib:.0f} MiB" if d else "-"
        ratio = f"{s.seconds / d.seconds:.1f}x" if d else "-"
        print(
            f"| {rows / 1e6:.1f}M | {s.seconds:.1f} s | {s.driver_mib:.0f} MiB "
            f"| {s.others_mib:.0f} MiB | {s.others_cpu:.0f} s | {dw} | {dm} | {ratio} |"
        )
    peaks = [s.driver_mib for _, s, _ in rows_out]
    big = peaks[-1]
    print()
    flat = max(peaks) - min(peaks)
    print(
        f"{'met   ' if big < GOAL_DRIVER_MIB else 'MISSED'} driver peak RSS under "
        f"{GOAL_DRIVER_MIB} MiB at the largest panel: {big:.0f} MiB "
        f"(spread over the sizes: {flat:.0f} MiB)"
    )
    print(f"{os.cpu_count()} cores; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
