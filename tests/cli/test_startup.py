"""The command line starts without the heavy libraries: each command imports what it
needs when it runs, so `scaleup --help` and a mistyped option answer at once, and
`scaleup serve` answers without what only a build, a computation or a download needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from scaleup.cli.main import app
from support.serving import command_env

HEAVY = ("ibis", "pandas", "numpy", "pyarrow", "duckdb", "pyspark", "sqlalchemy", "statsmodels")
BUILD_ONLY = ("altair", "vl_convert", "jsonschema", "openpyxl", "scipy", "sqlglot", "shapely")
"""Charts, workbooks and intervals: a build imports them, serving never needs them (a
download imports openpyxl when first asked)."""
MODULES = "sorted({m.split('.')[0] for m in sys.modules} & set(%r))"


def test_loading_the_command_line_imports_no_heavy_library() -> None:
    probe = f"import sys, scaleup.cli.main; print({MODULES % (HEAVY,)})"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_serve_answers_healthz_without_the_build_libraries(tmp_path: Path) -> None:
    """The whole `scaleup serve` start-up (settings, store migration, recovery of a killed
    build, the app) up to its first answer on /healthz, with uvicorn's loop replaced by a
    test client."""
    ws = tmp_path / "review"
    assert CliRunner().invoke(app, ["init", str(ws)]).exit_code == 0
    unwanted = tuple(h for h in HEAVY if h != "sqlalchemy") + BUILD_ONLY
    probe = f"""
import sys
import uvicorn
from fastapi.testclient import TestClient

def first_answer(app, **_options):
    with TestClient(app) as client:
        print("healthz", client.get("/healthz").status_code)

uvicorn.run = first_answer
from scaleup.cli.main import app
app(["serve", "-w", {str(ws)!r}], standalone_mode=False)
print({MODULES % (unwanted,)})
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=command_env()
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == ["healthz 200", "[]"]


def test_the_build_draws_without_altair_or_a_schema_grammar() -> None:
    """Charts are Vega-Lite specifications made as plain dicts and drawn by vl-convert: the
    build imports neither Altair nor jsonschema, so neither their import nor
    rfc3987-syntax's grammar (jsonschema's [format-nongpl] extra, ~2 s) is paid by a build.
    The tests' format checks need only rfc3986-validator and rfc3339-validator."""
    unwanted = ("altair", "jsonschema", "rfc3987_syntax", "lark")
    probe = (
        "import sys, scaleup.publish.build, scaleup.publish.charts, scaleup.publish.narrow; "
        f"print({MODULES % (unwanted,)})"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
