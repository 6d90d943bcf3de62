"""`scaleup init`: a new workspace, from the demo review or from a geography file.

Content files made from a geography say only what the geography says (the area's name
and its local authorities); the review team writes the narrative.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from scaleup.atomic import staged_dir
from scaleup.errors import InputError, Problem
from scaleup.publish.format import plural, plural_noun
from scaleup.workspace import CONTENT_DIR, DATA_DIR, AreaContent, render_content

DEMO = Path(__file__).resolve().parents[1] / "demo" / "workspace"
AREA_KINDS = {
    "lep": "Local Enterprise Partnership",
    "combined_authority": "combined authority",
    "region": "region",
}
TOML = """# A review workspace: `scaleup build` reads this file, data/ and content/.
[review]
title = "{title}"
year = {year}

[inputs]
# Paths are relative to this folder; give `counts` (aggregate counts) or `panel` (firm panel).
# counts = "data/counts.csv"
# population = "data/population.csv"
geography = "data/geography.csv"

[metrics]
growth_rate = "1/5"
window = 3
min_employees = 10
trend = "endpoints"
trend_years = 4

[publication]
threshold = 10
rounding = 5
"""


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class StarterArea:
    """What a geography file says about one area: its name, type and member LADs."""

    name: str
    type: str | None
    lads: list[tuple[str, str]] = field(default_factory=list)  # (code, name)


def read_areas(geography: Path) -> dict[str, StarterArea]:
    """Areas of a geography file, checked as `compute` checks it (every problem with its
    line, exit 2): code -> name, type and member LADs (code, name)."""
    from scaleup.config import EngineSettings
    from scaleup.engine import connect_duckdb
    from scaleup.ingest.geography import read_geography
    from scaleup.ingest.reading import Findings

    findings = Findings()
    geo = read_geography(Path(geography), connect_duckdb(EngineSettings()), findings)
    findings.raise_if_any()
    assert geo is not None
    names = geo.lad_names
    areas: dict[str, StarterArea] = {}
    for code, name, lad in geo.members[["area_code", "area_name", "lad_code"]].itertuples(
        index=False
    ):
        area = areas.setdefault(code, StarterArea(name, geo.area_types.get(code)))
        area.lads.append((lad, names[lad]))
    return areas


def stub_content(code: str, areas: dict[str, StarterArea], order: int | None = None) -> str:
    """A content file that states what the geography says about the area, nothing more."""
    area = areas[code]
    lads = area.lads
    kind = AREA_KINDS.get(area.type or "", (area.type or "area").replace("_", " "))
    names = sorted(name for _c, name in lads)
    same = sum(1 for a in areas.values() if a.type == area.type)
    text = (
        f"{area.name} is "
        + (f"the one {kind}" if same == 1 else f"one of the {same} {plural_noun(kind)}")
        + f" of this review. It brings together {len(lads)} "
        f"{plural(len(lads), 'local authority district', 'local authority districts')}"
        + (f": {_and(names)}." if len(names) > 1 else f", {names[0]}." if names else ".")
    )
    shared = []
    for lad_code, lad_name in sorted(lads, key=lambda x: x[1]):
        others = [a.name for c, a in areas.items() if c != code and lad_code in dict(a.lads)]
        if others:
            shared.append(f"{lad_name} (also in {_and(others)})")
    if shared:
        text += f" Some districts belong to two areas and count in full in each: {_and(shared)}."
    return render_content(AreaContent(code=code, order=order, introduction=text))


def init_workspace(folder: Path, *, geography: Path | None, title: str, year: int) -> int:
    """Make the workspace; returns the number of content files. Nothing is written on error."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(Problem(str(folder), "already exists and is not empty"))
    with staged_dir(folder) as stage:
        if geography is None:
            for item in ("scaleup.toml", DATA_DIR, CONTENT_DIR):
                source = DEMO / item
                if source.is_dir():
                    shutil.copytree(source, stage / item)
                else:
                    shutil.copy2(source, stage / item)
            return len(list((DEMO / CONTENT_DIR).glob("*.md")))
        areas = read_areas(Path(geography))
        if not areas:
            raise InputError(Problem(str(geography), "no areas (area_code is empty everywhere)"))
        (stage / DATA_DIR).mkdir()
        (stage / CONTENT_DIR).mkdir()
        name = "geography" + Path(geography).suffix.lower()
        shutil.copy2(geography, stage / DATA_DIR / name)
        toml = TOML.format(title=title.replace('"', "'"), year=int(year))
        (stage / "scaleup.toml").write_text(
            toml.replace("data/geography.csv", f"data/{name}"), encoding="utf-8"
        )
        for code in areas:
            (stage / CONTENT_DIR / f"{code}.md").write_text(
                stub_content(code, areas), encoding="utf-8"
            )
    return len(areas)
