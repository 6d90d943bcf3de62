"""A synthetic firm panel: enterprises born, growing, moving, missing a year and dying.

The model is deliberately simple and fully vectorised (numpy arrays of one chunk of
enterprises by year); its parameters live in :class:`Calibration`, documented in
docs/performance.md. Each chunk of :data:`CHUNK` enterprises draws from its own random
stream, spawned from the seed by chunk number, so a panel is the same whatever the
machine, and the first chunks of a large panel equal those of a small one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from scaleup.tables import PANEL, names

CHUNK = 200_000
"""Enterprises per chunk (and per Parquet row group): fixed, so output never depends on it."""

_PANEL_TYPES = {
    "enterprise_id": pa.int64(),
    "year": pa.int32(),
    "lad_code": pa.string(),
    "employees": pa.int64(),
    "turnover": pa.int64(),
    "sic2007": pa.string(),
    "birth_year": pa.int32(),
}
PANEL_SCHEMA = pa.schema([(name, _PANEL_TYPES[name]) for name in names(PANEL)])
"""The panel contract's columns (:data:`scaleup.tables.PANEL`), in order, as Arrow types."""

# Common SIC 2007 subclasses (5 digits) with rough relative frequencies.
SIC_CODES: tuple[tuple[str, float], ...] = (
    ("62012", 4.0), ("62020", 5.0), ("70229", 6.0), ("41202", 4.0), ("43999", 4.0),
    ("47910", 3.0), ("56101", 3.0), ("68209", 5.0), ("82990", 5.0), ("96090", 3.0),
    ("86900", 2.0), ("69201", 2.0), ("71129", 2.0), ("73110", 1.5), ("49410", 2.0),
    ("10890", 0.6), ("25620", 1.0), ("46900", 2.0), ("45200", 2.0), ("85590", 1.5),
    ("88990", 1.0), ("74909", 2.0), ("93290", 1.0), ("55100", 1.0), ("01500", 1.0),
    ("33190", 0.8), ("28290", 0.5), ("58290", 0.5), ("72190", 0.5), ("21200", 0.2),
)  # fmt: skip


@dataclass(frozen=True)
class Calibration:
    """Parameters of the firm model; the defaults give an employment high-growth share of
    about 4.5% among enterprises with 10+ employees (OECD definition, 3-year window)."""

    incumbent_share: float = 0.37
    """Share of enterprises already trading in the first panel year; the rest are born
    uniformly over the later years."""
    incumbent_age_p: float = 0.12
    """Age of an incumbent at the first year: 1 + geometric(p) years."""
    hazard_young: float = 0.25
    """Yearly death probability in the first three years of life."""
    hazard_old: float = 0.12
    """Yearly death probability afterwards."""
    gap_rate: float = 0.015
    """Probability that a live enterprise is missing from a year (not its first or last)."""
    move_rate: float = 0.02
    """Yearly probability of moving LAD; most moves are to a neighbouring LAD."""
    log_size_incumbent: tuple[float, float] = (1.3, 1.3)
    """Mean and s.d. of log employment of incumbents in the first year."""
    log_size_birth: tuple[float, float] = (0.4, 0.9)
    """Mean and s.d. of log employment at birth."""
    drift_sd: float = 0.05
    """S.d. of each enterprise's own yearly growth trend (log points)."""
    shock_sd: float = 0.14
    """Scale of the yearly log-employment shock (Student t with 4 d.f., fat tailed)."""
    young_growth: float = 0.10
    """Extra yearly log growth of enterprises under five years old."""
    log_productivity: tuple[float, float] = (np.log(80.0), 0.7)
    """Log turnover per employee (GBP thousands): mean and s.d. across enterprises."""
    turnover_ar: float = 0.5
    """Persistence of the yearly turnover shock (AR(1))."""
    turnover_shock_sd: float = 0.13
    """S.d. of the yearly turnover shock (so turnover scaleups outnumber employment ones)."""


def _sic_table() -> tuple[pa.Array, np.ndarray]:
    codes = pa.array([code for code, _ in SIC_CODES], type=pa.string())
    weights = np.array([w for _, w in SIC_CODES])
    return codes, weights / weights.sum()


