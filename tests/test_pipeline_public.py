"""`compute --counts` on real public data: the ONS high-growth tables on LEP 2021 geography."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from scaleup.cli.main import app

D2N2 = "E37000045"


def test_public_counts_through_compute(tmp_path):
    runner = CliRunner()
    public = tmp_path / "public"
    made = runner.invoke(
        app, ["import", "public-data", "--out", str(public), "--years", "2017-2019", "-q"]
    )
    assert made.exit_code == 0, made.output
    out = tmp_path / "tables"
    result = runner.invoke(
        app,
        [
            "compute",
            "--counts",
            str(public / "counts.csv"),
            "--population",
            str(public / "population.csv"),
            "--geography",
            str(public / "geography.csv"),
            "--out",
            str(out),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["measures"] == ["employment"] and meta["supplier_controlled"] is True
    assert meta["end_years"] == [2017, 2018, 2019]
    from scaleup.pipeline import read_tables

    tables = read_tables(out)
    d2n2 = tables.area_summary.set_index("area_code").loc[D2N2]
    assert d2n2["n_lads"] == 17 and d2n2["measures"] == "employment"
    assert d2n2["density_above_turnover"] is None
    assert d2n2["density_rating"] in ("Strong", "Good", "Moderate", "Needs Improvement")
    # Supplier-rounded counts pass through: multiples of 5 or [c], never re-rounded.
    counts = tables.lad_year["employment"]
    assert all(v == "[c]" or (isinstance(v, int) and v % 5 == 0) for v in counts)
    assert tables.lad_year["turnover"].isna().all()
    years = tables.lad_year.groupby("lad_code")["year"].apply(list)
    assert all(y == [2017, 2018, 2019] for y in years)
