"""Every table of the content store, imported so that Alembic sees them all.

Each part of the project keeps its tables in its own module; this module only gathers them.
"""

from __future__ import annotations

from scaleup.store.db import Base

__all__ = ["Base"]
