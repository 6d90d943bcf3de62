"""Benchmark: planning the demo's two editions and drawing their charts (issues 11 and 12:
the demo builds in under 25 s on 2 cores).

The statistics are computed once; then each trial, in a new process (so that every trial
pays for starting vl-convert's engines), runs ``publish.build.prepare_edition`` on both
editions: planning the pages, then drawing every chart (``draw_charts``). Trials alternate
between drawing in worker processes (the default on more than one core) and drawing in the
one process, and print CPU (the process and its workers: user + system) and wall time of
each part, with the load average beside them.

    .venv/bin/python bench/charts.py [--pairs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def cpu(who: int = resource.RUSAGE_SELF) -> float:
    """CPU seconds (user + system) of this process, or of its children that have ended."""
    use = resource.getrusage(who)
    return use.ru_utime + use.ru_stime


def compute(path: Path) -> None:
    """Each demo edition's tables, geography and settings, pickled into ``path``."""
    from scaleup.config import load_settings
    from scaleup.demo import demo_editions
    from scaleup.publish.build import compute_tables, read_geography_of

    editions = []
    for ws in demo_editions():
        settings = load_settings(ws.config_file, environ={})
        tables, _ = compute_tables(ws, settings)
        members, area_types = read_geography_of(ws, settings)
        editions.append((ws.root, tables, members, area_types))
    path.write_bytes(pickle.dumps(editions))


def trial(path: Path, workers: int | None) -> dict[str, float]:
    """Plan and draw both editions. Drawing's CPU is the whole less planning's: the
    workers' CPU is known only once they have ended, after the last edition."""
    from scaleup.config import load_settings
    from scaleup.publish import build, drawing
    from scaleup.workspace import load_workspace

    drawing.set_workers(workers)
    editions = pickle.loads(path.read_bytes())
    spent = {"own_draw_cpu": 0.0, "draw_wall": 0.0, "charts": 0.0}
    draw = build.draw_charts

    def timed(plan: Any) -> dict[str, dict[str, dict[str, Any]]]:
        c, w = cpu(), time.perf_counter()
        out = draw(plan)
        spent["own_draw_cpu"] += cpu() - c
        spent["draw_wall"] += time.perf_counter() - w
        spent["charts"] += sum(len(v) for v in out.values())
        return out

    build.draw_charts = timed  # type: ignore[assignment]
    c, kids, w = cpu(), cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    for root, tables, members, area_types in editions:
        ws = load_workspace(root)
        settings = load_settings(ws.config_file, environ={})
        build.prepare_edition(ws, settings, tables=tables, members=members, area_types=area_types)
    wall = time.perf_counter() - w
    own = cpu() - c
    drawing.set_workers(0)  # the workers end: their CPU is counted
    total = own + cpu(resource.RUSAGE_CHILDREN) - kids
    plan_cpu = own - spent["own_draw_cpu"]
    return {
        "charts": spent["charts"],
        "draw_cpu": total - plan_cpu,
        "draw_wall": spent["draw_wall"],
        "total_cpu": total,
        "total_wall": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--trial", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trial:
        print(json.dumps(trial(args.trial, args.workers)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-charts-") as tmp:
        path = Path(tmp) / "editions.pickle"
        compute(path)
        found: dict[str, list[dict[str, float]]] = {"workers": [], "one process": []}
        for _ in range(args.pairs):
            for name, workers in (("workers", None), ("one process", 0)):
                cmd = [sys.executable, __file__, "--trial", str(path)]
                if workers is not None:
                    cmd += ["--workers", str(workers)]
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                got = json.loads(out.strip().splitlines()[-1])
                found[name].append(got)
                print(
                    f"{name:12} {got['charts']:.0f} charts: drawing {got['draw_cpu']:5.1f} s CPU "
                    f"{got['draw_wall']:5.1f} s wall; planning + drawing "
                    f"{got['total_cpu']:5.1f} s CPU {got['total_wall']:5.1f} s wall "
                    f"(load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        for name, runs in found.items():
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(
                f"median {name:12} drawing {med['draw_cpu']:.1f} s CPU {med['draw_wall']:.1f} s "
                f"wall; planning + drawing {med['total_cpu']:.1f} s CPU "
                f"{med['total_wall']:.1f} s wall"
            )


if __name__ == "__main__":
    main()
