"""How every command talks to its user: errors, exit codes, progress and quiet mode.

Exit codes: 0 ok, 1 internal error, 2 bad input or usage. Bad input is printed as one
``error: FILE:LINE: ...`` line per problem (at most 20, then a count), never a traceback.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from scaleup.errors import ScaleupError

F = TypeVar("F", bound=Callable[..., Any])

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
log = logging.getLogger("scaleup")


def fail(lines: list[str], code: int) -> None:
    for line in lines:
        print(line, file=sys.stderr)
    raise typer.Exit(code)


def reports_errors(fn: F) -> F:
    """Turn ScaleupError into exit 2 with its lines, anything else into exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except ScaleupError as exc:
            fail(exc.render(), exc.exit_code)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("SCALEUP_DEBUG"):
                traceback.print_exc()
            full = disk_full(exc)
            if full:
                fail([f"error: {full}: no space left (free some space and run again; "
                      "nothing was changed)"], 2)  # fmt: skip
            fail(
                [
                    f"internal error: {type(exc).__name__}: {_without_sql(exc)}",
                    "This is a bug in scaleup, not in your input; set SCALEUP_DEBUG=1 for "
                    "details and please report it.",
                ],
                1,
            )

    return wrapper  # type: ignore[return-value]


DISK_FULL_WORDS = ("database or disk is full", "no space left on device", "disk full")


def disk_full(exc: BaseException) -> str | None:
    """What was being written when the disk (or the store) filled up, else None: an
    ``OSError`` ENOSPC, SQLite's "database or disk is full", PostgreSQL's disk_full."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return seen.filename and str(seen.filename) or "the disk"
        orig = getattr(seen, "orig", None)
        if orig is not None:
            state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
            text = str(orig).lower()
            if state == "53100" or any(w in text for w in DISK_FULL_WORDS):
                return "the store (its database)"
        seen = seen.__cause__ or seen.__context__
    return None


def _without_sql(exc: BaseException) -> str:
    """An error's message without the statement a database error quotes."""
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc)
    return text.split("\n[SQL:")[0].strip()


class Steps:
    """Progress of a long command: a Rich bar on a terminal, plain log lines otherwise."""

    def __init__(self, total: int, quiet: bool = False):
        self.quiet = quiet
        self.total = total
        self.done = 0
        self._progress: Progress | None = None
        self._task: Any = None
        if not quiet and sys.stderr.isatty():
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            )

    def __enter__(self) -> Steps:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task("starting", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def step(self, description: str) -> None:
        """Announce the next step (called before the work of the step)."""
        if self._progress is not None:
            if self.done:
                self._progress.advance(self._task)
            self._progress.update(self._task, description=description)
        elif not self.quiet:
            print(f"[{self.done + 1}/{self.total}] {description}", file=sys.stderr, flush=True)
        self.done += 1

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=self.total)


@contextmanager
def steps(total: int, quiet: bool = False) -> Iterator[Steps]:
    with Steps(total, quiet) as s:
        yield s
        s.finish()


def say(message: str, quiet: bool = False) -> None:
    """A result line for the user (to standard output unless quiet)."""
    if not quiet:
        print(message, flush=True)
