"""Running `scaleup` commands and servers from the tests, as a user would."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

SCALEUP = str(Path(sys.executable).with_name("scaleup"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command_env() -> dict[str, str]:
    """The test process's environment without SCALEUP_* settings, in development mode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCALEUP_")}
    env["SCALEUP_ENVIRONMENT"] = "development"
    return env
