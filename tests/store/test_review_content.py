"""Area content round-trips through the store on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from scaleup.errors import InputError
from scaleup.store import db, repo
from scaleup.workspace import AreaContent, Figure, Section


def _content(code: str = "E37000045") -> AreaContent:
    return AreaContent(
        code=code,
        introduction="An introduction.",
        sections=[Section(heading="Support", body="Text with **bold**.")],
        programmes=["UpScaler"],
        figures=[Figure(label="companies supported", value="230", programme="UpScaler")],
    )


def test_save_and_get_area_content(store_url: str) -> None:
    engine = db.make_engine(store_url)
    db.migrate(engine)
    assert {"review_area", "review_area_content"} <= set(inspect(engine).get_table_names())
    factory = db.sessions(engine)
    with db.transaction(factory) as session:
        assert repo.get_area_content(session, "E37000045", "2021") is None
        repo.save_area_content(session, "E37000045", _content(), "2021")
    with db.transaction(factory) as session:
        got = repo.get_area_content(session, "E37000045", "2021")
        assert got == _content()
        edited = got.model_copy(update={"introduction": "Edited."})
        repo.save_area_content(session, "E37000045", edited, "2021")
        assert repo.get_area_content(session, "E37000045", "2026") is None
    with db.transaction(factory) as session:
        assert repo.get_area_content(session, "E37000045", "2021").introduction == "Edited."
        assert set(repo.all_area_contents(session, "2021")) == {"E37000045"}
        assert repo.all_area_contents(session, "2026") == {}


def test_invalid_content_is_refused_and_nothing_written(store_url: str) -> None:
    engine = db.make_engine(store_url)
    db.migrate(engine)
    factory = db.sessions(engine)
    with pytest.raises(InputError) as caught:
        with db.transaction(factory) as session:
            repo.save_area_content(session, "E37000045", {"figures": [{"value": "3"}]}, "2021")
    assert any("label" in line for line in caught.value.render())
    with db.transaction(factory) as session:
        assert repo.get_area_content(session, "E37000045", "2021") is None


def test_neighbours_bookends() -> None:
    assert repo.neighbours(["a", "b", "c"]) == [
        (None, "a", "b"),
        ("a", "b", "c"),
        ("b", "c", None),
    ]
    assert repo.neighbours([]) == []
