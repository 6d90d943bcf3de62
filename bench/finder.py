"""The support finder under load: `/finder/?q=growth` at 10,000 programmes, against a bare
Starlette route in the same run; how import time grows with the records; and how fast the
site answers while a large import writes into its store.

Makes a workspace whose store holds ``--programmes`` made-up programmes (imported with
`scaleup finder import`, timed, and once more at four times the records to show the growth),
starts `scaleup serve` and a bare Starlette app (one plain-text route) under the same
uvicorn settings, and drives each with ``--connections`` concurrent keep-alive connections
for ``--seconds`` from this process (asyncio; the servers are other processes):

    .venv/bin/python bench/finder.py [--programmes 10000] [--seconds 20] [--connections 32]

Prints requests/s, p50/p99 latency, errors and the server's CPU time per request for each
target, and each target's throughput as a ratio of the bare route's; then imports four
times the programmes into the served store while one client asks /healthz, the finder page
and the JSON search in turn, and prints their p50/p99/slowest answers. Goals (issue 14):
`/finder/?q=growth` at least 500 requests/s on 2 cores with p99 under 100 ms; import time
in step with the records; every answer under 1 s during the import.
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
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve import HEADER, free_port, measure, percentile, report, wait_for  # noqa: E402

BIN = Path(sys.executable).parent
WORDS = ("growth", "export", "leadership", "finance", "mentoring", "digital", "innovation")
TARGETS = (
    ("bare Starlette route", "bare", "/"),
    ("/healthz (the app's floor)", "scaleup", "/healthz"),
    ("/finder/?q=growth", "scaleup", "/finder/?q=growth"),
    ("/finder/?q=growth&page=7", "scaleup", "/finder/?q=growth&page=7"),
    ("/finder/ (no query)", "scaleup", "/finder/"),
    ("/api/v1/programmes?q=growth", "scaleup", "/api/v1/programmes?q=growth"),
)


def programme(n: int) -> dict:
    """The ``n``-th made-up programme (every seventh has "growth" in its name)."""
    word = WORDS[n % len(WORDS)]
    return {
        "id": f"made-{n:06d}",
        "name": f"{word.title()} programme {n}",
        "provider": f"Provider {n % 97}",
        "summary": f"Support for {WORDS[(n * 3) % len(WORDS)]} in scaleups, number {n}.",
        "url": f"https://example.org/programmes/{n}",
        "support_types": ["advice" if n % 2 else "grant"],
        "sectors": [["manufacturing"], ["digital"], []][n % 3],
        "areas": ["UK"],
    }


def directory(path: Path, count: int, start: int = 0) -> Path:
    """A directory file of ``count`` programmes, numbered from ``start``."""
    programmes = [programme(n) for n in range(start, start + count)]
    body = {"format": "scaleup-finder/1", "programmes": programmes}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def timed_import(scaleup: str, root: Path, count: int, env: dict[str, str]) -> float:
    root.mkdir(parents=True, exist_ok=True)
    file = directory(root / "directory.json", count)
    start = time.perf_counter()
    subprocess.run([scaleup, "finder", "import", str(file), "-w", str(root), "-q"], env=env,
                   check=True)  # fmt: skip
    return time.perf_counter() - start


WHILE_IMPORTING = ("/healthz", "/finder/?q=growth", "/api/v1/programmes?q=growth&limit=5")
SLOWEST = 1.0
"""Issue 14: every answer in under a second during a large import."""


def while_importing(scaleup: str, root: Path, port: int, count: int, env: dict) -> None:
    """Import ``count`` more programmes into the served store while one client asks each of
    :data:`WHILE_IMPORTING` in turn; print each route's answers, p99 and slowest, against
    the 1 s goal (the test suite's version of this judges against the same run's quiet
    answers instead, to stay meaningful on a loaded machine)."""
    file = directory(root / "more.json", count, start=10 * count)
    took: dict[str, list[float]] = {route: [] for route in WHILE_IMPORTING}
    errors = 0
    load = os.getloadavg()[0]
    start = time.perf_counter()
    importing = subprocess.Popen([scaleup, "finder", "import", str(file), "-w", str(root), "-q"],
                                 env=env)  # fmt: skip
    while importing.poll() is None:
        for route in WHILE_IMPORTING:
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{route}", timeout=30) as r:
                    r.read()
                    errors += r.status != 200
            except OSError:
                errors += 1
            took[route].append(time.perf_counter() - began)
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if importing.returncode != 0:
        raise SystemExit(f"the import while serving failed (exit {importing.returncode})")
    print(f"\nwhile importing {count} more programmes into the served store ({seconds:.1f} s, "
          f"load average {load:.1f} at the start), one client asking in turn:")  # fmt: skip
    print(f"{'route':40} {'answers':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  goal < 1 s")
    for route, times in took.items():
        worst = max(times, default=float("nan"))
        print(f"{route:40} {len(times):8d} {percentile(times, .5) * 1e3:8.1f} "
              f"{percentile(times, .99) * 1e3:8.1f} {worst * 1e3:8.1f}  "
              f"{'met' if worst < SLOWEST else 'NOT met'}")  # fmt: skip
    print(f"errors (not 200): {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programmes", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-growth", action="store_true",
                        help="skip the 4x imports (alone, and while serving)")  # fmt: skip
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCALEUP_")}
    env["SCALEUP_ENVIRONMENT"] = "development"
    scratch = Path(tempfile.mkdtemp(prefix="scaleup-bench-finder-"))
    try:
        run(scratch, env, args)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(scratch: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    scaleup = str(BIN / "scaleup")
    n = args.programmes
    subprocess.run([scaleup, "init", str(scratch / "review")], env=env, check=True,
                   capture_output=True)  # fmt: skip
    took = timed_import(scaleup, scratch / "review", n, env)
    print(f"import of {n} programmes: {took:.1f} s ({n / took:.0f} records/s)")
    if not args.no_growth:
        big = timed_import(scaleup, scratch / "big", 4 * n, env)
        print(f"import of {4 * n} programmes: {big:.1f} s ({4 * n / big:.0f} records/s); "
              f"time ratio {big / took:.1f} for 4x the records")  # fmt: skip
        shutil.rmtree(scratch / "big", ignore_errors=True)

    ports = {"bare": free_port(), "scaleup": free_port()}
    bench_serve = str(Path(__file__).with_name("serve.py"))
    servers = {
        "bare": subprocess.Popen([sys.executable, bench_serve, "--bare", str(ports["bare"])],
                                 env=env, stderr=subprocess.PIPE),
        "scaleup": subprocess.Popen([scaleup, "serve", "-w", str(scratch / "review"), "--port",
                                     str(ports["scaleup"])], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE),
    }  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{ports['bare']}/", servers["bare"], 180.0)
        wait_for(f"http://127.0.0.1:{ports['scaleup']}/healthz", servers["scaleup"], 180.0)
        print(
            f"{n} programmes; {args.connections} connections, {args.seconds:g} s per target; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start\n"
        )
        print(HEADER)
        baseline = None
        for label, server, path in TARGETS:
            pid = servers[server].pid
            result = measure(ports[server], pid, path, args.seconds, args.connections)
            baseline = report(label, result, baseline)
        if not args.no_growth:
            while_importing(scaleup, scratch / "review", ports["scaleup"], 4 * n, env)
    finally:
        for process in servers.values():
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
