"""Synthetic inputs for demos and benchmarks: a firm panel, population and geography.

:func:`generate` writes, in contract format (shared/spec/contracts.md):

- ``panel.parquet``: one row per enterprise per year (``enterprise_id, year, lad_code,
  employees, turnover, sic2007, birth_year``), written chunk by chunk, so memory stays
  flat however many enterprises are asked for;
- ``population.csv``: every LAD in every panel year;
- ``geography.csv``: LADs grouped into areas, some LADs in two areas.

The same arguments give byte-identical files.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from scaleup.atomic import staged_dir
from scaleup.errors import InputError, Problem
from scaleup.synth.geography import make_places
from scaleup.synth.panel import CHUNK, PANEL_SCHEMA, Calibration, panel_chunk

PANEL_FILE = "panel.parquet"
POPULATION_FILE = "population.csv"
GEOGRAPHY_FILE = "geography.csv"

MAX_ENTERPRISES = 100_000_000


@dataclass(frozen=True)
class SynthSpec:
    """What to generate. :meth:`problems` lists every bad argument at once."""

    enterprises: int
    seed: int = 0
    start_year: int = 2012
    years: int = 8
    lads: int = 320

    def problems(self) -> list[Problem]:
        checks = (
            ("--enterprises", self.enterprises, 1, MAX_ENTERPRISES),
            ("--seed", self.seed, 0, 2**63 - 1),
            ("--start-year", self.start_year, 1900, 2100),
            ("--years", self.years, 1, 50),
            ("--lads", self.lads, 20, 20_000),
        )
        found = []
        for name, value, low, high in checks:
            if not low <= value <= high:
                found.append(
                    Problem(
                        file=None,
                        message=f"{name}: expected an integer from {low:,} to {high:,}, "
                        f"got {value}",
                    )
                )
        if not found and self.start_year + self.years - 1 > 2100:
            found.append(Problem(file=None, message="--years: the panel would end after 2100"))
        return found


@dataclass(frozen=True)
class SynthResult:
    out: Path
    enterprises: int
    rows: int
    lads: int
    areas: int
    years: tuple[int, int]


def _write_csv(table: pa.Table, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(table.column_names)
        writer.writerows(zip(*(col.to_pylist() for col in table.columns), strict=True))


def generate(
    spec: SynthSpec,
    out: Path,
    calibration: Calibration | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> SynthResult:
    """Write the three files into ``out`` (all or nothing); ``on_chunk(done, total)``."""
    problems = spec.problems()
    if Path(out).exists() and not Path(out).is_dir():
        problems.append(Problem(file=str(out), message="--out: exists and is not a folder"))
    if problems:
        raise InputError(problems)
    cal = calibration or Calibration()
    years = range(spec.start_year, spec.start_year + spec.years)
    places_ss, panel_ss = np.random.SeedSequence(spec.seed).spawn(2)
    places = make_places(np.random.default_rng(places_ss), spec.lads, years)
    lad_codes = pa.array(places.lad_codes.tolist(), type=pa.string())

    n_chunks = -(-spec.enterprises // CHUNK)
    rows = 0
    with staged_dir(Path(out)) as stage:
        _write_csv(places.geography_table(), stage / GEOGRAPHY_FILE)
        _write_csv(places.population_table(), stage / POPULATION_FILE)
        with pq.ParquetWriter(stage / PANEL_FILE, PANEL_SCHEMA) as writer:
            for i, chunk_ss in enumerate(panel_ss.spawn(n_chunks)):
                first = i * CHUNK
                n = min(CHUNK, spec.enterprises - first)
                table = panel_chunk(
                    np.random.default_rng(chunk_ss),
                    n,
                    first + 1,
                    spec.start_year,
                    spec.years,
                    lad_codes,
                    places.weights,
                    cal,
                )
                writer.write_table(table, row_group_size=len(table) or 1)
                rows += len(table)
                if on_chunk is not None:
                    on_chunk(i + 1, n_chunks)
    areas = len({row[2] for row in places.area_rows})
    return SynthResult(Path(out), spec.enterprises, rows, spec.lads, areas, (years[0], years[-1]))


__all__ = ["Calibration", "SynthResult", "SynthSpec", "generate"]
