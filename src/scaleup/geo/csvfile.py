"""Read a small CSV lookup (shipped or the user's) into text columns, or say what is wrong."""

from __future__ import annotations

import csv
from collections import namedtuple
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaleup.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd


def read_lookup(
    path: Path,
    required: dict[str, tuple[str, ...]],
    optional: dict[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """:func:`lookup_rows` as a frame (same columns, ``line`` last)."""
    import pandas as pd  # here: serving reads a lookup (LAD code changes) without pandas

    columns = [*dict.fromkeys([*required, *(optional or {})]), "line"]
    return pd.DataFrame(lookup_rows(path, required, optional), columns=columns)


def lookup_rows(
    path: Path,
    required: dict[str, tuple[str, ...]],
    optional: dict[str, tuple[str, ...]] | None = None,
) -> list[Any]:
    """Rows of ``path`` (named tuples) with its columns as text, renamed to the keys of
    ``required``.

    ``required`` maps each wanted column to the header names accepted for it (matched
    case-insensitively, first match wins); ``optional`` columns are empty when absent.
    A BOM is accepted. Raises InputError naming the file for a missing file, an empty
    file, a file that is not CSV or a missing column.
    Each row has a ``line`` field last: the CSV line number (header = 1).
    """
    name = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise InputError(Problem(name, "no such file")) from None
    except UnicodeDecodeError:
        raise InputError(Problem(name, "not a UTF-8 CSV file")) from None
    except (OSError, csv.Error) as exc:
        raise InputError(Problem(name, f"cannot be read as CSV: {exc}")) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError(Problem(name, "empty file (expected a header row)"))
    header = [h.strip().lower() for h in rows[0]]
    index: dict[str, int] = {}
    problems = []
    for column, accepted in required.items():
        found = next((header.index(a) for a in accepted if a in header), None)
        if found is None:
            expected = " or ".join(repr(a) for a in accepted)
            problems.append(Problem(name, f"missing column {expected}", lines=(1,)))
        else:
            index[column] = found
    if problems:
        raise InputError(problems)
    for column, accepted in (optional or {}).items():
        index[column] = next((header.index(a) for a in accepted if a in header), -1)
    width = len(header)
    Row = namedtuple("Row", [*index, "line"], rename=True)  # type: ignore[misc]  # caller's names
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (width - len(row))
        records.append(
            Row._make([*(row[i].strip() if i >= 0 else "" for i in index.values()), number])
        )
    return records
