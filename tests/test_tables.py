"""The contract files are declared once (scaleup.tables): what the project writes has the
declared columns in the declared order, and the published tables' kinds cover every column."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq

from scaleup import tables
from scaleup.impact.synthetic import write_synthetic_cohort
from scaleup.synth import SynthSpec, generate

DEMO_DATA = Path(tables.__file__).parent / "demo" / "workspace" / "data"


def header(path: Path) -> tuple[str, ...]:
    with open(path, encoding="utf-8", newline="") as fh:
        return tuple(next(csv.reader(fh)))


def in_declared_order(written: tuple[str, ...], columns: tuple[tables.Column, ...]) -> bool:
    """Every required column, then optional ones, each in the declared order; no other."""
    declared = tables.names(columns)
    required = {c.name for c in columns if c.required}
    return (
        required <= set(written)
        and set(written) <= set(declared)
        and list(written) == [n for n in declared if n in written]
    )


def test_the_shipped_workspace_files_are_written_as_declared() -> None:
    for name, columns in (
        ("counts", tables.COUNTS),
        ("population", tables.POPULATION),
        ("geography", tables.GEOGRAPHY),
    ):
        assert in_declared_order(header(DEMO_DATA / f"{name}.csv"), columns), name


def test_the_synthetic_panel_and_its_places_are_written_as_declared(tmp_path: Path) -> None:
    generate(SynthSpec(enterprises=200, lads=20, years=4), tmp_path)
    panel = tuple(pq.read_schema(tmp_path / "panel.parquet").names)
    assert panel == tables.names(tables.PANEL)
    assert header(tmp_path / "geography.csv") == tables.names(tables.GEOGRAPHY)
    assert header(tmp_path / "population.csv") == tables.names(tables.POPULATION)


def test_the_synthetic_cohort_is_written_as_declared_plus_its_synthetic_mark(
    tmp_path: Path,
) -> None:
    for path in write_synthetic_cohort(tmp_path):
        columns = tables.COHORT[path.stem]
        written = tuple(c for c in header(path) if c != "synthetic")
        assert in_declared_order(written, columns), path.name


def test_every_published_column_has_its_kind() -> None:
    text = {c for cols in tables.TABLES.values() for c in cols if tables.output_kind(c) == "text"}
    assert text == {
        "lad_code", "lad_name", "area_code", "area_name", "measure", "quadrant",
        "density_rating", "trend_rating",
    }  # fmt: skip
    assert tables.output_kind("density_above_median") == "bool"
    assert tables.output_kind("trend_any") == "float"
    assert tables.output_kind("any") == "int"


def test_a_declared_column_appears_once_per_file() -> None:
    files = {"panel": tables.PANEL, "counts": tables.COUNTS, "population": tables.POPULATION,
             "geography": tables.GEOGRAPHY} | tables.COHORT  # fmt: skip
    for name, columns in files.items():
        assert len(set(tables.names(columns))) == len(columns), name


def test_the_impact_records_hold_the_declared_columns_in_order() -> None:
    """kpis.csv and sectors.csv are written field by field from these records."""
    from dataclasses import fields

    from scaleup.impact.kpis import KpiRow, SectorRow

    assert tuple(f.name for f in fields(KpiRow)) == tables.KPIS
    assert tuple(f.name for f in fields(SectorRow)) == tables.SECTORS
    assert tables.KPIS_CONTRACT == (
        "programme", "kpi", "value", "numerator", "denominator", "ci_low", "ci_high", "note",
    )  # fmt: skip
