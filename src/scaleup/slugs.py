"""The one slug rule: what a slug looks like, and how a name becomes one.

A slug is lower-case letters and digits in words joined by single hyphens
(``derby-derbyshire-nottingham-and-nottinghamshire``). Areas' page addresses and the finder's
programme ids are slugs; both are made from names by :func:`slugify`.
"""

from __future__ import annotations

import re

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
