"""Golden output: a small fixed review, compared with the committed tables.

A change to any published figure shows up as a reviewed diff. To regenerate after an
intended change: ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/metrics/test_golden.py``, then
review ``git diff tests/metrics/golden``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

from scaleup.pipeline import compute_review, write_tables
from scaleup.tables import TABLES

from .oracle import Rules, World
from .worlds import area, lad, population_for, settings_of, write_world

GOLDEN = Path(__file__).parent / "golden"
UPDATE = "UPDATE_GOLDEN"


def fixed_world() -> World:
    rng = random.Random(2021)
    lads = [lad(i) for i in range(1, 7)]
    panel = []
    for e in range(1500):
        home = rng.choice(lads)
        emp, turn = rng.choice([8, 10, 12, 20, 40, 125]), rng.randint(0, 3000)
        for y in range(2012, 2020):
            if rng.random() < 0.05:
                continue
            if rng.random() < 0.02:
                home = rng.choice(lads)
            panel.append((f"ENT{e:05d}", y, home, emp, turn))
            emp = int(emp * rng.choice([0.9, 1.0, 1.2, 1.25, 1.3]))
            turn = int(turn * rng.choice([0.8, 1.0, 1.2, 1.3, 1.5]))
    return World(
        panel=panel,
        population=population_for(lads, range(2012, 2020), rng),
        areas={area(1): lads[:4], area(2): lads[3:]},
        lad_names={x: f"District {x[-1]}" for x in lads},
        area_names={area(1): "North", area(2): "South"},
    )


def test_published_tables_match_golden(backend, tmp_path):
    inputs = write_world(fixed_world(), tmp_path / "in")
    tables = compute_review(inputs, settings_of(Rules()), backend=backend)
    out = tmp_path / "out"
    write_tables(tables, out)
    if os.environ.get(UPDATE):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    for name in TABLES:
        got = (out / f"{name}.csv").read_text()
        assert got == (GOLDEN / f"{name}.csv").read_text(), f"{name}.csv differs from golden"
    meta = json.loads((out / "meta.json").read_text())
    meta["settings"]["engine"] = json.loads((GOLDEN / "meta.json").read_text())["settings"][
        "engine"
    ]
    assert meta == json.loads((GOLDEN / "meta.json").read_text())
