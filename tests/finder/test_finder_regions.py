"""The finder's region facet on both backends: regions in the store, who serves whom, the
migration of a store made before regions existed."""

from __future__ import annotations

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from finder.world import EAST_MIDLANDS, LADS, record, save, seed_geography
from scaleup.geo.regions import regions_on_vintage
from scaleup.store import db, places, search
from scaleup.store.search import SearchQuery

WALES, LONDON = "W92000004", "E12000007"


@pytest.fixture
def sessions(store_url: str):  # type: ignore[no-untyped-def]
    engine = db.make_engine(store_url)
    db.migrate(engine)
    factory = db.sessions(engine)
    seed_geography(factory)
    save(
        factory,
        record(id="d2n2", name="D2N2 growth", areas=["E37000045"]),
        record(id="east-midlands", name="East Midlands growth", areas=[EAST_MIDLANDS]),
        record(id="blaby", name="Blaby growth", areas=["E07000129"]),
        record(id="wales", name="Welsh growth", areas=[WALES]),
        record(id="london", name="London growth", areas=[LONDON]),
        record(id="uk", name="UK growth", areas=["UK"]),
    )
    yield factory
    engine.dispose()


def ids(sessions, **query) -> list[str]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return sorted(r.id for r in search.search(session, SearchQuery(**query)).results)


def test_the_store_has_the_twelve_regions_and_each_lads_region(sessions) -> None:
    with sessions() as session:
        regions = places.regions(session)
        assert len(regions) == 12
        assert (EAST_MIDLANDS, "East Midlands") in regions
        assert {(WALES, "Wales"), ("S92000003", "Scotland")} <= set(regions)
        assert ("N92000002", "Northern Ireland") in regions
        assert places.lads_in(session, EAST_MIDLANDS) == {code for code, _ in LADS}
        assert places.place_names(session)[EAST_MIDLANDS] == "East Midlands"


def test_outside_england_a_lads_region_is_its_nation() -> None:
    found = regions_on_vintage(["W06000015", "S12000036", "N09000003", "E07000170"], "2021")
    assert found.vintage == 2021
    assert found.of_lad == {
        "W06000015": WALES,
        "S12000036": "S92000003",
        "N09000003": "N92000002",
        "E07000170": EAST_MIDLANDS,
    }


def test_a_vintage_the_geography_does_not_name_is_the_one_knowing_the_lads() -> None:
    assert regions_on_vintage(["E07000170"], "LAD 2021").vintage == 2021
    # Bournemouth, Christchurch and Poole exists from 2019 only.
    assert regions_on_vintage(["E06000058"], None).of_lad == {"E06000058": "E12000009"}


def test_codes_serving_a_lad_an_area_and_a_region(sessions) -> None:
    with sessions() as session:
        assert places.codes_serving(session, "E07000170") == {
            "UK", "E07000170", "E37000045", EAST_MIDLANDS,
        }  # fmt: skip
        assert places.codes_serving(session, "E37000045") == {
            "UK", "E37000045", "E07000170", "E06000018", EAST_MIDLANDS,
        }  # fmt: skip
        assert places.codes_serving(session, EAST_MIDLANDS.lower()) == {
            "UK", EAST_MIDLANDS, "E07000170", "E06000018", "E07000129", "E37000045", "E37000021",
        }  # fmt: skip


def test_a_lad_sees_its_regions_programmes(sessions) -> None:
    assert ids(sessions, area="E07000170") == ["d2n2", "east-midlands", "uk"]
    assert ids(sessions, area="E07000129") == ["blaby", "east-midlands", "uk"]
    # An area sees its region's, not those of other LADs of that region.
    assert ids(sessions, area="E37000045") == ["d2n2", "east-midlands", "uk"]


def test_a_region_sees_its_leps_and_lads_programmes(sessions) -> None:
    expected = ["blaby", "d2n2", "east-midlands", "uk"]
    assert ids(sessions, region=EAST_MIDLANDS) == expected
    assert ids(sessions, region="e12000004") == expected
    assert ids(sessions, area=EAST_MIDLANDS) == expected
    assert ids(sessions, region=WALES) == ["uk", "wales"]
    assert ids(sessions, region=LONDON) == ["london", "uk"]


def test_region_and_area_must_both_serve(sessions) -> None:
    assert ids(sessions, region=EAST_MIDLANDS, area="E07000170") == ["d2n2", "east-midlands", "uk"]
    assert ids(sessions, region=LONDON, area="E07000170") == ["uk"]


@pytest.mark.parametrize("code", ["E12000099", "E07000170", "E37000045", "UK", "x'; --"])
def test_a_code_that_is_no_region_finds_nothing(sessions, code: str) -> None:
    assert ids(sessions, region=code) == []


def test_a_finder_0001_store_upgrades_and_keeps_its_programmes(store_url: str) -> None:
    engine = db.make_engine(store_url)
    for revision in ("review@head", "accounts@head", "finder_0001"):
        db.migrate(engine, revision)
    with engine.connect() as conn:
        assert "finder_region" not in inspect(conn).get_table_names()
    factory = db.sessions(engine)
    with db.transaction(factory) as session:  # a programme as the code of finder_0001 saved it
        session.execute(
            text(
                "INSERT INTO programme (id, name, provider, summary, url, eligibility, cost, "
                "contact, updated, retired) VALUES ('before', 'Kestrel growth', 'P', 'S', "
                "'https://example.org', '', '', '', '2024-01-01', false)"
            )
        )
        session.execute(
            text(
                "INSERT INTO programme_facet (programme_id, facet, value, position) "
                f"VALUES ('before', 'area', '{EAST_MIDLANDS}', 0), "
                "('before', 'support', 'advice', 0)"
            )
        )
        if session.get_bind().dialect.name == "sqlite":
            session.execute(
                text(
                    "INSERT INTO programme_search (programme_id, name, provider, summary, tags, "
                    "eligibility) VALUES ('before', 'Kestrel growth', 'P', 'S', 'advice', '')"
                )
            )
        else:
            session.execute(
                text(
                    "INSERT INTO programme_search (programme_id, document) "
                    "VALUES ('before', to_tsvector('english', 'Kestrel growth'))"
                )
            )

    db.migrate(engine)
    with engine.connect() as conn:
        assert "finder_0003" in MigrationContext.configure(conn).get_current_heads()
        tables = set(inspect(conn).get_table_names())
    assert {"finder_region", "finder_region_lad"} <= tables
    seed_geography(factory)
    assert ids(factory, area="E07000170") == ["before"]
    assert ids(factory, region=EAST_MIDLANDS) == ["before"]
    assert ids(factory, q="kestrel") == ["before"]
    # the programme's old row of the index is found and replaced, not left beside the new
    save(factory, record(id="before", name="Osprey growth", areas=[EAST_MIDLANDS]))
    assert ids(factory, q="kestrel") == []
    assert ids(factory, q="osprey") == ["before"]
    engine.dispose()
