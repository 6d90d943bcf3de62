"""Every internal link of a built site resolves as files: the check ``build --strict`` runs.

A built site is opened from ``file://`` as often as it is served, so a link must name a
file that the build wrote: a relative path (``../areas/x/index.html``), never a folder
(which a browser shows as a listing from files) nor a path from the server's root.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scaleup.errors import Problem

_LINK = re.compile(
    r"""<(?:a|link)\b[^>]*?\bhref="([^"]*)"|<(?:img|script)\b[^>]*?\bsrc="([^"]*)\""""
)


def broken_links(site: Path) -> list[Problem]:
    """Every internal link of every HTML file under ``site`` that names no written file, as
    ``FILE:LINE: broken link 'HREF'`` problems.

    The site's files and folders are listed once; each link is then checked against that
    list by its path made plain (``..`` and ``.`` taken out), without asking the disk."""
    files, folders = _listing(site)
    pages = sorted((f for f in files if f.endswith(".html")), key=lambda f: f.split("/"))
    problems = []
    for rel in pages:
        text = (site / rel).read_text(encoding="utf-8")
        where = posixpath.dirname(rel)
        for match in _LINK.finditer(text):
            href = match[1] if match[1] is not None else match[2]
            why = _why_broken(files, folders, where, href)
            if why:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(Problem(rel, f"broken link {href!r}: {why}", (line,)))
    return problems


def _listing(site: Path) -> tuple[set[str], set[str]]:
    """The site's files and folders, as paths from the site's folder ("a/b.html")."""
    files: set[str] = set()
    folders: set[str] = {"."}
    for folder, subfolders, names in os.walk(site):
        rel = Path(folder).relative_to(site).as_posix()
        prefix = "" if rel == "." else f"{rel}/"
        folders.update(prefix + name for name in subfolders)
        files.update(prefix + name for name in names)
    return files, folders


def _why_broken(files: set[str], folders: set[str], where: str, href: str) -> str | None:
    """Why ``href`` on a page in the folder ``where`` (from the site's folder) is broken;
    None when it is not, or is not an internal link."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("#", "mailto:")) or href == "":
        return None
    if parts.path.startswith("/"):
        return "a path from the server's root does not open from files"
    target = posixpath.normpath(posixpath.join(where, unquote(parts.path)))
    if target == ".." or target.startswith("../"):
        return "outside the site"
    if target in folders:
        return "a folder, not a file (add index.html)"
    if target not in files:
        return "no such file in the site"
    return None
