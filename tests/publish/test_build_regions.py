"""`scaleup build` stores the finder's regions with the review, in the same transaction."""

from __future__ import annotations

from sqlalchemy import select

from scaleup.store import db, places
from scaleup.store.places import FinderRegion
from support.review import LAD_NAMES


def test_build_stores_the_region_of_every_review_lad(build, store_url: str) -> None:
    _, engine = build(url=store_url)
    build(url=store_url)  # a second build replaces the regions, it does not add to them
    with db.sessions(engine)() as session:
        assert len(places.regions(session)) == 12
        # The generated review's LADs are Derbyshire's: all in the East Midlands.
        assert places.lads_in(session, "E12000004") == set(LAD_NAMES)
        assert set(session.scalars(select(FinderRegion.vintage))) == {"2021"}
        serving = places.codes_serving(session, "E12000004")
        assert {"E37000901", "E37000902", "E37000903", "E07000034"} <= serving
