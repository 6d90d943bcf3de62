"""Running `scaleup` commands and servers from the tests, as a user would."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


@contextmanager
def served(app: Any, **options: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a thread of this process (so
    requests really run at the same time); yields its address, stops it after. ``options``
    go to ``uvicorn.Config``."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False, **options
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
