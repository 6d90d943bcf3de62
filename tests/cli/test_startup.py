"""The command line starts without the heavy libraries: each command imports what it
needs when it runs, so `scaleup --help` and a mistyped option answer at once."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("ibis", "pandas", "numpy", "pyarrow", "duckdb", "pyspark", "sqlalchemy", "statsmodels")


def test_loading_the_command_line_imports_no_heavy_library() -> None:
    probe = (
        "import sys, scaleup.cli.main; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
