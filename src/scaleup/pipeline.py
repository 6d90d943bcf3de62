"""Files in -> ReviewTables (the four tables of tables.py + meta + area trends) -> files out.

``compute_review`` reads and checks every input (all problems at once, before any work),
counts scaleups with the configured engine, applies disclosure control unless ``raw``,
derives densities, trends, comparisons and ratings from the (controlled) counts, and
returns the tables in memory. Cells hold Python values: ``int``/``float`` numbers,
``True``/``False``, ``"[c]"`` for suppressed and ``None`` for not available.
``write_tables`` writes them atomically; ``read_tables`` reads them back.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from scaleup import engine
from scaleup.atomic import NotOwned, checkpoint, replaced_dir
from scaleup.config import Settings
from scaleup.errors import InputError, Problem
from scaleup.ingest.counts import Counts, read_counts
from scaleup.ingest.geography import Geography, check_known, read_geography
from scaleup.ingest.panel import Panel, read_panel
from scaleup.ingest.population import check_covers, read_population
from scaleup.ingest.reading import Findings, drop_temporary
from scaleup.meta import META_FILE, AreaTrends, EngineUsed, ReviewMeta, SettingsUsed
from scaleup.metrics import areas, disclosure, scaleups
from scaleup.metrics.cells import derive_any, with_flags
from scaleup.metrics.review import (
    MEASURES_COLUMN,
    Places,
    Tables,
    cell_frame,
    derive,
    year_medians,
)
from scaleup.metrics.trend import trend_window
from scaleup.tables import (
    MEASURES,
    RATED_MEASURES,
    SUPPRESSED,
    TABLES,
    output_kind,
)

STEPS = (
    "Reading and checking inputs",
    "Counting scaleups",
    "Disclosure control",
    "Densities, trends, comparisons and ratings",
)
if TYPE_CHECKING:
    from scaleup.workspace import Workspace

__all__ = [
    "MEASURES_COLUMN",
    "InputFiles",
    "ReviewTables",
    "compute_review",
    "read_tables",
    "write_tables",
]


@dataclass(frozen=True)
class InputFiles:
    population: Path
    geography: Path
    panel: Path | str | None = None
    """A local file, or (Spark engine) a folder of part files or a Hadoop path (str)."""
    counts: Path | None = None

    @classmethod
    def of(cls, workspace: Workspace) -> InputFiles:
        """The input files a workspace's ``[inputs]`` names (resolved by load_workspace)."""
        found = workspace.inputs
        return cls(
            population=found["population"],
            geography=found["geography"],
            panel=found.get("panel") or workspace.panel_url,
            counts=found.get("counts"),
        )


@dataclass
class ReviewTables(Tables):
    """The four tables of metrics.review.Tables, with what they were made from and each
    area's trend per measure (together, meta.json)."""

    meta: ReviewMeta
    area_trends: AreaTrends


def compute_review(
    inputs: InputFiles,
    settings: Settings,
    *,
    raw: bool = False,
    on_step: Callable[[str], None] | None = None,
    force_float: bool = False,
    backend: Any | None = None,
) -> ReviewTables:
    """The review's tables from contract input files (see the module docstring).

    ``backend`` is an Ibis backend to run on instead of ``engine.connect(settings.engine)``;
    ``force_float`` takes the double-plus-exact-recheck growth path (for tests).
    """
    step = on_step or (lambda _s: None)
    if (inputs.panel is None) == (inputs.counts is None):
        raise InputError(Problem(None, "give exactly one of a firm panel or a counts file"))
    step(STEPS[0])
    # The small inputs are checked in DuckDB. The panel is read and checked by the engine
    # that counts: DuckDB, or the cluster (Spark) where it lies (the driver then fetches
    # only small tables from it).
    if backend is not None and backend.name == "duckdb":
        checker = backend
    else:
        checker = engine.connect_duckdb(settings.engine)
    if backend is None and settings.engine.backend == "duckdb":
        backend = checker
    if backend is None and inputs.panel is not None:
        backend = engine.connect(settings.engine)
    findings = Findings()
    try:
        return _compute(inputs, settings, raw, step, force_float, backend, checker, findings)
    finally:
        drop_temporary(findings)


