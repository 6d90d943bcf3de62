"""`scaleup impact` as a user runs it: outputs, exit codes, bad input, nothing written on error."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaleup.cli.main import app
from scaleup.impact.output import CONTRACT_KPI_COLUMNS

runner = CliRunner()


def run(paths: dict[str, Path], out: Path, *extra: str):
    args = ["impact", "--min-hours", "12", "--out", str(out), *extra]
    for kind, path in paths.items():
        args += [f"--{kind}", str(path)]
    return runner.invoke(app, args)


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def small_cohort(cohort):
    for i in range(12):
        cohort.participant(f"E{i}", sic2007="62020" if i % 2 else "86100")
        cohort.followup(f"E{i}", turnover_change="up" if i < 6 else "down", new_jobs_fte=0.5)
    cohort.participant("LOW", support_hours=2)
    return cohort.sector("62000", "62099", "Tech").sector("86000", "86999", "Health")


def test_help_lists_every_option():
    result = runner.invoke(app, ["impact", "--help"])
    assert result.exit_code == 0
    for option in ("--participants", "--followups", "--survey", "--sectors", "--min-hours",
                   "--out", "--quiet"):  # fmt: skip
        assert option in result.output


def test_writes_kpis_and_sectors_with_the_contract_columns(cohort, tmp_path):
    out = tmp_path / "out"
    result = run(small_cohort(cohort).write(), out)
    assert result.exit_code == 0, result.output
    kpis = read(out / "kpis.csv")
    assert list(kpis[0])[:8] == list(CONTRACT_KPI_COLUMNS)
    by_kpi = {row["kpi"]: row for row in kpis}
    assert by_kpi["companies_supported"]["value"] == "12"
    share = by_kpi["turnover_increase_share"]
    assert (share["value"], share["numerator"], share["denominator"]) == ("0.5", "6", "12")
    assert 0 < float(share["ci_low"]) < 0.5 < float(share["ci_high"]) < 1
    assert by_kpi["jobs_created_fte"]["value"] == "6"
    assert by_kpi["jobs_created_fte"]["ci_low"] == ""
    assert by_kpi["confidence_mean_change"]["value"] == ""  # nobody answered the survey
    assert read(out / "sectors.csv") == [
        {"programme": "P", "sector": "Health", "enterprises": "6", "synthetic": "false"},
        {"programme": "P", "sector": "Tech", "enterprises": "6", "synthetic": "false"},
    ]
    assert "companies_supported" in result.stdout and "wrote" in result.stdout


def test_quiet_prints_nothing(cohort, tmp_path):
    result = run(small_cohort(cohort).write(), tmp_path / "out", "--quiet")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_bad_input_exits_2_with_file_and_line_and_writes_nothing(cohort, tmp_path):
    small_cohort(cohort).participant("E1")  # a duplicate of line 3, on line 15
    cohort.followup("GHOST")  # unknown enterprise
    paths = cohort.write()
    out = tmp_path / "out"
    out.mkdir()
    (out / "kpis.csv").write_text("before\n")
    result = run(paths, out)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: participants.csv:3, 15: duplicate participant 'E1' in programme 'P'",
    ]
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["kpis.csv"]
    assert (out / "kpis.csv").read_text() == "before\n"
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


def test_the_cross_check_is_reported_once_participants_are_sound(cohort, tmp_path):
    paths = small_cohort(cohort).followup("GHOST").write()
    result = run(paths, tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: followups.csv:14: no participant 'GHOST' in programme 'P' in participants.csv"
    ]
    assert not (tmp_path / "out").exists()


def test_more_than_twenty_problems_are_counted(cohort, tmp_path):
    for i in range(25):
        cohort.participant(f"E{i}", support_hours="many")
    result = run(cohort.write(), tmp_path / "out")
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and len(lines) == 21 and lines[-1] == "... and 5 more"


@pytest.mark.parametrize(
    "args",
    [
        ["impact", "--out", "x"],  # required options missing
        [
            "impact",
            "--participants",
            "p.csv",
            "--followups",
            "f.csv",
            "--survey",
            "s.csv",
            "--min-hours",
            "-1",
            "--out",
            "x",
        ],  # fmt: skip
        [
            "impact",
            "--participants",
            "p.csv",
            "--followups",
            "f.csv",
            "--survey",
            "s.csv",
            "--min-hours",
            "twelve",
            "--out",
            "x",
        ],  # fmt: skip
    ],
)
def test_usage_errors_exit_2(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_the_installed_command_reports_a_missing_file_without_a_traceback(tmp_path):
    scaleup = Path(sys.executable).with_name("scaleup")
    proc = subprocess.run(
        [str(scaleup), "impact", "--participants", "nope.csv", "--followups", "f.csv",
         "--survey", "s.parquet", "--min-hours", "12", "--out", "out"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: nope.csv: no such file: nope.csv",
        "error: f.csv: no such file: f.csv",
        "error: s.parquet: no such file: s.parquet",
    ]
    assert not (tmp_path / "out").exists()


def test_the_summary_shows_shares_with_their_base_and_interval(tmp_path):
    from scaleup.impact.synthetic import DEMO_DIR

    paths = {k: DEMO_DIR / f"{k}.csv" for k in ("participants", "followups", "survey", "sectors")}
    result = run(paths, tmp_path / "out")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "UpScaler (synthetic cohort)"
    assert "  turnover_increase_share  49.0%  (98 of 200, 95% CI 42.2%-55.9%)" in lines
    assert any(ln.startswith("  confidence_mean_change   +63.") for ln in lines)
    assert any(ln.endswith("(over 150)") for ln in lines)


def test_the_summary_says_when_a_share_is_not_shown(cohort, tmp_path):
    cohort.participant("A").followup("A")
    result = run(cohort.write(), tmp_path / "out")
    assert "  turnover_increase_share  not shown: base 1 is under 10" in result.stdout.splitlines()


def test_parquet_inputs_give_the_same_outputs_as_csv(tmp_path):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from scaleup.impact.synthetic import DEMO_DIR

    kinds = ("participants", "followups", "survey", "sectors")
    csv_paths = {k: DEMO_DIR / f"{k}.csv" for k in kinds}
    pq_paths = {k: tmp_path / f"{k}.parquet" for k in kinds}
    as_int = pacsv.ConvertOptions(column_types={"sic2007": "int64"})  # loses leading zeros
    for k in kinds:
        pq.write_table(pacsv.read_csv(csv_paths[k], convert_options=as_int), pq_paths[k])
    assert run(csv_paths, tmp_path / "a", "-q").exit_code == 0
    assert run(pq_paths, tmp_path / "b", "-q").exit_code == 0
    for name in ("kpis.csv", "sectors.csv"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
