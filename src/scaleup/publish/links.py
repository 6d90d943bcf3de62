"""Every internal link of a built site resolves as files: the check ``build --strict`` runs.

A built site is opened from ``file://`` as often as it is served, so a link must name a
file that the build wrote: a relative path (``../areas/x/index.html``), never a folder
(which a browser shows as a listing from files) nor a path from the server's root.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scaleup.errors import Problem

_LINK = re.compile(
    r"""<(?:a|link)\b[^>]*?\bhref="([^"]*)"|<(?:img|script)\b[^>]*?\bsrc="([^"]*)\""""
)


def broken_links(site: Path) -> list[Problem]:
    """Every internal link of every HTML file under ``site`` that names no written file, as
    ``FILE:LINE: broken link 'HREF'`` problems."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for match in _LINK.finditer(text):
            href = match[1] if match[1] is not None else match[2]
            why = _why_broken(site, page, href)
            if why:
                line = text.count("\n", 0, match.start()) + 1
                rel = page.relative_to(site).as_posix()
                problems.append(Problem(rel, f"broken link {href!r}: {why}", (line,)))
    return problems


def _why_broken(site: Path, page: Path, href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("#", "mailto:")) or href == "":
        return None
    if parts.path.startswith("/"):
        return "a path from the server's root does not open from files"
    target = (page.parent / unquote(parts.path)).resolve()
    if not target.is_relative_to(site.resolve()):
        return "outside the site"
    if target.is_dir():
        return "a folder, not a file (add index.html)"
    if not target.is_file():
        return "no such file in the site"
    return None
