"""Files in -> ReviewTables (the four tables of tables.py + meta) -> files out.

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
from typing import Any

import ibis
import pandas as pd

from scaleup import engine
from scaleup.atomic import staged_dir
from scaleup.config import Settings
from scaleup.errors import InputError, Problem
from scaleup.ingest.counts import Counts, read_counts
from scaleup.ingest.geography import Geography, check_known, read_geography
from scaleup.ingest.panel import Panel, read_panel
from scaleup.ingest.population import check_covers, read_population
from scaleup.ingest.reading import Findings
from scaleup.metrics import areas, disclosure, scaleups
from scaleup.metrics.cells import flag, with_flags
from scaleup.metrics.compare import compare
from scaleup.metrics.density import densities
from scaleup.metrics.ratings import ratings
from scaleup.metrics.trend import trend_window, trends
from scaleup.tables import (
    AREA_SUMMARY,
    AREA_YEAR,
    COUNT_COLUMNS,
    LAD_COMPARE,
    LAD_YEAR,
    MEASURES,
    RATED_MEASURES,
    SUPPRESSED,
    TABLES,
)

STEPS = (
    "Reading and checking inputs",
    "Counting scaleups",
    "Disclosure control",
    "Densities, trends, comparisons and ratings",
)
META_FILE = "meta.json"
DENSITY_COLUMNS = tuple(f"density_{m}" for m in MEASURES)
MEASURES_COLUMN = "measures"
"""Extra column of area_summary: the measures its shares and ratings rest on."""


@dataclass(frozen=True)
class InputFiles:
    population: Path
    geography: Path
    panel: Path | None = None
    counts: Path | None = None


@dataclass
class ReviewTables:
    lad_year: pd.DataFrame
    lad_compare: pd.DataFrame
    area_year: pd.DataFrame
    area_summary: pd.DataFrame
    meta: dict


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
    backend = backend if backend is not None else engine.connect(settings.engine)
    checker = backend if backend.name == "duckdb" else engine.connect_duckdb(settings.engine)
    findings = Findings()
    geo = read_geography(inputs.geography, checker, findings)
    population = read_population(inputs.population, checker, findings)
    panel: Panel | None = None
    counts: Counts | None = None
    if inputs.panel is not None:
        panel = read_panel(inputs.panel, checker, findings)
    else:
        counts = read_counts(inputs.counts, checker, findings)
    years = _end_years(panel, counts, settings, findings)
    source = panel or counts
    if geo is not None and source is not None:
        check_known(geo, source.label, source.lad_first_row, source.parquet, findings)
    if geo is not None and population is not None and years:
        check_covers(population, geo.lad_codes, years, findings)
    findings.raise_if_any()
    assert geo is not None and population is not None and source is not None

    step(STEPS[1])
    if panel is not None:
        lad = _panel_counts(backend, checker, panel, geo, years, settings, force_float)
        measures = MEASURES
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
    tables = _derived(backend, lad, area, population, geo, years, measures, settings)
    tables.meta = _meta(inputs, settings, raw, controlled, measures, geo, years)
    return tables


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
    # The checked panel lives in the checking DuckDB; another engine gets a copy.
    table = panel.table
    if table is None:
        raise AssertionError("panel with problems reached counting")
    if backend is not checker:
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
    parts = ("employment", "turnover", "both")
    for m in parts:
        frame[m] = frame[m].astype("Int64")
        frame[flag(m)] = frame[flag(m)].fillna(False).astype(bool)
    known = pd.concat([frame[m].notna() | frame[flag(m)] for m in parts], axis=1).all(axis=1)
    frame["any"] = (frame["employment"] + frame["turnover"] - frame["both"]).astype("Int64")
    frame[flag("any")] = known & frame[[flag(m) for m in parts]].any(axis=1)
    return with_flags(frame[["lad_code", "year", *_flagged_columns()]])


def _flagged_columns() -> list[str]:
    return [c for m in COUNT_COLUMNS for c in (m, flag(m))]


def _values(frame: pd.DataFrame, key: str) -> ibis.Table:
    """A count table as an engine table of plain values (nulls where not a number)."""
    data = frame[[key, "year", *COUNT_COLUMNS]].copy()
    data["year"] = data["year"].astype("int64")
    schema = {key: "string", "year": "int64", **{m: "int64" for m in COUNT_COLUMNS}}
    return ibis.memtable(data, schema=schema)


def _derived(
    backend: Any,
    lad: pd.DataFrame,
    area: pd.DataFrame,
    population: pd.DataFrame,
    geo: Geography,
    years: list[int],
    measures: tuple[str, ...],
    settings: Settings,
) -> ReviewTables:
    last = max(years)
    pop = population[["lad_code", "year", "population"]].astype({"year": "int64"})
    apop = areas.area_population(pop, geo.members)
    pop_t = ibis.memtable(
        pop, schema={"lad_code": "string", "year": "int64", "population": "int64"}
    )
    apop_t = ibis.memtable(
        apop, schema={"area_code": "string", "year": "int64", "population": "int64"}
    )
    # Each stage runs on the engine and comes back as a small table: the next stage is
    # then a small expression (quick to compile, and the same on every engine).
    lad_d = backend.execute(densities(_values(lad, "lad_code"), pop_t, "lad_code"))
    area_d = backend.execute(densities(_values(area, "area_code"), apop_t, "area_code"))
    lad_dens = ibis.memtable(lad_d[["lad_code", "year", *DENSITY_COLUMNS]])
    area_dens = ibis.memtable(area_d[["area_code", "year", *DENSITY_COLUMNS]])
    lad_tr = backend.execute(trends(lad_dens, "lad_code", last, settings.metrics))
    a_trend = backend.execute(trends(area_dens, "area_code", last, settings.metrics))
    latest = lad_d[lad_d["year"] == last].merge(lad_tr, on="lad_code")
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "lad_code": latest["lad_code"],
                    "measure": m,
                    "density": latest[f"density_{m}"].astype("float64"),
                    "trend": latest[f"trend_{m}"].astype("float64"),
                }
            )
            for m in MEASURES
        ],
        ignore_index=True,
    )
    long_schema = {
        "lad_code": "string",
        "measure": "string",
        "density": "float64",
        "trend": "float64",
    }
    comp = backend.execute(compare(ibis.memtable(long, schema=long_schema)))
    rated = tuple(m for m in RATED_MEASURES if m in measures)
    members_t = ibis.memtable(
        geo.members[["area_code", "lad_code"]], schema={"area_code": "string", "lad_code": "string"}
    )
    flags = comp[["lad_code", "measure", "density_above_median", "trend_above_median"]]
    flags_t = ibis.memtable(
        flags,
        schema={
            "lad_code": "string",
            "measure": "string",
            "density_above_median": "boolean",
            "trend_above_median": "boolean",
        },
    )
    rate = backend.execute(ratings(flags_t, members_t, rated))

    lad_names = dict(zip(geo.lads["lad_code"], geo.lads["lad_name"], strict=True))
    area_names = dict(zip(geo.members["area_code"], geo.members["area_name"], strict=True))
    lad_year = _year_table(lad, lad_d, "lad_code", "lad_name", lad_names, LAD_YEAR)
    area_year = _year_table(area, area_d, "area_code", "area_name", area_names, AREA_YEAR)
    lad_compare = _compare_table(comp, lad, last, lad_names)
    area_summary = _summary_table(rate, a_trend, area_names, rated)
    return ReviewTables(lad_year, lad_compare, area_year, area_summary, meta={})


def _count_cell(value: Any, suppressed: bool) -> Any:
    if suppressed:
        return SUPPRESSED
    return None if pd.isna(value) else int(value)


def _float_cell(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _year_table(
    cells: pd.DataFrame,
    dens: pd.DataFrame,
    key: str,
    name_col: str,
    names: dict[str, str],
    columns: tuple[str, ...],
) -> pd.DataFrame:
    dens = dens.set_index([key, "year"])
    rows = []
    for rec in cells.sort_values([key, "year"]).to_dict("records"):
        d = dens.loc[(rec[key], int(rec["year"]))]
        row: dict[str, Any] = {key: rec[key], name_col: names[rec[key]], "year": int(rec["year"])}
        for m in COUNT_COLUMNS:
            row[m] = _count_cell(rec[m], rec[flag(m)])
        row["population"] = int(d["population"])
        for m in MEASURES:
            row[f"density_{m}"] = SUPPRESSED if rec[flag(m)] else _float_cell(d[f"density_{m}"])
        rows.append(row)
    return _frame(rows, columns)


def _compare_table(
    comp: pd.DataFrame, lad: pd.DataFrame, last: int, names: dict[str, str]
) -> pd.DataFrame:
    hidden = lad[lad["year"] == last].set_index("lad_code")
    order = {m: i for i, m in enumerate(MEASURES)}
    comp = comp.assign(_o=comp["measure"].map(order)).sort_values(["lad_code", "_o"])
    rows = []
    for rec in comp.to_dict("records"):
        suppressed = bool(hidden.loc[rec["lad_code"], flag(rec["measure"])])
        rows.append(
            {
                "lad_code": rec["lad_code"],
                "lad_name": names[rec["lad_code"]],
                "measure": rec["measure"],
                "density": SUPPRESSED if suppressed else _float_cell(rec["density"]),
                "trend": _float_cell(rec["trend"]),
                "density_median": _float_cell(rec["density_median"]),
                "trend_median": _float_cell(rec["trend_median"]),
                "density_above_median": _bool_cell(rec["density_above_median"]),
                "trend_above_median": _bool_cell(rec["trend_above_median"]),
                "quadrant": None if pd.isna(rec["quadrant"]) else rec["quadrant"],
            }
        )
    return _frame(rows, LAD_COMPARE)


def _bool_cell(value: Any) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)


def _int_cell(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _summary_table(
    rate: pd.DataFrame, a_trend: pd.DataFrame, names: dict[str, str], rated: tuple[str, ...]
) -> pd.DataFrame:
    trend_any = dict(zip(a_trend["area_code"], a_trend["trend_any"], strict=True))
    rows = []
    for rec in rate.sort_values("area_code").to_dict("records"):
        row = {"area_code": rec["area_code"], "area_name": names[rec["area_code"]]}
        row["n_lads"] = int(rec["n_lads"])
        for kind in ("density", "trend"):
            for m in RATED_MEASURES:
                row[f"{kind}_above_{m}"] = _int_cell(rec[f"{kind}_above_{m}"])
        for col in ("density_share", "trend_share"):
            row[col] = _float_cell(rec[col])
        for col in ("density_rating", "trend_rating"):
            row[col] = None if pd.isna(rec[col]) else rec[col]
        row["trend_any"] = _float_cell(trend_any.get(rec["area_code"]))
        row[MEASURES_COLUMN] = ";".join(rated)
        rows.append(row)
    return _frame(rows, (*AREA_SUMMARY, MEASURES_COLUMN))


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns), dtype=object)
    return frame.astype(object).where(frame.notna(), None)


def _meta(
    inputs: InputFiles,
    settings: Settings,
    raw: bool,
    controlled: bool,
    measures: tuple[str, ...],
    geo: Geography,
    years: list[int],
) -> dict[str, Any]:
    first, last = trend_window(max(years), settings.metrics)
    return {
        "published": not raw,
        "raw": raw,
        "supplier_controlled": controlled,
        "measures": list(measures),
        "rated_measures": [m for m in RATED_MEASURES if m in measures],
        "vintage": geo.vintage,
        "end_years": list(years),
        "trend_window": [first, last],
        "settings": {
            "metrics": settings.metrics.model_dump(mode="json"),
            "publication": settings.publication.model_dump(mode="json"),
            "engine": {"backend": settings.engine.backend},
        },
        "inputs": {
            k: Path(v).name
            for k, v in (
                ("panel", inputs.panel),
                ("counts", inputs.counts),
                ("population", inputs.population),
                ("geography", inputs.geography),
            )
            if v is not None
        },
    }


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
    with staged_dir(Path(out)) as stage:
        for name in TABLES:
            frame: pd.DataFrame = getattr(tables, name)
            with open(stage / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(list(frame.columns))
                for row in frame.itertuples(index=False, name=None):
                    writer.writerow([_text(v) for v in row])
        (stage / META_FILE).write_text(
            json.dumps(tables.meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )


INT_COLUMNS = frozenset(
    {"year", "population", "n_lads", *COUNT_COLUMNS}
    | {f"{k}_above_{m}" for k in ("density", "trend") for m in RATED_MEASURES}
)
BOOL_COLUMNS = frozenset({"density_above_median", "trend_above_median"})
FLOAT_COLUMNS = frozenset(
    {f"density_{m}" for m in MEASURES}
    | {"density", "trend", "density_median", "trend_median", "density_share", "trend_share"}
    | {"trend_any"}
)


def _parse(column: str, text: str) -> Any:
    if text == "":
        return None
    if text == SUPPRESSED:
        return SUPPRESSED
    if column in INT_COLUMNS:
        return int(text)
    if column in FLOAT_COLUMNS:
        return float(text)
    if column in BOOL_COLUMNS:
        return text == "true"
    return text


def read_tables(folder: Path) -> ReviewTables:
    """The tables written by :func:`write_tables` (``[c]`` kept, empty cells None)."""
    folder = Path(folder)
    frames = {}
    for name in TABLES:
        with open(folder / f"{name}.csv", newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = [{c: _parse(c, v) for c, v in zip(header, row, strict=True)} for row in reader]
        frames[name] = _frame(rows, tuple(header))
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    return ReviewTables(meta=meta, **frames)
