"""The directory as data: import checks everything first, export then import round-trips."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.world import migrated, record, save
from scaleup.errors import InputError
from scaleup.finder.directory import (
    STARTER,
    read_directory,
    to_csv,
    to_json,
    write_directory,
)
from scaleup.finder.hsds import to_hsds
from scaleup.finder.records import FIELDS, STAGES, SUPPORT_TYPES, ProgrammeCreate
from scaleup.store import db, history, programmes
from scaleup.store.programmes import import_directory, load_starter_directory


def directory(sessions) -> list[dict]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return [r.model_dump() for r in programmes.all_programmes(session)]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        names = list(dict.fromkeys(k for row in rows for k in row))
        writer = csv.DictWriter(fh, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    return path


GOOD = {
    "id": "upscaler",
    "name": "UpScaler",
    "provider": "NTU",
    "summary": "Leadership.",
    "url": "https://example.org/",
    "support_types": "training; advice",
    "areas": "E37000045",
}


# --- bad input: every problem, nothing changed ---------------------------------------


def test_bad_csv_lists_every_bad_record_and_changes_nothing(tmp_path: Path) -> None:
    sessions = migrated(f"sqlite:///{tmp_path / 's.sqlite'}")
    save(sessions, record(id="kept", name="Kept"))
    before = directory(sessions)
    path = write_csv(
        tmp_path / "dir.csv",
        [
            GOOD,
            {**GOOD, "id": "Bad Id", "url": "ftp://x"},
            {**GOOD, "id": "two", "support_types": "hugs", "areas": "E999"},
            {**GOOD, "id": "three", "min_employees": "-1", "max_employees": "x"},
            {**GOOD, "id": "upscaler"},
            {**GOOD, "id": "four", "name": "", "starts": "2024-13-01"},
        ],
    )
    with pytest.raises(InputError) as caught:
        read_directory(path)
    lines = caught.value.render()
    text = "\n".join(lines)
    assert "dir.csv:3: id:" in text and "dir.csv:3: url:" in text
    assert "dir.csv:4: support_types:" in text and "dir.csv:4: areas:" in text
    assert "dir.csv:5: min_employees:" in text and "dir.csv:5: max_employees:" in text
    assert "dir.csv:2, 6: id: duplicate id 'upscaler'" in text
    assert "dir.csv:7: name:" in text and "dir.csv:7: starts:" in text
    assert directory(sessions) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "is empty"),
        ("id,name\nx,y\n", "missing column 'provider'"),
        ("[1, 2", "is not valid JSON"),
        ('{"nope": 1}', "expected a list of records"),
        ('[{"id": "a", "colour": "red"}]', "colour: unknown field"),
        ("[]", "has no records"),
    ],
)
def test_bad_files_are_reported_plainly(tmp_path: Path, content: str, expected: str) -> None:
    suffix = ".csv" if content.startswith("id,") else ".json"
    path = tmp_path / f"dir{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_directory(path)
    assert expected in "\n".join(caught.value.render())


def test_not_utf8_and_wrong_kind(tmp_path: Path) -> None:
    latin = tmp_path / "dir.csv"
    latin.write_bytes("id,name\nx,Café\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_directory(latin)
    with pytest.raises(InputError, match="expected a .csv or .json file"):
        read_directory(tmp_path / "dir.xlsx")


def test_csv_accepts_bom_any_case_headers_and_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "dir.csv"
    rows = [{k.upper(): v for k, v in GOOD.items()} | {"NOTES": "ignored"}]
    write_csv(path, rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    (only,) = read_directory(path)
    assert only.programme.support_types == ["training", "advice"]


# --- round trips ------------------------------------------------------------------------

words = st.text(
    alphabet=st.characters(
        whitelist_categories=("L", "N", "P", "S", "Zs"), blacklist_characters=";"
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip())
optional_count = st.none() | st.integers(min_value=0, max_value=5000)


@st.composite
def programmes_strategy(draw) -> ProgrammeCreate:  # type: ignore[no-untyped-def]
    lo = draw(optional_count)
    hi = draw(optional_count)
    if lo is not None and hi is not None and hi < lo:
        lo, hi = hi, lo
    starts = draw(st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)))
    ends = draw(
        st.none() | st.dates(min_value=starts or date(2000, 1, 1), max_value=date(2035, 1, 1))
    )
    text = st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"),
        max_size=80,
    )
    return ProgrammeCreate.model_validate(
        {
            "id": draw(st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}\Z")),
            "name": draw(words),
            "provider": draw(words),
            "summary": draw(words) + draw(text),
            "url": "https://example.org/" + draw(st.from_regex(r"\A[a-z0-9/._-]{0,20}\Z")),
            "support_types": draw(st.lists(st.sampled_from(SUPPORT_TYPES), min_size=1, max_size=4)),
            "sectors": draw(st.lists(words, max_size=3)),
            "stages": draw(st.lists(st.sampled_from(STAGES), max_size=3)),
            "areas": draw(
                st.lists(st.sampled_from(["UK", "E37000045", "E07000170", "W06000001"]), min_size=1)
            ),
            "eligibility": draw(text),
            "min_employees": lo,
            "max_employees": hi,
            "min_turnover": draw(optional_count),
            "cost": draw(
                st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
            ),
            "starts": starts,
            "ends": ends,
            "contact": draw(
                st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
            ),
            "updated": draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 1, 1))),
            "retired": draw(st.booleans()),
        }
    )


def unique_by_id(records: list[ProgrammeCreate]) -> list[ProgrammeCreate]:
    return list({r.id: r for r in records}.values())


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_gives_the_same_directory(tmp_path: Path, fmt: str) -> None:
    first = migrated(f"sqlite:///{tmp_path / 'a.sqlite'}")
    second = migrated(f"sqlite:///{tmp_path / 'b.sqlite'}")
    out = tmp_path / f"dir.{fmt}"

    @settings(max_examples=40, deadline=None)
    @given(records=st.lists(programmes_strategy(), min_size=1, max_size=6).map(unique_by_id))
    def round_trip(records: list[ProgrammeCreate]) -> None:
        for sessions in (first, second):
            with db.transaction(sessions) as session:
                programmes.remove_all_but(session, [], actor="test")
        save(first, *records)
        with first() as session:
            exported = programmes.all_programmes(session)
        write_directory(exported, out, fmt)  # type: ignore[arg-type]
        with db.transaction(second) as session:
            import_directory(session, read_directory(out), actor="test")
        assert directory(second) == directory(first)
        # and writing it again gives the same bytes
        with second() as session:
            again = programmes.all_programmes(session)
        written = out.read_bytes().decode("utf-8")
        assert (to_csv(again) if fmt == "csv" else to_json(again)) == written

    round_trip()


def test_round_trip_and_replace_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    sessions = migrated(postgres_url)
    with db.transaction(sessions) as session:
        summary = load_starter_directory(session)
    assert len(summary.created) == len(read_directory(STARTER))
    out = tmp_path / "dir.json"
    with sessions() as session:
        write_directory(programmes.all_programmes(session), out, "json")
    save(sessions, record(id="extra", name="Extra"))
    with db.transaction(sessions) as session:
        summary = import_directory(session, read_directory(out), actor="cli", replace=True)
    assert summary.removed == ["extra"] and not summary.created and not summary.updated
    with sessions() as session:
        assert [r.model_dump() for r in programmes.all_programmes(session)] == [
            r.programme.model_dump() | {"retired": False}
            for r in sorted(read_directory(STARTER), key=lambda r: r.programme.id or "")
        ]
        changes = history.history(session, kind="programme", key="extra")
    assert [c.action for c in changes] == ["delete", "create"]


# --- the starter directory and HSDS -----------------------------------------------------


def test_starter_directory_names_the_seed_programmes_with_their_areas() -> None:
    records = {r.programme.name: r.programme for r in read_directory(STARTER)}
    for name in ("UpScaler", "Digital UpScaler", "Women in Leadership", "Big House"):
        assert records[name].areas == ["E37000045"], name
    assert all(set(r.areas) == {"UK"} for n, r in records.items() if n not in (
        "UpScaler", "Digital UpScaler", "Women in Leadership", "Big House"
    ))  # fmt: skip


def test_hsds_services() -> None:
    records = [
        programmes.ProgrammePublic.model_validate(
            record(contact="team@example.org", areas=["E37000045", "UK"]).model_dump()
            | {"updated": date(2024, 5, 1), "retired": False}
        ),
        programmes.ProgrammePublic.model_validate(
            record(id="gone", name="Gone", contact="0115 000 0000").model_dump()
            | {"updated": date(2024, 5, 1), "retired": True}
        ),
    ]
    services = to_hsds(records, {"E37000045": "D2N2"})["contents"]
    first, second = services
    for service in services:
        assert {"id", "name", "status", "description", "url", "organization"} <= set(service)
        uuid.UUID(service["id"])
        uuid.UUID(service["organization"]["id"])
        assert service["organization_id"] == service["organization"]["id"]
    assert first["status"] == "active" and second["status"] == "inactive"
    assert first["email"] == "team@example.org"
    assert second["contacts"][0]["name"] == "0115 000 0000"
    assert [a["name"] for a in first["service_areas"]] == ["D2N2", "United Kingdom"]
    assert first["service_areas"][1]["uri"].endswith("/K02000001")
    terms = {a["taxonomy_term"]["taxonomy"] for a in first["attributes"]}
    assert terms == {"scaleup-support-type", "scaleup-finder-field"}  # the slug's attribute
    assert first["assured_date"] == "2024-05-01"
    # stable identifiers from one export to the next
    assert to_hsds(records, {})["contents"][0]["id"] == first["id"]
    json.dumps(services)


def test_csv_export_has_the_contract_columns() -> None:
    text = to_csv([])
    assert next(csv.reader(io.StringIO(text))) == list(FIELDS)
