"""Large support-finder directories made by code, for load and import tests."""

from __future__ import annotations

import json
from pathlib import Path

WORDS = ("growth", "export", "leadership", "finance", "mentoring", "digital", "innovation")


def programme(n: int, *, summary_suffix: str = "") -> dict:
    """The ``n``-th programme of a made-up directory (every seventh has "growth" in its name)."""
    word = WORDS[n % len(WORDS)]
    return {
        "id": f"made-{n:06d}",
        "name": f"{word.title()} programme {n}",
        "provider": f"Provider {n % 97}",
        "summary": f"Support for {WORDS[(n * 3) % len(WORDS)]} in scaleups, number {n}."
        + summary_suffix,
        "url": f"https://example.org/programmes/{n}",
        "support_types": ["advice" if n % 2 else "grant"],
        "areas": ["UK"],
    }


def write_directory(path: Path, count: int, *, start: int = 0) -> Path:
    """A JSON directory file of ``count`` programmes (ids ``made-<start>`` onwards)."""
    body = {
        "format": "scaleup-finder/1",
        "programmes": [programme(n) for n in range(start, start + count)],
    }
    path.write_text(json.dumps(body), encoding="utf-8")
    return path
