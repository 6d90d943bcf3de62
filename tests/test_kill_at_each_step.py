"""All or nothing on disk (issue 14): `scaleup compute` and `scaleup build` killed (SIGKILL)
at every step of their write leave the old or the new output whole; the store and the site
agree (after the roll-forward every build and `scaleup serve` start with); the next run
leaves no staging folder behind.

The commands run as real processes; ``SCALEUP_TEST_KILL_AT`` names the step at which the
process kills itself (scaleup.atomic.checkpoint).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

from scaleup.atomic import KILL_AT_ENV
from scaleup.config import load_settings
from scaleup.publish.recovery import SITE_STAMP, recover_site, site_stamp
from scaleup.store import db, repo
from support.serving import SCALEUP, command_env

DEMO = Path(__file__).resolve().parents[1] / "src" / "scaleup" / "demo" / "workspace"
AREAS = ("E37000034", "E37000025")  # Tees Valley, North East: small areas, quick builds

COMPUTE_STEPS = ("writing", "staged", "switched")
BUILD_STEPS = ("stored", "rendered", "committed", "switched")


def run(argv: list[str], kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = command_env()
    if kill_at:
        env[KILL_AT_ENV] = kill_at
    return subprocess.run([SCALEUP, *argv], capture_output=True, text=True, env=env, timeout=300)


def filter_csv(src: Path, dest: Path, keep) -> set[str]:  # type: ignore[no-untyped-def]
    with open(src, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kept = [r for r in rows if keep(r)]
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    return {r["lad_code"] for r in kept}


def small_workspace(root: Path) -> Path:
    """The demo workspace cut down to two areas (its data, content and settings)."""
    (root / "data").mkdir(parents=True)
    (root / "content").mkdir()
    lads = filter_csv(
        DEMO / "data" / "geography.csv",
        root / "data" / "geography.csv",
        lambda r: r["area_code"] in AREAS,
    )
    for name in ("counts.csv", "population.csv"):
        filter_csv(DEMO / "data" / name, root / "data" / name, lambda r: r["lad_code"] in lads)
    for code in AREAS:
        shutil.copy(DEMO / "content" / f"{code}.md", root / "content" / f"{code}.md")
    for name in ("sources.toml", "changes.json", "changes.md"):  # what the settings name
        if (DEMO / "data" / name).exists():
            shutil.copy(DEMO / "data" / name, root / "data" / name)
    toml = (DEMO.parent / "workspace" / "scaleup.toml").read_text(encoding="utf-8")
    toml = toml.split("[impact]")[0].split("# The synthetic UpScaler")[0]
    (root / "scaleup.toml").write_text(toml, encoding="utf-8")
    return root


def retitle(ws: Path, title: str) -> None:
    toml = ws / "scaleup.toml"
    text = toml.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("title = "))
    toml.write_text(text.replace(old, f'title = "{title}"'), encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != SITE_STAMP
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if ".staging-" in p.name)


# --- compute ------------------------------------------------------------------------------


def compute_args(ws: Path, out: Path, counts: Path) -> list[str]:
    data = ws / "data"
    return ["compute", "--counts", str(counts), "--population", str(data / "population.csv"),
            "--geography", str(data / "geography.csv"), "--out", str(out), "--quiet"]  # fmt: skip


def test_compute_killed_at_each_step_leaves_old_or_new_whole(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    versions = [ws / "data" / "counts.csv", tmp_path / "counts-new.csv"]
    with open(versions[0], newline="") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        row[2] = str(int(row[2]) + 10)
    with open(versions[1], "w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    out = tmp_path / "out" / "tables"
    references = []
    for counts in versions:
        assert run(compute_args(ws, out, counts)).returncode == 0
        references.append(tree(out))
    assert references[0] != references[1]

    now = 1  # out holds versions[now]
    for step in COMPUTE_STEPS:
        new = 1 - now
        killed = run(compute_args(ws, out, versions[new]), kill_at=step)
        assert killed.returncode == -9, (step, killed.stderr)
        if step == "switched":
            now = new
        assert tree(out) == references[now], step

    again = run(compute_args(ws, out, versions[1 - now]))
    assert again.returncode == 0, again.stderr
    assert tree(out) == references[1 - now]
    assert leftovers(out) == []


def test_compute_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    done = run(compute_args(ws, out, ws / "data" / "counts.csv"))
    assert done.returncode == 2
    assert "holds files this command does not write (notes.txt)" in done.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and leftovers(out) == []


# --- build ----------------------------------------------------------------------------


def store_state(ws: Path) -> tuple[dict[str, str], str | None]:
    engine = db.open_engine(None, ws)
    try:
        with db.sessions(engine)() as session:
            review = repo.get_review(session)
            return repo.build_stamp(session), review.title if review else None
    finally:
        engine.dispose()


def site_title(site: Path) -> str:
    titles = {
        title
        for title in ("Old Review", "New Review")
        for page in site.rglob("index.html")
        if title in page.read_text(encoding="utf-8")
    }
    assert len(titles) == 1, titles  # every page of one build, never a mix
    return titles.pop()


def test_build_killed_at_each_step_leaves_store_and_site_agreeing(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    site = ws / "site"
    titles = ("Old Review", "New Review")
    retitle(ws, titles[0])
    assert run(["build", "-w", str(ws), "--quiet"]).returncode == 0
    files = set(tree(site))
    assert site_stamp(site) == store_state(ws)[0]
    settings = load_settings(ws / "scaleup.toml", environ={})

    now = titles[0]  # what store and site hold
    for step in BUILD_STEPS:
        old_stamp = site_stamp(site)
        new = titles[1 - titles.index(now)]
        retitle(ws, new)
        killed = run(["build", "-w", str(ws), "--quiet"], kill_at=step)
        assert killed.returncode == -9, (step, killed.stderr)

        # each whole, old or new, right after the kill
        stamp, title = store_state(ws)
        assert title == (now if step in ("stored", "rendered") else new), step
        assert site_title(site) in (now, new) and set(tree(site)) == files
        assert site_stamp(site) in (old_stamp, stamp)
        # and agreeing once recovered (what the next build and `scaleup serve` do first)
        engine = db.open_engine(settings.database_url, ws)
        recover_site(engine, site)
        engine.dispose()
        assert site_stamp(site) == stamp and site_title(site) == title, step
        assert set(tree(site)) == files and leftovers(site) == []
        now = title

    again = run(["build", "-w", str(ws), "--quiet"])
    assert again.returncode == 0, again.stderr
    assert site_title(site) == store_state(ws)[1]
    assert site_stamp(site) == store_state(ws)[0] and leftovers(site) == []


def test_build_refuses_an_out_folder_that_is_not_a_site(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    done = run(["build", "-w", str(ws), "--out", str(out), "--quiet"])
    assert done.returncode == 2, done.stderr
    assert "notes.txt" in done.stderr and "replaced whole" in done.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_site_records_the_stores_build_stamp(tmp_path: Path) -> None:
    ws = small_workspace(tmp_path / "ws")
    assert run(["build", "-w", str(ws), "--quiet"]).returncode == 0
    stamp = json.loads((ws / "site" / SITE_STAMP).read_text())["editions"]
    assert stamp == store_state(ws)[0] and list(stamp) == ["2021"]