def _compute(
    inputs: InputFiles,
    settings: Settings,
    raw: bool,
    step: Callable[[str], None],
    force_float: bool,
    backend: Any | None,
    checker: Any,
    findings: Findings,
) -> ReviewTables:
    geo = read_geography(inputs.geography, checker, findings)
    population = read_population(inputs.population, checker, findings)
    panel: Panel | None = None
    counts: Counts | None = None
    if inputs.panel is not None:
        reader = backend if engine.reads_in_cluster(backend) else checker
        panel = read_panel(inputs.panel, reader, findings)
    elif inputs.counts is not None:
        counts = read_counts(inputs.counts, checker, findings)
    years = _end_years(panel, counts, settings, findings)
    source = panel or counts
    if geo is not None and source is not None:
        files = panel.files if panel is not None else ()
        check_known(geo, source.label, source.lad_first_row, source.parquet, findings, files)
    if geo is not None and population is not None and years:
        check_covers(population, geo.lad_codes, years, findings)
    findings.raise_if_any()
    assert geo is not None and population is not None and source is not None
    backend = backend if backend is not None else engine.connect(settings.engine)

    step(STEPS[1])
    if panel is not None:
        lad = _panel_counts(backend, checker, panel, geo, years, settings, force_float)
        measures: tuple[str, ...] = MEASURES
        controlled = False
    else:
        assert counts is not None
        lad = _given_counts(counts, geo, years)
        measures = tuple(
            m for m in MEASURES if m in counts.measures or (m == "any" and _has_any(counts))
        )
        controlled = counts.controlled
    members = geo.members
    area = areas.area_counts(lad, members)

    step(STEPS[2])
    if not raw and not controlled:
        lad, area = disclosure.publish(
            lad, area, members, settings.publication.threshold, settings.publication.rounding
        )

    step(STEPS[3])
    population = population[population["year"].isin(years)]
    # The LAD and area tables are small: on a cluster engine they stay in the driver.
    derived, area_trends = derive(
        checker if engine.reads_in_cluster(backend) else backend,
        lad,
        area,
        population,
        Places(lad_names=geo.lad_names, members=geo.members),
        years,
        measures,
        settings.metrics,
    )
    medians = year_medians(lad, population, years)
    meta = _meta(inputs, settings, raw, controlled, measures, geo, years, medians)
    return ReviewTables(**vars(derived), meta=meta, area_trends=area_trends)


def _end_years(
    panel: Panel | None, counts: Counts | None, settings: Settings, findings: Findings
) -> list[int]:
    if panel is not None:
        years = scaleups.end_years(panel.first_year, panel.last_year, settings.metrics.window)
        if not years:
            findings.add(
                Problem(
                    panel.label,
                    f"covers {panel.first_year}-{panel.last_year}, fewer than the "
                    f"{settings.metrics.window + 1} years a {settings.metrics.window}-year "
                    "window needs",
                )
            )
        return years
    if counts is not None:
        return sorted(int(y) for y in counts.table["year"].dropna().unique())
    return []


def _has_any(counts: Counts) -> bool:
    return all(m in counts.measures for m in ("employment", "turnover", "both"))


def _panel_counts(
    backend: Any,
    checker: Any,
    panel: Panel,
    geo: Geography,
    years: list[int],
    settings: Settings,
    force_float: bool,
) -> pd.DataFrame:
    # The checked panel lives in the engine that read it; a non-cluster engine other
    # than the checking DuckDB (not used by the command line) gets a copy.
    table = panel.table
    if table is None:
        raise AssertionError("panel with problems reached counting")
    if backend is not checker and not engine.reads_in_cluster(backend):
        table = ibis.memtable(checker.to_pyarrow(table))
    expr = scaleups.lad_year_counts(
        backend,
        table,
        settings.metrics,
        max_employees=panel.max_employees,
        max_turnover=panel.max_turnover,
        force_float=force_float,
    )
    found = backend.execute(expr)
    return with_flags(scaleups.complete(found, geo.lad_codes, years))


def _given_counts(counts: Counts, geo: Geography, years: list[int]) -> pd.DataFrame:
    """Supplier counts on the full LAD x year grid (a missing row is not available)."""
    grid = pd.MultiIndex.from_product([sorted(geo.lad_codes), years], names=["lad_code", "year"])
    frame = counts.table.astype({"year": "int64"}).set_index(["lad_code", "year"])
    frame = frame.reindex(grid).reset_index()
    return derive_any(frame)


