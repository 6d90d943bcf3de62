"""The project's errors: bad input (exit 2) is reported, never raised as a traceback.

``InputError`` carries every :class:`Problem` found in one run, so a command can report
them all at once; ``ConfigError`` is a bad setting. Anything else is an internal error
(exit 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_REPORTED = 20


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input: where it is and what is wrong.

    ``lines`` are CSV line numbers (header = line 1) or, with ``rows=True``, Parquet row
    numbers (first data row = 1). ``column`` names the field, when there is one.
    """

    file: str | None
    message: str
    lines: tuple[int, ...] = field(default=())
    column: str | None = None
    rows: bool = False

    def render(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.lines:
                nums = ", ".join(str(n) for n in self.lines)
                where += f": row {nums}" if self.rows else f":{nums}"
            where += ": "
        column = f"{self.column}: " if self.column else ""
        return f"error: {where}{column}{self.message}"


class ScaleupError(Exception):
    """Base of every error the project reports to a user."""

    exit_code = 2

    def problems(self) -> list[Problem]:
        return [Problem(file=None, message=str(self))]

    def render(self, limit: int = MAX_REPORTED) -> list[str]:
        return render_problems(self.problems(), limit)


class InputError(ScaleupError):
    """Bad input: one or more problems, all found before anything is written."""

    def __init__(self, problems: Problem | Iterable[Problem], unreported: int = 0):
        if isinstance(problems, Problem):
            problems = [problems]
        self._problems = list(problems)
        if not self._problems:
            raise ValueError("InputError needs at least one problem")
        # Problems found and counted but not listed one by one (e.g. the 2 millionth
        # negative value of a large panel): they count in "... and N more".
        self.unreported = unreported
        super().__init__(self._problems[0].render())

    def problems(self) -> list[Problem]:
        return list(self._problems)

    def render(self, limit: int = MAX_REPORTED) -> list[str]:
        return render_problems(self._problems, limit, unreported=self.unreported)


class ConfigError(ScaleupError):
    """A setting with an unknown key, a wrong type or an impossible value."""

    def __init__(self, message: str, source: str | None = None):
        self.source = source
        super().__init__(message)

    def problems(self) -> list[Problem]:
        return [Problem(file=self.source, message=str(self))]


def describe_invalid(err: Mapping[str, Any], known: Sequence[str] = ()) -> str:
    """One pydantic validation error as the settings word it: ``key.path: what is wrong,
    got VALUE`` (``known``: the keys a table allows, named when an unknown one is found)."""
    loc = ".".join(str(p) for p in err["loc"]) or "(the whole file)"
    if err["type"] == "extra_forbidden":
        return f"{loc}: unknown key" + (f" (expected one of {list(known)})" if known else "")
    if err["type"] == "missing":
        return f"{loc}: missing"
    msg = str(err["msg"]).removeprefix("Value error, ")
    got = err.get("input")
    if isinstance(got, dict | list) or "got" in msg:
        return f"{loc}: {msg}"
    return f"{loc}: {msg}, got {got!r}"


def render_problems(
    problems: Sequence[Problem], limit: int = MAX_REPORTED, unreported: int = 0
) -> list[str]:
    """At most ``limit`` lines, then ``... and N more`` (``unreported`` counts in N)."""
    lines = [p.render() for p in problems[:limit]]
    more = max(len(problems) - limit, 0) + unreported
    if more:
        lines.append(f"... and {more} more")
    return lines
