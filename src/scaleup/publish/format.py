"""How figures are written on a page: suppressed, not available, counts, densities, trends."""

from __future__ import annotations

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


def install_filters(env: Environment) -> None:
    env.filters.update(
        count=count, decimal=decimal, density=density, trend=trend, share=share, markdown=markdown
    )
    env.tests["number"] = is_number
