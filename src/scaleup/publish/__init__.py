"""The review as a website: site model, page contexts, charts, templates and static files.

:func:`make_templates` is the one Jinja environment of the site; other parts (the finder,
the admin) pass their own template folders so that their pages extend ``base.html``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from scaleup.publish.format import install_filters

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")


def make_templates(extra: Iterable[Path] = (), *, root: str = "/") -> Environment:
    """The site's Jinja environment; ``extra`` template folders are searched first.

    ``root`` is the URL prefix of every site link (``"/"`` when served; static builds use
    it too, so that the same templates serve both). Globals: ``root``, ``static``.
    """
    loaders = [FileSystemLoader(str(p)) for p in extra] + [FileSystemLoader(str(TEMPLATES))]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["root"] = root
    env.globals["static"] = root + "static/"
    install_filters(env)
    return env
