"""Throughput and latency of `scaleup serve` against a bare Starlette route, in one run.

Builds the demo review (`scaleup init` + `scaleup build`) and imports 10,000 made-up
programmes into its finder, starts `scaleup serve` and a bare
Starlette app (one plain-text route) under the same uvicorn settings, then drives each with
32 concurrent keep-alive connections for 20 seconds (``--seconds``):

    .venv/bin/python bench/serve.py [--seconds 20] [--connections 32]

Prints requests/s, p50/p99 latency and errors per target, and each target's throughput as
a ratio of the bare route's. Goal: ratio >= 0.5, p99 < 100 ms, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
TARGETS = (
    ("bare Starlette route", "bare", "/"),
    ("area page /areas/d2n2/", "scaleup", "/areas/d2n2/"),
    ("API /api/v1/areas/E37000045", "scaleup", "/api/v1/areas/E37000045"),
    ("finder /finder/?q=growth (10k)", "scaleup", "/finder/?q=growth"),
)
PROGRAMMES = 10_000
"""Programmes in the finder's store (made up by bench/finder.py's ``directory``)."""


def bare_server(port: int) -> None:
    """The baseline: Starlette with one route, served like `scaleup serve` serves."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def hello(_request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", hello)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    """Until ``url`` answers (a loaded machine may take a while to start a server)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"server exited: {process.stderr.read().decode()}") from None
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


async def connection(host: str, port: int, path: str, until: float, out: dict) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    reader = writer = None
    while time.perf_counter() < until:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            out["latencies"].append(time.perf_counter() - start)
            if status != 200:
                out["errors"] += 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            out["errors"] += 1
            writer = None


async def drive(port: int, path: str, seconds: float, connections: int) -> dict:
    out: dict = {"latencies": [], "errors": 0}
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *[connection("127.0.0.1", port, path, until, out) for _ in range(connections)]
    )
    out["elapsed"] = time.perf_counter() - started
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


HEADER = (
    f"{'target':32} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
    f"{'vs bare':>8} {'CPU us':>7}"
)
"""The column heads of :func:`report`'s lines (CPU us: the server's CPU time per request)."""


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used so far by process ``pid`` (None where /proc is not)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_loop(work: Coroutine[Any, Any, dict]) -> dict:
    """Run the load generator on uvloop when installed (as the server runs): the client's
    own time per request is part of every latency it measures, so it should be small."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


def measure(port: int, pid: int, path: str, seconds: float, connections: int) -> dict:
    """Warm ``path`` up (renders and caches a page), then drive it; the result has the
    server's CPU seconds spent meanwhile (``cpu``): a cost per request that the load of
    other work on the machine changes far less than it changes latency."""
    run_loop(drive(port, path, 1.0, 4))
    before = cpu_seconds(pid)
    result = run_loop(drive(port, path, seconds, connections))
    after = cpu_seconds(pid)
    result["cpu"] = None if before is None or after is None else after - before
    return result


def report(label: str, result: dict, baseline: float | None) -> float:
    """Print one target's line (requests, req/s, p50 and p99 in ms, errors, ratio to the
    first line's rate, the server's CPU microseconds per request); returns the baseline
    rate for the lines after it."""
    n = len(result["latencies"])
    rate = n / result["elapsed"]
    baseline = baseline or rate
    cpu = result.get("cpu")
    per = f"{cpu / n * 1e6:7.0f}" if cpu is not None and n else f"{'-':>7}"
    print(f"{label:32} {n:9d} {rate:9.0f} {percentile(result['latencies'], .5) * 1e3:8.1f} "
          f"{percentile(result['latencies'], .99) * 1e3:8.1f} {result['errors']:7d} "
          f"{rate / baseline:8.2f} {per}")  # fmt: skip
    return baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_server(args.bare)
        return

    env = {k: v for k, v in os.environ.items() if not k.startswith("SCALEUP_")}
    env["SCALEUP_ENVIRONMENT"] = "development"
    scratch = Path(tempfile.mkdtemp(prefix="scaleup-bench-"))
    try:
        run(scratch / "review", env, args)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(root: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    scaleup = str(BIN / "scaleup")
    subprocess.run([scaleup, "init", str(root)], env=env, check=True, capture_output=True)
    t0 = time.perf_counter()
    subprocess.run([scaleup, "build", "-w", str(root), "--quiet"], env=env, check=True)
    print(f"demo build (38 area pages): {time.perf_counter() - t0:.1f} s")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from finder import directory  # the finder's benchmark's made-up programmes

    file = directory(root / "directory.json", PROGRAMMES)
    subprocess.run([scaleup, "finder", "import", str(file), "-w", str(root), "-q"], env=env,
                   check=True)  # fmt: skip

    ports = {"bare": free_port(), "scaleup": free_port()}
    servers = {
        "bare": subprocess.Popen([sys.executable, __file__, "--bare", str(ports["bare"])],
                                 env=env, stderr=subprocess.PIPE),
        "scaleup": subprocess.Popen([scaleup, "serve", "-w", str(root), "--port",
                                     str(ports["scaleup"])], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE),
    }  # fmt: skip
    try:
        for name, process in servers.items():
            wait_for(f"http://127.0.0.1:{ports[name]}/", process)
        print(f"{args.connections} connections, {args.seconds:g} s per target; "
              f"load average {os.getloadavg()[0]:.1f} at the start\n")  # fmt: skip
        print(HEADER)
        baseline = None
        for label, server, path in TARGETS:
            pid = servers[server].pid
            result = measure(ports[server], pid, path, args.seconds, args.connections)
            baseline = report(label, result, baseline)
    finally:
        for process in servers.values():
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
