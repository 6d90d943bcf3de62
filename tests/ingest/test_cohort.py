"""Reading and checking the programme-impact input files: every bad input, clearly reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scaleup.errors import InputError
from scaleup.ingest.cohort import COLUMNS, read_cohort

PARTICIPANTS = """\
enterprise_id,programme,joined,support_hours,employees_at_entry,turnover_at_entry,sic2007
E1,P,2020-01-01,12,10,1000,62020
E2,P,2020-02-01,20,5,500,
"""
FOLLOWUPS = """enterprise_id,programme,followed_up,turnover_change,new_jobs_fte,graduate_placements
E1,P,2021-01-01,up,1.5,0
"""
SURVEY = """enterprise_id,programme,wave,question,score,scale_max
E1,P,before,leadership_confidence,3,5
E1,P,after,leadership_confidence,8,10
"""
SECTORS = """sic_from,sic_to,sector
62000,62099,Tech
86000,88999,Health
"""


def write(folder: Path, **texts: str) -> dict[str, Path]:
    """The four files, each the valid default unless given; ``sectors=None`` leaves it out."""
    contents = {
        "participants": PARTICIPANTS, "followups": FOLLOWUPS, "survey": SURVEY,
        "sectors": SECTORS,
    } | texts  # fmt: skip
    paths = {}
    for kind, text in contents.items():
        if text is None:
            continue
        paths[kind] = folder / f"{kind}.csv"
        paths[kind].write_text(text, encoding="utf-8")
    return paths


def problems(folder: Path, **texts: str) -> list[str]:
    paths = write(folder, **texts)
    with pytest.raises(InputError) as caught:
        read_cohort(**paths)
    return [line.replace(f"{folder}/", "") for line in caught.value.render(limit=100)]


def test_valid_files_give_typed_records(tmp_path):
    cohort = read_cohort(**write(tmp_path))
    first = cohort.participants[0]
    assert (first.enterprise_id, first.joined, first.support_hours) == ("E1", date(2020, 1, 1), 12)
    assert cohort.participants[1].sic2007 is None
    assert cohort.followups[0].new_jobs_fte == 1.5
    assert [(a.wave, a.score, a.scale_max) for a in cohort.survey] == [
        ("before", 3, 5), ("after", 8, 10),
    ]  # fmt: skip
    assert [r.sector for r in cohort.sectors] == ["Tech", "Health"]


def test_headers_are_case_insensitive_a_bom_is_accepted_and_extra_columns_ignored(tmp_path):
    text = "\ufeffEnterprise_ID,PROGRAMME,Joined,Support_Hours,employees_at_entry,turnover_at_entry,notes\nE1,P,2020-01-01,12,10,1000,hello\n"  # noqa: E501
    cohort = read_cohort(**write(tmp_path, participants=text, sectors=None))
    assert cohort.participants[0].enterprise_id == "E1" and cohort.sectors is None


def test_duplicate_participants_name_every_line(tmp_path):
    text = PARTICIPANTS + "E1,P,2020-03-01,30,10,1000,62020\n"
    assert problems(tmp_path, participants=text) == [
        "error: participants.csv:2, 4: duplicate participant 'E1' in programme 'P'"
    ]


def test_the_same_enterprise_in_two_programmes_is_not_a_duplicate(tmp_path):
    text = PARTICIPANTS + "E1,Q,2020-03-01,30,10,1000,62020\n"
    assert len(read_cohort(**write(tmp_path, participants=text)).participants) == 3


def test_a_follow_up_for_an_unknown_enterprise(tmp_path):
    text = FOLLOWUPS + "E9,P,2021-01-01,up,0,0\nE2,Q,2021-01-01,up,0,0\n"
    assert problems(tmp_path, followups=text) == [
        "error: followups.csv:3: no participant 'E9' in programme 'P' in "
        f"{tmp_path}/participants.csv".replace(f"{tmp_path}/", ""),
        "error: followups.csv:4: no participant 'E2' in programme 'Q' in participants.csv",
    ]


def test_a_follow_up_before_joining_and_two_on_one_date(tmp_path):
    text = FOLLOWUPS + "E1,P,2021-01-01,same,0,0\nE2,P,2019-01-01,up,0,0\n"
    assert problems(tmp_path, followups=text) == [
        "error: followups.csv:4: followed_up: 2019-01-01 is before the enterprise joined "
        "(2020-02-01)",
        "error: followups.csv:2, 3: two follow-ups of 'E1' in 'P' on the same date 2021-01-01",
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("E1,P,before,q,0,5", "score: 0 is outside the scale 1-5"),
        ("E1,P,before,q,6,5", "score: 6 is outside the scale 1-5"),
        ("E1,P,before,q,10.5,10", "score: 10.5 is outside the scale 1-10"),
        ("E1,P,before,q,-2,10", "score: -2 is outside the scale 1-10"),
        ("E1,P,before,q,3,7", "scale_max: expected 5 or 10, got 7"),
        ("E1,P,during,q,3,5", "wave: expected one of ['before', 'after'], got 'during'"),
        ("E1,P,before,q,high,5", "score: 'high' is not a number"),
        ("E1,P,before,,3,5", "question: is empty"),
        ("E9,P,before,q,3,5", "no participant 'E9' in programme 'P' in participants.csv"),
    ],
)
def test_bad_survey_rows(tmp_path, row, message):
    assert problems(tmp_path, survey=SURVEY + row + "\n") == [f"error: survey.csv:4: {message}"]


def test_a_question_answered_twice_in_one_wave(tmp_path):
    text = SURVEY + "E1,P,before,leadership_confidence,4,5\n"
    assert problems(tmp_path, survey=text) == [
        "error: survey.csv:2, 4: 'E1' in 'P' answered 'leadership_confidence' twice in the "
        "'before' wave"
    ]


def test_overlapping_and_backwards_sic_ranges(tmp_path):
    text = SECTORS + "62010,62020,Digital\n99999,01000,Back\n"
    assert problems(tmp_path, sectors=text) == [
        "error: sectors.csv:5: sic_from: 99999 is after sic_to 01000",
        "error: sectors.csv:4: SIC range 62010-62020 ('Digital') overlaps 62000-62099 ('Tech') "
        "on line 2",
    ]


def test_ranges_that_only_touch_do_not_overlap(tmp_path):
    text = SECTORS + "62100,62100,Next\n"
    assert len(read_cohort(**write(tmp_path, sectors=text)).sectors) == 3


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("E3,P,2020-01-01,x,1,1,", "support_hours: 'x' is not a number"),
        ("E3,P,2020-01-01,-1,1,1,", "support_hours: '-1' is negative"),
        ("E3,P,2020-01-01,12,2.5,1,", "employees_at_entry: '2.5' is not a whole number"),
        ("E3,P,2020-01-01,12,1,-7,", "turnover_at_entry: '-7' is negative"),
        ("E3,P,01/02/2020,12,1,1,", "joined: '01/02/2020' is not a date (expected YYYY-MM-DD)"),
        ("E3,P,2020-01-01,12,1,1,6202", "sic2007: '6202' is not a 5-digit SIC 2007 code"),
        (",P,2020-01-01,12,1,1,", "enterprise_id: is empty"),
        ("E3,P,2020-01-01,nan,1,1,", "support_hours: 'nan' is not a number"),
        ("E3,P,2020-01-01,12,1", "has 5 fields, the header has 7"),
    ],
)
def test_bad_participant_values(tmp_path, row, message):
    assert problems(tmp_path, participants=PARTICIPANTS + row + "\n") == [
        f"error: participants.csv:4: {message}"
    ]


def test_bad_follow_up_values(tmp_path):
    text = FOLLOWUPS + "E2,P,2021-01-01,higher,-1,x\n"
    assert problems(tmp_path, followups=text) == [
        "error: followups.csv:3: turnover_change: expected one of ['up', 'same', 'down'], "
        "got 'higher'",
        "error: followups.csv:3: new_jobs_fte: '-1' is negative",
        "error: followups.csv:3: graduate_placements: 'x' is not a whole number",
    ]


def test_missing_columns_are_named(tmp_path):
    text = "enterprise_id,programme,joined\nE1,P,2020-01-01\n"
    found = problems(tmp_path, participants=text)
    assert found[0] == (
        "error: participants.csv:1: missing required column 'support_hours' "
        "(found: enterprise_id, programme, joined)"
    )
    assert len(found) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [  # the shared reader's words, as for every input
        (b"", "empty file (expected a header row and data)"),
        (b"  \n\n", "empty file (expected a header row and data)"),
        (b"\xff\xfeE\x00", "not a UTF-8 CSV file"),
        (SURVEY.encode() + "E1,P,before,caf\xe9,3,5\n".encode("latin-1"), "not UTF-8 text"),
        (b"PAR1\x00\x00", "is a Parquet file, but its name says CSV"),
    ],
)
def test_unreadable_files(tmp_path, content, message):
    paths = write(tmp_path)
    paths["survey"].write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_cohort(**paths)
    assert caught.value.render()[0].startswith(f"error: survey.csv: {message}")


def test_missing_file_wrong_suffix_and_folder(tmp_path):
    paths = write(tmp_path)
    paths["participants"] = tmp_path / "nope.csv"
    paths["followups"] = tmp_path / "followups.xlsx"
    paths["followups"].write_text("x")
    paths["survey"] = tmp_path / "folder"
    paths["survey"].mkdir()
    paths["sectors"] = tmp_path / "sectors"
    paths["sectors"].write_text(SECTORS)
    with pytest.raises(InputError) as caught:
        read_cohort(**paths)
    lines = [line.replace(f"{tmp_path}", "D") for line in caught.value.render()]
    assert lines == [
        "error: nope.csv: no such file: D/nope.csv",
        "error: followups.xlsx: expected a .csv or .parquet file, got .xlsx suffix",
        "error: folder: is a folder, not a file: D/folder",
        "error: sectors: expected a .csv or .parquet file, got no suffix",
    ]


def test_header_only_participants_or_sectors_are_errors_but_follow_ups_may_be_empty(tmp_path):
    assert problems(
        tmp_path,
        participants=PARTICIPANTS.splitlines()[0] + "\n",
        followups=FOLLOWUPS.splitlines()[0] + "\n",
        survey=SURVEY.splitlines()[0],  # no line end after the header
        sectors="sic_from,sic_to,sector\n\n,,\n",  # blank lines are no rows
    ) == [
        "error: participants.csv: no data rows (only a header)",
        "error: sectors.csv: no data rows (only a header)",
    ]
    paths = write(tmp_path, followups=FOLLOWUPS.splitlines()[0], survey=SURVEY.splitlines()[0])
    cohort = read_cohort(**paths)
    assert (cohort.followups, cohort.survey) == ((), ())


def test_rows_with_too_few_or_too_many_fields_are_each_reported_and_lines_stay_right(tmp_path):
    text = PARTICIPANTS + "E3,P,2020-01-01\n\nE4,P,2020-01-01,12,1,1,,x\nE5,P,2020-01-01,x,1,1,\n"
    assert problems(tmp_path, participants=text) == [
        "error: participants.csv:4: has 3 fields, the header has 7",
        "error: participants.csv:6: has 8 fields, the header has 7",
        "error: participants.csv:7: support_hours: 'x' is not a number",
    ]


def test_cells_are_stripped_and_whole_numbers_may_end_in_zeros(tmp_path):
    text = PARTICIPANTS + " E3 , P , 2020-01-01 , 12 , 10.0 , 1000.00 , 62020 \r\n"
    third = read_cohort(**write(tmp_path, participants=text)).participants[2]
    assert (third.enterprise_id, third.employees_at_entry, third.turnover_at_entry) == (
        "E3", 10, 1000,
    )  # fmt: skip


def test_every_problem_of_every_file_is_reported_at_once(tmp_path):
    found = problems(
        tmp_path,
        participants=PARTICIPANTS + "E3,P,2020-01-01,x,1,1,\n",
        survey=SURVEY + "E1,P,during,q,3,5\n",
        sectors=SECTORS + "62010,62020,Digital\n",
    )
    assert [line.split(":")[1] for line in found] == [" participants.csv", " survey.csv",
                                                      " sectors.csv"]  # fmt: skip


def test_parquet_is_read_with_row_numbers(tmp_path):
    paths = write(tmp_path)
    table = pa.table(
        {
            "enterprise_id": [1, 2], "Programme": ["P", "P"],
            "joined": [date(2020, 1, 1), date(2020, 1, 1)], "support_hours": [12.0, 3.0],
            "employees_at_entry": [10, None], "turnover_at_entry": [100, 200],
            "sic2007": [1110, 62020],
        }
    )  # fmt: skip
    paths["participants"] = tmp_path / "participants.parquet"
    pq.write_table(table, paths["participants"])
    paths["followups"].write_text(FOLLOWUPS.splitlines()[0] + "\n1,P,2021-01-01,up,1,0\n")
    paths["survey"].write_text(SURVEY.splitlines()[0] + "\n")
    cohort = read_cohort(**paths)
    assert [p.enterprise_id for p in cohort.participants] == ["1", "2"]
    assert cohort.participants[0].sic2007 == "01110"  # an integer column keeps its zero
    assert cohort.participants[1].employees_at_entry is None

    pq.write_table(
        table.set_column(3, "support_hours", pa.array([12.0, -3.0])), paths["participants"]
    )
    with pytest.raises(InputError) as caught:
        read_cohort(**paths)
    assert caught.value.render() == [
        "error: participants.parquet: row 2: support_hours: '-3' is negative"
    ]


def test_parquet_columns_of_a_wrong_type_are_named_and_doubles_may_hold_whole_numbers(tmp_path):
    paths = write(tmp_path)
    paths["participants"] = tmp_path / "participants.parquet"
    table = pa.table(
        {
            "enterprise_id": ["E1", "E2"], "programme": ["P", "P"],
            "joined": [True, False], "support_hours": [12, 20],
            "employees_at_entry": [10.0, None], "turnover_at_entry": [100.0, 200.0],
            "sic2007": pa.nulls(2),  # every value missing: Arrow types the column null
        }
    )  # fmt: skip
    pq.write_table(table, paths["participants"])
    with pytest.raises(InputError) as caught:
        read_cohort(**paths)
    assert caught.value.render() == [
        "error: participants.parquet: joined: wrong column type: expected date (or text "
        "YYYY-MM-DD), got bool"
    ]
    joined = pa.array([date(2020, 1, 1), date(2020, 2, 1)])
    pq.write_table(table.set_column(2, "joined", joined), paths["participants"])
    participants = read_cohort(**paths).participants
    assert [(p.employees_at_entry, p.turnover_at_entry, p.sic2007) for p in participants] == [
        (10, 100, None), (None, 200, None),
    ]  # fmt: skip


def test_an_empty_parquet_follow_ups_file_is_valid(tmp_path):
    paths = write(tmp_path)
    paths["followups"] = tmp_path / "followups.parquet"
    header = FOLLOWUPS.splitlines()[0].split(",")
    pq.write_table(pa.table({name: pa.array([], pa.string()) for name in header}),
                   paths["followups"])  # fmt: skip
    assert read_cohort(**paths).followups == ()


def test_a_csv_named_parquet_is_refused(tmp_path):
    paths = write(tmp_path)
    paths["participants"] = tmp_path / "participants.parquet"
    paths["participants"].write_text(PARTICIPANTS)
    with pytest.raises(InputError, match="not a Parquet file, though its name says so"):
        read_cohort(**paths)


def test_every_declared_column_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "impact.md").read_text()
    for kind, columns in COLUMNS.items():
        for column in columns:
            assert f"`{column.name}`" in doc, (kind, column.name)


def test_a_declared_column_twice_is_an_error_but_a_repeated_extra_column_is_ignored(tmp_path):
    twice = "wave,Wave,enterprise_id,programme,question,score,scale_max\n"
    assert problems(tmp_path, survey=twice) == ["error: survey.csv:1: column 'wave' appears twice"]
    extra = SURVEY.replace("scale_max\n", "scale_max,note,note\n", 1).replace(",5\n", ",5,a,b\n")
    extra = extra.replace(",10\n", ",10,c,d\n")
    assert len(read_cohort(**write(tmp_path, survey=extra)).survey) == 2


def test_the_synthetic_flag_takes_the_true_and_false_words_of_every_input(tmp_path):
    header = PARTICIPANTS.splitlines()[0] + ",synthetic\n"
    text = header + "E1,P,2020-01-01,12,10,1000,62020,T\nE2,P,2020-01-01,12,10,1000,62020,no\n"
    participants = read_cohort(**write(tmp_path, participants=text)).participants
    assert [p.synthetic for p in participants] == [True, False]
    bad = header + "E1,P,2020-01-01,12,10,1000,62020,maybe\n"
    assert problems(tmp_path, participants=bad) == [
        "error: participants.csv:2: synthetic: 'maybe' is not true or false"
    ]


@pytest.mark.parametrize(
    ("joined", "hours", "employees", "message"),
    [
        ("2020-02-30", "12", "1", "joined: '2020-02-30' is not a date (expected YYYY-MM-DD)"),
        ("2020-1-5", "12", "1", "joined: '2020-1-5' is not a date (expected YYYY-MM-DD)"),
        ("2020-01-01", "inf", "1", "support_hours: 'inf' is not a number"),
        ("2020-01-01", "1e999", "1", "support_hours: '1e999' is not a number"),
        ("2020-01-01", "12", "1.5e2", "employees_at_entry: '1.5e2' is not a whole number"),
        ("2020-01-01", "1.5e1", "1", "support_hours: '1.5e1' is not a number"),
        ("2020-01-01", "12", "99999999999999999999", "employees_at_entry: "
         "'99999999999999999999' is too large"),
    ],
)  # fmt: skip
def test_dates_and_numbers_are_typed_by_the_shared_rules(tmp_path, joined, hours, employees,
                                                         message):  # fmt: skip
    row = f"E3,P,{joined},{hours},{employees},1,\n"
    assert problems(tmp_path, participants=PARTICIPANTS + row) == [
        f"error: participants.csv:4: {message}"
    ]


def test_a_date_with_a_time_of_day_and_signed_or_pointed_numbers(tmp_path):
    row = "E3,P,2020-03-04T10:30:00Z,15.,+7,1,\n"
    third = read_cohort(**write(tmp_path, participants=PARTICIPANTS + row)).participants[2]
    assert (third.joined, third.support_hours, third.employees_at_entry) == (
        date(2020, 3, 4), 15.0, 7,
    )  # fmt: skip


def test_parquet_timestamps_and_doubles_that_are_not_whole(tmp_path):
    from datetime import datetime

    paths = write(tmp_path)
    paths["participants"] = tmp_path / "participants.parquet"
    table = pa.table(
        {
            "enterprise_id": ["E1", "E2"], "programme": ["P", "P"],
            "joined": [datetime(2020, 1, 1, 9), datetime(2020, 2, 1)],
            "support_hours": [12.5, 20.0], "employees_at_entry": [10.0, 2.5],
            "turnover_at_entry": pa.array([100, 200], pa.int32()), "sic2007": [62020, 100000],
        }
    )  # fmt: skip
    pq.write_table(table, paths["participants"])
    with pytest.raises(InputError) as caught:
        read_cohort(**paths)
    assert caught.value.render() == [
        "error: participants.parquet: row 2: employees_at_entry: '2.5' is not a whole number",
        "error: participants.parquet: row 2: sic2007: '100000' is not a 5-digit SIC 2007 code",
    ]
    pq.write_table(table.slice(0, 1), paths["participants"])
    (first,) = read_cohort(**paths).participants
    assert (first.joined, first.support_hours, first.sic2007) == (date(2020, 1, 1), 12.5, "62020")
