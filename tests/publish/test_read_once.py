"""A build reads every LAD of an edition at once: what it reads so is what a page served
alone reads."""

from __future__ import annotations

from scaleup.store import db, repo


def test_every_lad_read_at_once_is_the_lad_read_alone(build) -> None:
    _, engine = build()
    with db.sessions(engine)() as session:
        editions = repo.editions(session)
        assert editions
        for edition in editions:
            details = repo.lad_details(session, edition.key)
            refs = repo.lad_refs(session, edition.key)
            assert sorted(details) == sorted(ref.code for ref in refs)
            for ref in refs:
                assert details[ref.code] == repo.get_lad(session, ref.code, edition.key)
                assert details[ref.code].areas, ref.code
        assert repo.lad_details(session, "no-such-edition") == {}
