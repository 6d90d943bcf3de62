"""The demo's synthetic UpScaler cohort: made-up records whose KPIs are the seed page's figures.

Not real data. Every participant, follow-up and survey row carries ``synthetic=true``
and every KPI note computed from it starts "synthetic cohort". The records are drawn
with a fixed seed, then tuned so the published figures of the ScaleUp Annual Review
2021 (D2N2 page) come out with ``min_hours = 12``: 230 companies supported, turnover at
entry 480,000 (GBP thousands), 3,750 employees, 49% reporting higher turnover, 49 FTE
jobs, 39 graduate placements, a 63% rise in mean leadership confidence, two-thirds of
paired respondents more confident, and five sectors.

So the rules matter, the cohort also holds three participants below the hours (with
follow-ups and surveys that must not count), companies with no follow-up, with an
unanswered follow-up, with two follow-ups (the latest counts), respondents with only
one wave, answers on 1-5 and 1-10 scales, and unchanged (tied) scores.

Regenerate the shipped files with ``python -m scaleup.impact.synthetic [DIR]``.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from scaleup.atomic import staged_dir
from scaleup.tables import COHORT, names

SEED = 2021
PROGRAMME = "UpScaler"
MIN_HOURS = 12
SUPPORTED = 230
EMPLOYEES = 3750
TURNOVER = 480_000  # GBP thousands
TURNOVER_ANSWERS = {"up": 98, "same": 72, "down": 30}  # 98 / 200 answered = 0.49
NO_FOLLOWUP, UNANSWERED = 20, 10  # 200 + 20 + 10 = 230
JOBS_FTE, GRADUATES = 49, 39
PAIRED, ROSE, TIED = 150, 100, 30  # 100 / 150 = two-thirds; 20 fell
CONFIDENCE_CHANGE = Fraction(63, 100)
DEMO_DIR = Path(__file__).resolve().parents[1] / "demo" / "workspace" / "data" / "impact"

SECTORS = (  # (sic_from, sic_to, sector, SIC codes drawn for it, companies supported)
    ("25000", "30999", "Engineering / Advanced Engineering",
     ("25620", "26511", "27120", "28290", "29320", "30300"), 70),
    ("58000", "63999", "Technology & Communications",
     ("58290", "61900", "62012", "62020", "63110"), 55),
    ("69000", "71999", "Professional services", ("69201", "70229", "71121"), 35),
    ("73000", "74999", "Professional services", ("73110", "74909"), 15),
    ("21000", "21999", "Life Sciences & Biotech", ("21100", "21200"), 20),
    ("72110", "72110", "Life Sciences & Biotech", ("72110",), 10),
    ("86000", "88999", "Healthcare", ("86210", "86900", "87100"), 25),
)  # fmt: skip
BELOW_HOURS = ((4.0, None), (8.5, "47910"), (11.5, "62020"))  # hours, SIC (retail = Other)

# The cohort contract's columns (scaleup.tables.COHORT), in order; every row marked synthetic.
PARTICIPANT_COLUMNS = names(COHORT["participants"], without=("leader_gender",))
FOLLOWUP_COLUMNS = (*names(COHORT["followups"]), "synthetic")
SURVEY_COLUMNS = (*names(COHORT["survey"]), "synthetic")
SECTOR_COLUMNS = names(COHORT["sectors"])
D2N2_LADS = ("E06000015", "E06000018", "E07000032", "E07000036", "E07000170", "E07000176")


def _allocate(rng: random.Random, n: int, total: int, minimum: int, spread: int) -> list[int]:
    """n whole numbers >= minimum, skewed (a few large), summing exactly to total.

    Integer arithmetic only, so the files are the same on every platform.
    """
    weights = [rng.randint(1, spread) * rng.randint(1, spread) for _ in range(n)]
    spare = total - minimum * n
    shares = [Fraction(spare * w, sum(weights)) for w in weights]
    values = [minimum + int(s) for s in shares]
    by_remainder = sorted(range(n), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in by_remainder[: total - sum(values)]:
        values[i] += 1
    return values


def _spread(rng: random.Random, total: float, steps: list[float], n: int) -> list[float]:
    """n positive values from ``steps`` summing exactly to ``total`` (the last one adjusts)."""
    values = [rng.choice(steps) for _ in range(n - 1)]
    while sum(values) >= total:
        values[values.index(max(values))] = min(steps)
    return values + [total - sum(values)]


def _participants(rng: random.Random) -> list[dict]:
    codes = [rng.choice(choices) for *_, choices, count in SECTORS for _ in range(count)]
    rng.shuffle(codes)
    employees = _allocate(rng, SUPPORTED, EMPLOYEES, 3, 12)
    turnover = _allocate(rng, SUPPORTED, TURNOVER, 250, 15)
    rows = []
    for i in range(SUPPORTED + len(BELOW_HOURS)):
        below = i >= SUPPORTED
        if below:
            hours, sic = BELOW_HOURS[i - SUPPORTED]
        else:
            hours, sic = rng.choice([12, 12, 14, 18, 24, 36]), codes[i]
        rows.append(
            {
                "enterprise_id": f"UPS{i + 1:04d}",
                "programme": PROGRAMME,
                "joined": date(2017, 4, 1) + timedelta(days=rng.randrange(4 * 365)),
                "support_hours": hours,
                "employees_at_entry": 25 if below else employees[i],
                "turnover_at_entry": 3000 if below else turnover[i],
                "sic2007": sic,
                "area_code": rng.choice(D2N2_LADS),
            }
        )
    order = list(range(len(rows)))  # the below-hours participants sit among the others
    rng.shuffle(order)
    for new, row in zip(order, rows, strict=True):
        row["enterprise_id"] = f"UPS{new + 1:04d}"
    return sorted(rows, key=lambda r: r["enterprise_id"])


def _followups(rng: random.Random, supported: list[dict], below: list[dict]) -> list[dict]:
    firms = list(supported)
    rng.shuffle(firms)
    answers = [a for a, n in TURNOVER_ANSWERS.items() for _ in range(n)]
    answered = firms[: len(answers)]
    unanswered = firms[len(answers) : len(answers) + UNANSWERED]  # the rest: no follow-up
    ids = [f["enterprise_id"] for f in answered]
    jobs = dict(
        zip(rng.sample(ids, 32), _spread(rng, JOBS_FTE, [0.5, 1, 1.5, 2, 3], 32), strict=True)
    )
    grads = dict(zip(rng.sample(ids, 24), _spread(rng, GRADUATES, [1, 1, 2, 3], 24), strict=True))
    rows = []

    def add(firm: dict, days: int, change: str | None, fte, placements) -> None:
        rows.append(
            {
                "enterprise_id": firm["enterprise_id"],
                "programme": PROGRAMME,
                "followed_up": firm["joined"] + timedelta(days=days),
                "turnover_change": change,
                "new_jobs_fte": fte,
                "graduate_placements": placements,
            }
        )

    latest = {}
    for firm, change in zip(answered, answers, strict=True):
        e = firm["enterprise_id"]
        latest[e] = change
        add(firm, 365, change, jobs.get(e, 0), int(grads.get(e, 0)))
    for firm in rng.sample(answered, 25):  # an earlier follow-up, replaced by the latest
        earlier = {"up": "same", "same": "up", "down": "up"}[latest[firm["enterprise_id"]]]
        add(firm, 180, earlier, 0.5, 1)
    for k, firm in enumerate(unanswered):
        add(firm, 365, None, None if k % 2 else 0, None if k % 2 else 0)
    for firm in below:  # below the hours: must not count
        add(firm, 365, "up", 5, 2)
    return sorted(rows, key=lambda r: (r["enterprise_id"], r["followed_up"]))


def _pair(rng: random.Random, role: str, before_scale: int, after_scale: int) -> list[int]:
    """[before score, after score] of one paired respondent with the given outcome."""
    low = [1, 2, 2, 2, 3, 3] if before_scale == 5 else [2, 3, 4, 4, 5, 6]
    before = rng.choice(low)
    if role == "fell":
        before = max(before, 2)
        return [before, before * after_scale // before_scale - 1]
    if role == "tied":
        return [before, before * after_scale // before_scale]
    high = [4, 4, 5] if after_scale == 5 else [7, 8, 8, 9]
    after = max(rng.choice(high), before * after_scale // before_scale + 1)
    return [before, after]


def _norm(score: int, scale: int) -> Fraction:
    return Fraction(score, scale)


def _tune(pairs: list[dict]) -> None:
    """Nudge risers' after-scores until mean(after)/mean(before) - 1 is just >= 63%."""

    def change() -> Fraction:
        after = sum((_norm(p["after"], p["after_scale"]) for p in pairs), Fraction(0))
        before = sum((_norm(p["before"], p["before_scale"]) for p in pairs), Fraction(0))
        return after / before - 1

    risers = [p for p in pairs if p["role"] == "rose"]
    k = 0
    while change() > CONFIDENCE_CHANGE:
        p = risers[k % len(risers)]
        if _norm(p["after"] - 1, p["after_scale"]) > _norm(p["before"], p["before_scale"]):
            p["after"] -= 1
        k += 1
    while change() < CONFIDENCE_CHANGE:
        p = risers[k % len(risers)]
        if p["after"] < p["after_scale"]:
            p["after"] += 1
        k += 1


