"""The finder's search on both backends: full text, ranking, every filter, pages, odd text."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from finder.world import record, save, seed_geography
from scaleup.store import db, search
from scaleup.store.search import SearchQuery


@pytest.fixture
def sessions(store_url: str):  # type: ignore[no-untyped-def]
    engine = db.make_engine(store_url)
    db.migrate(engine)
    factory = db.sessions(engine)
    seed_geography(factory)
    save(
        factory,
        record(),
        record(
            id="digital-upscaler",
            name="Digital UpScaler",
            provider="East Midlands Chamber",
            summary="Grants and advice to adopt digital technology; follows on from UpScaler.",
            support_types=["grant", "advice"],
            sectors=["Digital"],
            min_employees=5,
            max_employees=249,
        ),
        record(
            id="export-finance",
            name="Export Finance",
            provider="UK Export Finance",
            summary="Insurance and loans for exporters.",
            support_types=["finance"],
            areas=["UK"],
        ),
        record(
            id="blaby-mentors",
            name="Blaby Mentors",
            provider="Blaby Council",
            summary="Mentoring for leaders of local firms.",
            support_types=["mentoring"],
            areas=["E07000129"],
            stages=["start-up"],
            min_employees=250,
        ),
        record(
            id="old-scheme",
            name="Old leadership scheme",
            summary="Leadership, now closed.",
            retired=True,
        ),
    )
    yield factory
    engine.dispose()


def ids(sessions, **query) -> list[str]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return [r.id for r in search.search(session, SearchQuery(**query)).results]


def test_backend_has_its_own_full_text_index(sessions) -> None:
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            sql = session.scalar(
                text("SELECT sql FROM sqlite_master WHERE name = 'programme_search'")
            )
            assert "fts5" in sql.lower()
        else:
            kind = session.scalar(
                text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'programme_search' AND column_name = 'document'"
                )
            )
            assert kind == "tsvector"
        assert session.scalar(text("SELECT count(*) FROM programme_search")) == 5


def test_words_match_stems_and_prefixes_and_all_must_match(sessions) -> None:
    assert set(ids(sessions, q="leader")) == {"upscaler", "blaby-mentors"}
    assert ids(sessions, q="exporter insurance") == ["export-finance"]
    assert ids(sessions, q="insurance mentoring") == []


def test_name_match_ranks_above_summary_match(sessions) -> None:
    save(
        sessions,
        record(id="alpha", name="Alpha Programme", summary="Held next to the kestrel reserve."),
        record(id="zulu", name="Kestrel Growth", summary="Growth help for firms."),
    )
    # By name "Alpha" would come first; the word in the name ranks "Kestrel Growth" higher.
    assert ids(sessions, q="kestrel") == ["zulu", "alpha"]


def test_without_words_all_current_programmes_by_name(sessions) -> None:
    assert ids(sessions) == ["blaby-mentors", "digital-upscaler", "export-finance", "upscaler"]
    assert "old-scheme" in ids(sessions, include_retired=True)


def test_area_filter_by_lad_or_area_includes_uk_wide(sessions) -> None:
    # Ashfield is in D2N2: D2N2's programmes and the UK-wide one, not Blaby's.
    assert ids(sessions, area="E07000170") == ["digital-upscaler", "export-finance", "upscaler"]
    assert ids(sessions, area="E37000045") == ["digital-upscaler", "export-finance", "upscaler"]
    # Blaby's own programme serves a firm in Blaby, and in its area as a whole.
    assert ids(sessions, area="E07000129") == ["blaby-mentors", "export-finance"]
    assert ids(sessions, area="e37000021") == ["blaby-mentors", "export-finance"]
    assert ids(sessions, area="UK") == ["export-finance"]


def test_facet_filters(sessions) -> None:
    assert ids(sessions, support="Grant") == ["digital-upscaler"]
    # A programme naming no sector serves every sector.
    assert "digital-upscaler" in ids(sessions, sector="digital")
    assert "upscaler" in ids(sessions, sector="digital")
    assert "digital-upscaler" not in ids(sessions, sector="Retail")
    assert ids(sessions, stage="start-up") == ids(sessions)  # stage-less ones serve any
    assert ids(sessions, provider="uk export finance") == ["export-finance"]
    assert ids(sessions, employees=3) == ["export-finance", "upscaler"]
    assert ids(sessions, size="1000+") == ["blaby-mentors", "export-finance", "upscaler"]
    assert ids(sessions, size="0-9") == ["digital-upscaler", "export-finance", "upscaler"]


def test_pages(sessions) -> None:
    with sessions() as session:
        first = search.search(session, SearchQuery(limit=3))
        second = search.search(session, SearchQuery(limit=3, offset=3))
    assert first.total == second.total == 4
    assert len(first.results) == 3 and len(second.results) == 1
    assert {r.id for r in first.results}.isdisjoint(r.id for r in second.results)


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE programme; --",
        '" OR 1=1 --',
        "<script>alert(1)</script>",
        "NEAR(a b) AND * : ^ -",
        "upscaler\x00",
        "))) (((",
        "a" * 500,
    ],
)
def test_odd_search_text_is_harmless(sessions, text: str) -> None:
    with sessions() as session:
        page = search.search(session, SearchQuery(q=text, area=text, sector=text))
    assert page.total >= 0
    assert len(ids(sessions)) == 4  # the table is still there, unchanged
