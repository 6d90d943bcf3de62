"""`scaleup init`: a new workspace, from the demo review or from a geography file.

Content files made from a geography say only what the geography says (the area's name
and its local authorities); the review team writes the narrative.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from scaleup.atomic import staged_dir
from scaleup.errors import InputError, Problem
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


def read_areas(geography: Path) -> dict[str, dict[str, object]]:
    """Areas of a geography file: code -> name, type and member LAD names (in file order)."""
    try:
        if geography.suffix.lower() == ".parquet":
            frame = pd.read_parquet(geography)
        else:
            frame = pd.read_csv(geography, dtype=str, encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise InputError(Problem(str(geography), f"cannot be read: {exc}")) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("lad_code", "lad_name", "area_code", "area_name") if c not in frame]
    if missing:
        raise InputError(Problem(str(geography), f"missing column(s): {', '.join(missing)}"))
    frame = frame.dropna(subset=["area_code"])
    areas: dict[str, dict[str, object]] = {}
    for row in frame.itertuples():
        area = areas.setdefault(
            row.area_code,
            {"name": row.area_name, "type": getattr(row, "area_type", None), "lads": []},
        )
        area["lads"].append((row.lad_code, row.lad_name))  # type: ignore[union-attr]
    return areas


def stub_content(code: str, areas: dict[str, dict[str, object]], order: int | None = None) -> str:
    """A content file that states what the geography says about the area, nothing more."""
    area = areas[code]
    lads: list[tuple[str, str]] = area["lads"]  # type: ignore[assignment]
    kind = AREA_KINDS.get(str(area.get("type") or ""), "area")
    names = sorted(name for _c, name in lads)
    text = (
        f"{area['name']} is one of the {len(areas)} {kind} areas of this review. It brings "
        f"together {len(lads)} local authority district{'s' if len(lads) != 1 else ''}: "
        f"{_and(names)}."
    )
    shared = []
    for lad_code, lad_name in sorted(lads, key=lambda x: x[1]):
        others = [str(a["name"]) for c, a in areas.items()
                  if c != code and lad_code in {x for x, _ in a["lads"]}]  # type: ignore[attr-defined]  # fmt: skip
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
            areas = {p.stem: {} for p in (DEMO / CONTENT_DIR).glob("*.md")}
            return len(areas)
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
