"""A workspace's [impact] table: paths relative to the workspace, checked settings."""

from __future__ import annotations

import pytest

from scaleup.errors import InputError
from scaleup.impact import impact_from_workspace


def workspace(cohort, table: str):
    cohort.participant("A").participant("B", support_hours=1).write()
    root = cohort.folder.parent
    (root / "scaleup.toml").write_text(f"[review]\ntitle = 'x'\n\n{table}")
    return root


FILES = """participants = "cohort/participants.csv"
followups = "cohort/followups.csv"
survey = "cohort/survey.csv"
"""


def test_reads_the_impact_table_with_paths_relative_to_the_workspace(cohort, monkeypatch):
    root = workspace(cohort, f"[impact]\n{FILES}min_hours = 12\n")
    monkeypatch.chdir(root.parent)
    result = impact_from_workspace(root)
    assert result.kpis_for("P")["companies_supported"].value == 1
    assert result.min_hours == 12


def test_an_already_read_table_can_be_passed(cohort):
    root = workspace(cohort, "")
    table = {"participants": "cohort/participants.csv", "followups": "cohort/followups.csv",
             "survey": "cohort/survey.csv", "min_hours": 0}  # fmt: skip
    assert impact_from_workspace(root, table).kpis_for("P")["companies_supported"].value == 2


def test_a_workspace_without_impact_gives_none(cohort):
    assert impact_from_workspace(workspace(cohort, "")) is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            f"[impact]\n{FILES}min_hours = -1\n",
            "impact.min_hours: Input should be greater than or equal to 0, got -1",
        ),
        (f"[impact]\n{FILES}", "impact.min_hours: missing"),
        (f"[impact]\n{FILES}min_hours = 12\nhours = 3\n", "impact.hours: unknown key"),
        (
            "[impact]\nparticipants = 3\nmin_hours = 1\n",
            "impact.participants: Input should be a valid string, got 3",
        ),
    ],
)
def test_a_bad_table_is_an_input_error_worded_as_the_settings(cohort, table, message):
    # The workspace's tables are read by one parser (scaleup.workspace.WorkspaceFile): a bad
    # [impact] table is an InputError naming scaleup.toml, like a bad [review] or [inputs].
    root = workspace(cohort, table)
    with pytest.raises(InputError) as caught:
        impact_from_workspace(root)
    wanted = f"error: {root / 'scaleup.toml'}: {message}"
    assert any(line.startswith(wanted) for line in caught.value.render())


def test_bad_cohort_files_are_input_errors(cohort):
    root = workspace(cohort, f"[impact]\n{FILES}min_hours = 12\n")
    (root / "cohort" / "survey.csv").write_text("")
    with pytest.raises(InputError, match="survey.csv: empty file"):
        impact_from_workspace(root)