def _meta(
    inputs: InputFiles,
    settings: Settings,
    raw: bool,
    controlled: bool,
    measures: tuple[str, ...],
    geo: Geography,
    years: list[int],
    medians: tuple[dict[str, Any], ...],
) -> ReviewMeta:
    return ReviewMeta(
        medians=medians,
        published=not raw,
        raw=raw,
        supplier_controlled=controlled,
        measures=measures,
        rated_measures=tuple(m for m in RATED_MEASURES if m in measures),
        vintage=geo.vintage,
        end_years=tuple(years),
        trend_window=trend_window(max(years), settings.metrics),
        settings=SettingsUsed(
            metrics=settings.metrics,
            publication=settings.publication,
            engine=EngineUsed(backend=settings.engine.backend),
        ),
        inputs={
            k: Path(v).name
            for k, v in (
                ("panel", inputs.panel),
                ("counts", inputs.counts),
                ("population", inputs.population),
                ("geography", inputs.geography),
            )
            if v is not None
        },
    )


# --- files ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(value)
    return str(value)


def write_tables(tables: ReviewTables, out: Path) -> None:
    """The four CSVs and meta.json into ``out``, atomically (all or nothing)."""
    if Path(out).exists() and not Path(out).is_dir():
        raise InputError(Problem(str(out), "is a file; --out needs a folder (or a new name)"))
    files = {f"{name}.csv" for name in TABLES} | {META_FILE}
    try:
        with replaced_dir(Path(out), files) as stage:
            _write_into(tables, stage)
    except NotOwned as exc:
        raise InputError(
            Problem(str(out), f"{exc}; --out needs a new or empty folder, or one compute wrote")
        ) from None


def _write_into(tables: ReviewTables, stage: Path) -> None:
    for n, name in enumerate(TABLES):
        if n == 1:
            checkpoint("writing")
        frame: pd.DataFrame = getattr(tables, name)
        with open(stage / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(list(frame.columns))
            for row in frame.itertuples(index=False, name=None):
                writer.writerow([_text(v) for v in row])
    (stage / META_FILE).write_text(
        json.dumps(tables.meta.file_json(tables.area_trends), indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )


def _parse(column: str, text: str) -> Any:
    if text == "":
        return None
    if text == SUPPRESSED:
        return SUPPRESSED
    kind = output_kind(column)
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return text == "true"
    return text


def read_tables(folder: Path) -> ReviewTables:
    """The tables written by :func:`write_tables` (``[c]`` kept, empty cells None).

    A missing file, a missing contract column or a malformed cell is an InputError that
    names the file and line.
    """
    folder = Path(folder)
    problems: list[Problem] = []
    frames = {}
    for name, columns in TABLES.items():
        path = folder / f"{name}.csv"
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                reader = csv.reader(fh)
                header = next(reader, [])
                rows = []
                for line, row in enumerate(reader, start=2):
                    if len(row) != len(header):
                        problems.append(
                            Problem(
                                path.name, f"{len(row)} values, expected {len(header)}", (line,)
                            )
                        )
                        continue
                    try:
                        rows.append({c: _parse(c, v) for c, v in zip(header, row, strict=True)})
                    except ValueError as exc:
                        problems.append(Problem(path.name, f"not a number: {exc}", (line,)))
        except FileNotFoundError:
            problems.append(Problem(str(path), "missing (write it with scaleup compute)"))
            continue
        missing = [c for c in columns if c not in header]
        if missing:
            problems.append(Problem(path.name, f"missing columns: {', '.join(missing)}", (1,)))
        frames[name] = cell_frame(rows, tuple(header))
    meta_file = folder / META_FILE
    try:
        meta, trends = ReviewMeta.from_file_json(
            json.loads(meta_file.read_text(encoding="utf-8")), str(meta_file)
        )
    except FileNotFoundError:
        problems.append(Problem(str(meta_file), "missing (write it with scaleup compute)"))
    except json.JSONDecodeError as exc:
        problems.append(Problem(str(meta_file), f"not valid JSON: {exc}"))
    except InputError as exc:
        problems += exc.problems()
    if problems:
        raise InputError(problems)
    return ReviewTables(meta=meta, area_trends=trends, **frames)
