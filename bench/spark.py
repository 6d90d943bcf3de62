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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="0.1M, 0.5M and 2M rows")
    parser.add_argument("--enterprises", type=int, nargs="*", help="sizes to run instead")
    parser.add_argument("--data", type=Path, help="keep and reuse generated panels here")
    parser.add_argument("--no-duckdb", action="store_true", help="Spark only (a huge panel)")
    opts = parser.parse_args()
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
            spark = run_compute(panel, folder, "spark", folder / "tables-spark")
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
    print()
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
