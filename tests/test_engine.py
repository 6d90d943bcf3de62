"""Engine settings that fail fast with a clear message, before any JVM is started."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaleup.cli.main import app
from scaleup.config import EngineSettings, load_settings
from scaleup.engine import _local_cores, _spark_memory, connect, spark_session
from scaleup.errors import ConfigError
from scaleup.synth import SynthSpec, generate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_spark_connect_server_is_a_config_error() -> None:
    port = free_port()  # closed again: nobody listens there
    engine = load_settings(
        environ={
            "SCALEUP_ENGINE__BACKEND": "spark",
            "SCALEUP_ENGINE__SPARK_REMOTE": f"sc://127.0.0.1:{port}",
        }
    ).engine
    with pytest.raises(ConfigError, match=f"no Spark Connect server answers at 127.0.0.1:{port}"):
        connect(engine)


def test_spark_remote_must_be_a_spark_connect_url() -> None:
    engine = EngineSettings(backend="spark", spark_remote="http://cluster:8080")
    with pytest.raises(ConfigError, match="expected a Spark Connect URL such as 'sc://host:15002'"):
        spark_session(engine)


def test_missing_java_is_a_config_error_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ConfigError, match="needs a Java runtime"):
        spark_session(EngineSettings(backend="spark"))


@pytest.mark.parametrize(
    ("master", "cores"), [("local[2]", 2), ("local[3,2]", 3), ("local", 1), ("local[*]", None)]
)
def test_local_cores(master: str, cores: int | None) -> None:
    import os

    assert _local_cores(master) == (cores or os.cpu_count())


@pytest.mark.parametrize(
    ("limit", "spark"), [(None, "2g"), ("4GB", "4g"), ("512MB", "512m"), ("6GiB", "6g")]
)
def test_memory_limit_in_spark_units(limit: str | None, spark: str) -> None:
    assert _spark_memory(limit) == spark


def test_compute_on_spark_without_java_exits_2_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    generate(SynthSpec(enterprises=300, seed=1, years=5, lads=20), data)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    out = tmp_path / "tables"
    result = CliRunner().invoke(
        app,
        [
            "compute",
            "--panel",
            str(data / "panel.parquet"),
            "--population",
            str(data / "population.csv"),
            "--geography",
            str(data / "geography.csv"),
            "--out",
            str(out),
            "--engine",
            "spark",
        ],  # fmt: skip
    )
    assert result.exit_code == 2, result.output
    assert "needs a Java runtime" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
