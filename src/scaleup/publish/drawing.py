"""Vega-Lite specifications drawn as SVG by vl-convert, on every core of the machine.

vl-convert runs one JavaScript engine per process and draws one chart at a time, whatever
the number of threads asking (measured: two threads drawing the same charts took as long
as one). So on a machine with more than one core the drawings go to worker processes, each
with its own engine, started at the first drawing and kept for the rest of the process (a
build draws a few hundred charts; an engine takes about a second to start). With one core,
or when a worker cannot start or dies, charts are drawn in this process.

The workers are plain ``python -c`` processes reading specifications on their standard
input and writing drawings on their standard output, not ``multiprocessing``'s: those
would run the calling program's main script again in each worker (a script that builds a
site at its top level would run once more per worker). A worker ends when its input
closes, so one whose parent was killed ends too.

Text is measured in the font shipped in ``fonts/`` ("DejaVu Sans Charts": DejaVu Sans cut
to the Latin script; scripts/chart_font.py): a system font is read from its file for every
glyph vl-convert measures, and measuring in DejaVu Sans itself cost about as much as the
rest of the drawing. The cut faces measure identically (the same glyphs, advances and
kerning), and the same on every machine whatever fonts it has. :func:`svg` swaps the
family the SVG names back to the one the page asks for.

A drawing is deterministic: vl-convert numbers its clip paths with a counter that runs for
the life of its engine, so the numbers are replaced by names made from the drawing itself
(which engine drew a chart, and after how many others, changes nothing).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import vl_convert

VL_VERSION = "5.20"
"""The Vega-Lite version the specifications are written for."""
MAX_WORKERS = 4
"""Worker processes at most (each engine holds some 100 MB)."""
WORTH_WORKERS = 30
"""Drawings expected (:func:`expect`) below which no workers are started: starting their
engines would cost more than drawing a few charts here (about 65 ms each)."""
FONTS = Path(__file__).with_name("fonts")
MEASURED_IN = "DejaVu Sans Charts"
"""The family text is measured in (shipped in FONTS)."""

_CLIP = re.compile(r'"clip(\d+)"|#clip(\d+)\)')
_lock = threading.Lock()
_idle: queue.SimpleQueue[_Worker] | None = None
_started: list[_Worker] = []
_workers: int | None = None
_expected: int | None = None


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_registered = threading.Lock()
_fonts: list[str] = []


def _draw(spec: dict[str, Any]) -> str:
    """One drawing, in this process. The specification goes to vl-convert as a dict: as
    JSON text its numbers would be read back a last bit off (vl-convert's reader does not
    promise to round-trip them; Python's does)."""
    with _registered:
        if not _fonts:
            vl_convert.register_font_directory(str(FONTS))
            _fonts.append(str(FONTS))
    return str(vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION))


class _Worker:
    """One drawing process: a length-prefixed JSON specification in, the SVG out."""

    def __init__(self) -> None:
        package = str(Path(__file__).resolve().parents[2])  # the folder holding scaleup/
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": package + (os.pathsep + path if path else "")}
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from scaleup.publish.drawing import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )

    def draw(self, spec: dict[str, Any]) -> str:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        _send(stdin, b"spec", json.dumps(spec).encode())
        kind, body = _receive(stdout)
        if kind == b"svg":
            return body.decode()
        raise ValueError(body.decode())  # vl-convert's own error, as in this process

    def close(self) -> None:
        try:
            if self.process.stdin:
                self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def _send(out: IO[bytes], kind: bytes, body: bytes) -> None:
    out.write(kind + b" %d\n" % len(body) + body)
    out.flush()


def _receive(source: IO[bytes]) -> tuple[bytes, bytes]:
    head = source.readline()
    if not head:
        raise EOFError("the drawing process ended")
    kind, size = head.split()
    body = source.read(int(size))
    if len(body) != int(size):
        raise EOFError("the drawing process ended")
    return kind, body


def serve() -> None:
    """A worker's loop (``python -c``): draw each specification read until input ends.
    The drawings go out on what was standard output; anything else written there (by
    Python or by vl-convert's engine) goes to standard error instead."""
    source, out = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    while True:
        try:
            _, body = _receive(source)
        except EOFError:
            return
        try:
            kind, drawn = b"svg", _draw(json.loads(body)).encode()
        except ValueError as exc:
            kind, drawn = b"error", str(exc).encode()
        try:
            _send(out, kind, drawn)
        except BrokenPipeError:  # the parent has gone
            return


def set_workers(n: int | None) -> None:
    """Draw in ``n`` worker processes from now on (0: in this process; None, the default:
    one per core, up to MAX_WORKERS, when there is more than one). Running workers end."""
    global _idle, _workers
    with _lock:
        for worker in _started:
            worker.close()
        _started.clear()
        _idle, _workers = None, n


atexit.register(set_workers, None)


def expect(n: int | None) -> None:
    """About ``n`` drawings are coming (None: unknown). With the default number of workers,
    fewer than WORTH_WORKERS are drawn in this process unless workers are running already."""
    global _expected
    _expected = n


def _pool() -> queue.SimpleQueue[_Worker] | None:
    global _idle, _workers
    with _lock:
        if _idle is None:
            n = _workers if _workers is not None else min(cores(), MAX_WORKERS)
            few = _expected is not None and _expected < WORTH_WORKERS
            if n < 1 or (_workers is None and (n < 2 or few)):
                return None
            try:
                _started.extend(_Worker() for _ in range(n))
            except OSError:  # no processes here: draw in this one
                _workers = 0
                return None
            _idle = queue.SimpleQueue()
            for worker in _started:
                _idle.put(worker)
        return _idle


def svg(spec: dict[str, Any], font: str | None = None) -> str:
    """``spec`` drawn as SVG, its clip paths named after the drawing. With ``font`` (a CSS
    font family list), the chart's text is measured in MEASURED_IN and the SVG names
    ``font``: give it a list that starts with DejaVu Sans, whose measures these are."""
    if font is not None:
        spec = {**spec, "config": {**spec.get("config", {}), "font": MEASURED_IN}}
    idle = _pool()
    if idle is None:
        drawn = _draw(spec)
    else:
        worker = idle.get()
        try:
            drawn = worker.draw(spec)
        except (OSError, EOFError):  # a worker died (killed, out of memory): draw here
            set_workers(0)
            drawn = _draw(spec)
        finally:
            idle.put(worker)
    if font is not None:
        drawn = drawn.replace(f'font-family="{MEASURED_IN}"', f'font-family="{font}"')
    return _named_clips(drawn)


def _named_clips(svg_text: str) -> str:
    ids = sorted({int(a or b) for a, b in _CLIP.findall(svg_text)})
    if not ids:
        return svg_text
    stem = hashlib.sha1(_CLIP.sub("", svg_text).encode()).hexdigest()[:8]
    names = {str(n): f"clip-{stem}-{i}" for i, n in enumerate(ids, 1)}
    return _CLIP.sub(
        lambda m: f'"{names[m[1]]}"' if m[1] else f"#{names[m[2]]})",
        svg_text,
    )