def panel_chunk(
    rng: np.random.Generator,
    n: int,
    first_id: int,
    start_year: int,
    n_years: int,
    lad_codes: pa.Array,
    lad_weights: np.ndarray,
    cal: Calibration,
) -> pa.Table:
    """Rows of ``n`` enterprises with ids ``first_id, first_id + 1, ...`` (sorted by id, year)."""
    n_lads = len(lad_codes)
    incumbent = rng.random(n) < cal.incumbent_share
    entry = np.zeros(n, dtype=np.int64)
    if n_years > 1:
        entry = np.where(incumbent, 0, rng.integers(1, n_years, n))
    else:
        incumbent[:] = True
    age_at_start = 1 + rng.geometric(cal.incumbent_age_p, n)
    birth_year = np.where(incumbent, start_year - age_at_start, start_year + entry)

    size = np.where(
        incumbent,
        rng.normal(*cal.log_size_incumbent, n),
        rng.normal(*cal.log_size_birth, n),
    )
    drift = rng.normal(0.0, cal.drift_sd, n)
    productivity = rng.normal(*cal.log_productivity, n)
    tshock = rng.normal(0.0, cal.turnover_shock_sd, n)
    lad = rng.choice(n_lads, size=n, p=lad_weights)
    sic, sic_p = _sic_table()
    sic_idx = rng.choice(len(sic), size=n, p=sic_p)

    alive = np.zeros((n, n_years), dtype=bool)
    employees = np.zeros((n, n_years), dtype=np.int64)
    turnover = np.zeros((n, n_years), dtype=np.int64)
    lad_by_year = np.zeros((n, n_years), dtype=np.int32)
    dead = np.zeros(n, dtype=bool)
    t_scale = cal.shock_sd / np.sqrt(2.0)  # a t(4) variable has variance 2
    for t in range(n_years):
        age = (start_year + t) - birth_year
        if t > 0:
            hazard = np.where(age <= 3, cal.hazard_young, cal.hazard_old)
            dead |= (entry < t) & (rng.random(n) < hazard)
            young = (age < 5) * cal.young_growth
            size = size + drift + young + t_scale * rng.standard_t(4, n)
            tshock = cal.turnover_ar * tshock + rng.normal(0.0, cal.turnover_shock_sd, n)
            move = rng.random(n) < cal.move_rate
            near = rng.random(n) < 0.7
            step = np.where(near, rng.choice([-1, 1], n), rng.integers(1, n_lads, n))
            lad = np.where(move, (lad + step) % n_lads, lad)
        alive[:, t] = (entry <= t) & ~dead
        headcount = np.exp(np.minimum(size, 13.0))  # at most ~440,000 employees
        employees[:, t] = np.floor(headcount).astype(np.int64)
        value = np.exp(productivity + tshock) * np.maximum(headcount, 0.3)
        turnover[:, t] = np.rint(np.minimum(value, 5e8)).astype(np.int64)
        lad_by_year[:, t] = lad

    # Gap years: a live enterprise missing from a year that is neither its first nor last.
    present = alive.copy()
    if n_years > 2:
        inner = alive[:, 1:-1] & alive[:, :-2] & alive[:, 2:]
        present[:, 1:-1] &= ~(inner & (rng.random((n, n_years - 2)) < cal.gap_rate))

    ent, yr = np.nonzero(present)  # row-major: sorted by enterprise, then year
    return pa.table(
        {
            "enterprise_id": pa.array(first_id + ent, type=pa.int64()),
            "year": pa.array((start_year + yr).astype(np.int32)),
            "lad_code": lad_codes.take(pa.array(lad_by_year[ent, yr])),
            "employees": pa.array(employees[ent, yr]),
            "turnover": pa.array(turnover[ent, yr]),
            "sic2007": sic.take(pa.array(sic_idx[ent])),
            "birth_year": pa.array(birth_year[ent].astype(np.int32)),
        },
        schema=PANEL_SCHEMA,
    )