def _survey(rng: random.Random, supported: list[dict], below: list[dict]) -> list[dict]:
    firms = list(supported)
    rng.shuffle(firms)
    roles = ["rose"] * ROSE + ["tied"] * TIED + ["fell"] * (PAIRED - ROSE - TIED)
    rng.shuffle(roles)
    pairs: list[dict[str, Any]] = []
    for k, (firm, role) in enumerate(zip(firms[:PAIRED], roles, strict=True)):
        scales = (5, 10) if k % 25 == 0 else rng.choice([(5, 5), (5, 5), (10, 10)])
        before, after = _pair(rng, role, *scales)
        pairs.append({"firm": firm, "role": role, "before": before, "after": after,
                      "before_scale": scales[0], "after_scale": scales[1]})  # fmt: skip
    _tune(pairs)
    rows = []

    def add(firm: dict, wave: str, score: int, scale: int, question: str = "") -> None:
        rows.append(
            {
                "enterprise_id": firm["enterprise_id"],
                "programme": PROGRAMME,
                "wave": wave,
                "question": question or "leadership_confidence",
                "score": score,
                "scale_max": scale,
            }
        )

    for p in pairs:
        add(p["firm"], "before", p["before"], p["before_scale"])
        add(p["firm"], "after", p["after"], p["after_scale"])
    for firm in firms[PAIRED : PAIRED + 10]:  # only the before wave
        add(firm, "before", rng.choice([2, 3]), 5)
    for firm in firms[PAIRED + 10 : PAIRED + 15]:  # only the after wave
        add(firm, "after", rng.choice([4, 5]), 5)
    for firm in firms[:40]:  # another question: not part of the confidence KPIs
        add(firm, "before", rng.choice([2, 3]), 5, "strategic_awareness")
        add(firm, "after", rng.choice([3, 4, 5]), 5, "strategic_awareness")
    for firm in below:  # below the hours: must not count
        add(firm, "before", 1, 5)
        add(firm, "after", 5, 5)
    return sorted(rows, key=lambda r: (r["enterprise_id"], r["question"], r["wave"] != "before"))


