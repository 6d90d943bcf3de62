"""The one slug rule: what a slug looks like, and how a name becomes one.

A slug is lower-case letters and digits in words joined by single hyphens
(``derby-derbyshire-nottingham-and-nottinghamshire``). Areas' and local authorities' page
addresses and the finder's programme ids are slugs; both are made from names by :func:`slugify`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MEANING = "lower-case letters, digits and hyphens"


def is_slug(text: str) -> bool:
    return bool(SLUG.match(text))


def slugify(name: str, *, fallback: str, limit: int | None = None) -> str:
    """``"Derby, Derbyshire, Nottingham & Nottinghamshire"`` -> ``"derby-derbyshire-..."``:
    ``&`` reads "and", anything else that is not a letter or digit separates words; at most
    ``limit`` characters; ``fallback`` when no word is left."""
    text = name.lower().replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if limit is not None:
        slug = slug[:limit].strip("-")
    return slug or fallback


def unique_slugs(named: Iterable[tuple[str, str]], *, fallback: str) -> dict[str, str]:
    """``(code, name)`` pairs -> code: slug of the name, unique: when two names make the same
    slug, each of them gets its code appended (``"newport-w06000022"``), in every build alike
    (the result depends only on the pairs, not on their order)."""
    pairs = sorted(named)
    made = {code: slugify(name, fallback=fallback) for code, name in pairs}
    taken: dict[str, int] = {}
    for slug in made.values():
        taken[slug] = taken.get(slug, 0) + 1
    return {
        code: slug if taken[slug] == 1 else f"{slug}-{slugify(code, fallback=fallback)}"
        for code, slug in made.items()
    }


EDITION = re.compile(r"^[0-9]{4}$")
"""An edition's key and URL segment: its year (``2026``, as in ``/2026/areas/d2n2/``)."""


def edition_key(year: int) -> str:
    """The key of the edition of ``year`` (the one edition rule)."""
    return str(year)
