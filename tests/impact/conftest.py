"""Hand-made cohorts, written by code: a builder that writes the four impact input files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

PARTICIPANT = {
    "enterprise_id": "", "programme": "P", "joined": "2020-01-01", "support_hours": "12",
    "employees_at_entry": "10", "turnover_at_entry": "1000", "sic2007": "62020",
}  # fmt: skip
FOLLOWUP = {
    "enterprise_id": "", "programme": "P", "followed_up": "2021-01-01", "turnover_change": "up",
    "new_jobs_fte": "0", "graduate_placements": "0",
}  # fmt: skip
ANSWER = {
    "enterprise_id": "", "programme": "P", "wave": "before", "question": "leadership_confidence",
    "score": "3", "scale_max": "5",
}  # fmt: skip
SECTORS_HEADER = ("sic_from", "sic_to", "sector")


def write_csv(path: Path, header: list[str] | tuple[str, ...], rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


class CohortBuilder:
    """Add records with only the fields a test cares about; ``write()`` gives the paths."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.participants: list[dict] = []
        self.followups: list[dict] = []
        self.answers: list[dict] = []
        self.ranges: list[dict] | None = None

    def participant(self, enterprise: str, **fields: object) -> CohortBuilder:
        self.participants.append(_row(PARTICIPANT, enterprise, fields))
        return self

    def followup(self, enterprise: str, **fields: object) -> CohortBuilder:
        self.followups.append(_row(FOLLOWUP, enterprise, fields))
        return self

    def answer(self, enterprise: str, wave: str, score: object, **fields: object) -> CohortBuilder:
        self.answers.append(_row(ANSWER, enterprise, {"wave": wave, "score": score, **fields}))
        return self

    def pair(self, enterprise: str, before: object, after: object, scale: int = 5, **fields):
        """A respondent's before and after answers on one scale."""
        self.answer(enterprise, "before", before, scale_max=scale, **fields)
        return self.answer(enterprise, "after", after, scale_max=scale, **fields)

    def sector(self, sic_from: str, sic_to: str, name: str) -> CohortBuilder:
        self.ranges = (self.ranges or []) + [
            {"sic_from": sic_from, "sic_to": sic_to, "sector": name}
        ]
        return self

    def write(self) -> dict[str, Path]:
        paths = {
            "participants": write_csv(
                self.folder / "participants.csv", _header(PARTICIPANT, self.participants),
                self.participants,
            ),
            "followups": write_csv(
                self.folder / "followups.csv", _header(FOLLOWUP, self.followups), self.followups
            ),
            "survey": write_csv(
                self.folder / "survey.csv", _header(ANSWER, self.answers), self.answers
            ),
        }  # fmt: skip
        if self.ranges is not None:
            paths["sectors"] = write_csv(self.folder / "sectors.csv", SECTORS_HEADER, self.ranges)
        return paths


def _row(defaults: dict, enterprise: str, fields: dict) -> dict:
    return {**defaults, "enterprise_id": enterprise, **{k: _text(v) for k, v in fields.items()}}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _header(defaults: dict, rows: list[dict]) -> list[str]:
    extra = [k for row in rows for k in row if k not in defaults]
    return list(defaults) + list(dict.fromkeys(extra))


@pytest.fixture
def cohort(tmp_path: Path) -> CohortBuilder:
    folder = tmp_path / "cohort"
    folder.mkdir()
    return CohortBuilder(folder)