def synthetic_cohort(seed: int = SEED) -> dict[str, tuple[tuple[str, ...], list[dict]]]:
    """The four files' columns and rows: participants, followups, survey, sectors."""
    rng = random.Random(seed)
    participants = _participants(rng)
    supported = [p for p in participants if p["support_hours"] >= MIN_HOURS]
    below = [p for p in participants if p["support_hours"] < MIN_HOURS]
    sectors = [{"sic_from": a, "sic_to": b, "sector": name} for a, b, name, *_ in SECTORS]
    marked = {"synthetic": True}
    return {
        "participants": (PARTICIPANT_COLUMNS, [p | marked for p in participants]),
        "followups": (FOLLOWUP_COLUMNS, [f | marked for f in _followups(rng, supported, below)]),
        "survey": (SURVEY_COLUMNS, [s | marked for s in _survey(rng, supported, below)]),
        "sectors": (SECTOR_COLUMNS, sorted(sectors, key=lambda r: r["sic_from"])),
    }


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_synthetic_cohort(out: Path = DEMO_DIR, seed: int = SEED) -> list[Path]:
    """Write participants.csv, followups.csv, survey.csv and sectors.csv into ``out``."""
    out = Path(out)
    with staged_dir(out) as stage:
        for name, (columns, rows) in synthetic_cohort(seed).items():
            with open(stage / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow(_text(row.get(c)) for c in columns)
    return [out / f"{name}.csv" for name in ("participants", "followups", "survey", "sectors")]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEMO_DIR
    for path in write_synthetic_cohort(out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
