"""How figures are written on a page: suppressed, not available, counts, densities, trends."""

from __future__ import annotations

import re
from typing import Any, TypeGuard

from jinja2 import Environment
from markdown_it import MarkdownIt
from markupsafe import Markup

from scaleup.tables import SUPPRESSED

NOT_AVAILABLE = "not available"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def count(value: Any) -> str:
    """A published count: ``1,234``, ``[c]`` (suppressed) or ``not available``."""
    if value == SUPPRESSED:
        return SUPPRESSED
    if not is_number(value):
        return NOT_AVAILABLE
    return f"{round(value):,}"


def decimal(value: Any, places: int = 2, signed: bool = False) -> str:
    if value == SUPPRESSED:
        return SUPPRESSED
    if not is_number(value):
        return NOT_AVAILABLE
    text = f"{value:+,.{places}f}" if signed else f"{value:,.{places}f}"
    return text.replace("-", "\u2212")


def density(value: Any) -> str:
    """Scaleups per 100,000 residents."""
    return decimal(value, 1)


def trend(value: Any) -> str:
    return decimal(value, 2, signed=True)


def share(value: Any) -> str:
    if not is_number(value):
        return NOT_AVAILABLE if value != SUPPRESSED else SUPPRESSED
    return f"{value:.0%}"


def markdown(text: str | None) -> Markup:
    """Markdown (raw HTML disabled, so editors cannot inject markup) to HTML."""
    return Markup(_markdown.render(text or ""))


_ROOTED = re.compile(r'href="/(?!/)([^"]*)"')


def site_url(url: str, root: str, index: str, home: str | None = None) -> str:
    """A link of the review's own (``/finder/``) as the page must write it: under ``root``,
    and naming ``index`` (``index.html`` in a built site) where it names a folder, so that
    it opens from files as well as when served; an area's or a LAD's page is the one of the
    page's edition (under ``home``). Other links are unchanged."""
    if not url.startswith("/") or url.startswith("//"):
        return url
    path, hash_, fragment = url[1:].partition("#")
    if path == "" or path.endswith("/"):
        path += index
    base = home if home and path.startswith(("areas/", "lads/")) else root
    return base + path + hash_ + fragment


def site_links(html: Markup | str, root: str, index: str, home: str | None = None) -> Markup:
    """:func:`site_url` on every ``href="/..."`` of rendered Markdown."""
    return Markup(
        _ROOTED.sub(lambda m: f'href="{site_url("/" + m[1], root, index, home)}"', str(html))
    )


def plural(n: int, one: str, many: str) -> str:
    """``one`` for 1, else ``many`` (the filter ``plural``)."""
    return one if n == 1 else many


def lads_phrase(n: int) -> str:
    """``1 local authority``, ``6 local authorities``."""
    return f"{n:,} {plural(n, 'local authority', 'local authorities')}"


_ES = re.compile(r"(s|x|z|ch|sh)$")
_IES = re.compile(r"[^aeiou]y$")


def plural_noun(noun: str) -> str:
    """An English plural of an area type's name (its last word): region -> regions, combined
    authority -> combined authorities, growth zone -> growth zones, box -> boxes."""
    if not noun:
        return noun
    head, _, last = noun.rpartition(" ")
    if _IES.search(last):
        last = last[:-1] + "ies"
    elif _ES.search(last):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def install_filters(env: Environment) -> None:
    env.filters.update(
        count=count, decimal=decimal, density=density, trend=trend, share=share, markdown=markdown,
        site_url=site_url, site_links=site_links, plural=plural, lads=lads_phrase,
    )  # fmt: skip
    env.tests["number"] = is_number
