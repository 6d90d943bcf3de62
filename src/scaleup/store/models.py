"""Every table of the content store, imported so that Alembic sees them all.

Each part of the project keeps its tables in its own module; this module only gathers them.
"""

from __future__ import annotations

from scaleup.store import (
    accounts,  # noqa: F401 - users, tokens, sign-in attempts
    history,  # noqa: F401 - the history of changes
    places,  # noqa: F401 - the finder's regions
    programmes,  # noqa: F401 - the support finder
    review,  # noqa: F401 - the review's statistics and area content
)
from scaleup.store.db import Base

__all__ = ["Base"]
