"""Where an input lies: a local path, or a Hadoop path that a cluster engine reads.

A Hadoop path (``s3a://bucket/panel/``, ``hdfs://namenode/data/panel``, ``gs://...``,
``file:///data/panel``) names a file or folder the Spark engine's executors read; the
driver never opens it. Only the panel may be one: the small inputs are read by the driver.
"""

from __future__ import annotations

import re
from pathlib import Path

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(location: str | Path) -> bool:
    """A Hadoop path such as ``s3a://bucket/panel``, ``hdfs://nn/panel`` or ``file:///x``."""
    return bool(URL.match(str(location)))
