"""One typed settings model: defaults < scaleup.toml < SCALEUP_* environment < CLI flags.

Each setting is declared once here, with its type, bounds and description; that declaration
drives validation, the ``--help`` of ``scaleup config``, docs/settings.md and a test that
they agree. Load settings with :func:`load_settings`; never build them at import time.
"""

from __future__ import annotations

import os
import re
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from scaleup.errors import ConfigError, describe_invalid

CONFIG_FILENAME = "scaleup.toml"
ENV_PREFIX = "SCALEUP_"


def _exact_fraction(value: Any) -> Fraction:
    """Parse a growth rate held exactly: "0.2", "1/5", "20%" and 0.2 all give 1/5."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError('expected a fraction or decimal string such as "1/5" or "0.2"')
    text = str(value).strip()
    scale = Fraction(1)
    if text.endswith("%"):
        text, scale = text[:-1].strip(), Fraction(1, 100)
    try:
        return Fraction(text) * scale
    except (ValueError, ZeroDivisionError):
        raise ValueError(
            f'expected a fraction or decimal string such as "1/5" or "0.2", got {value!r}'
        ) from None


def _positive_fraction(value: Any) -> Fraction:
    f = _exact_fraction(value)
    if f <= 0:
        raise ValueError(f"expected a growth rate > 0, got {value!r}")
    return f


ExactRate = Annotated[
    Fraction,
    BeforeValidator(_positive_fraction),
    PlainSerializer(lambda f: f"{f.numerator}/{f.denominator}", return_type=str),
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class MetricsSettings(_Section):
    """How scaleups, densities and trends are defined (methodology sections 1-4)."""

    growth_rate: ExactRate = Field(
        Fraction(1, 5),
        description='Average annual growth that must be exceeded, held exactly ("1/5" == "0.2").',
    )
    window: int = Field(3, ge=1, le=20, description="Years between the start and end of growth.")
    min_employees: int = Field(
        10, ge=0, description="Employees needed at the start of the window to be assessed."
    )
    trend: Literal["endpoints", "ols"] = Field(
        "endpoints",
        description='Trend of density: "endpoints" (mean yearly change) or "ols" (slope).',
    )
    trend_years: int = Field(4, ge=2, le=50, description="End years in the trend window.")


class PublicationSettings(_Section):
    """Statistical disclosure control of published tables (methodology section 5)."""

    threshold: int = Field(10, ge=1, description="Counts below this are suppressed as [c].")
    rounding: int = Field(5, ge=1, description="Published counts are rounded to this multiple.")


MEMORY_SIZE = re.compile(r"\s*[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB|%)\s*", re.I)


def _memory_size(value: str) -> str:
    """A memory size DuckDB understands: a number and a unit (or a share of memory, %)."""
    if not MEMORY_SIZE.fullmatch(value):
        raise ValueError(f'{value!r} is not a memory size (like "4GB", "512MiB" or "80%")')
    return value.strip()


class EngineSettings(_Section):
    """Which engine executes the metrics (the same Ibis expressions on each)."""

    backend: Literal["duckdb", "spark"] = Field(
        "duckdb", description='"duckdb" (embedded, default) or "spark".'
    )
    threads: int | None = Field(None, ge=1, description="DuckDB threads (default: all cores).")
    memory_limit: str | None = Field(
        None, description='DuckDB memory limit, e.g. "4GB", "512MiB" or "80%".'
    )
    spark_remote: str | None = Field(
        None, description='Spark Connect URL (e.g. "sc://host:15002"); empty for a local session.'
    )
    spark_master: str = Field("local[*]", description="Spark master for a local/classic session.")

    @field_validator("memory_limit")
    @classmethod
    def _memory_limit(cls, value: str | None) -> str | None:
        return None if value is None else _memory_size(value)


class WebSettings(_Section):
    """How the site guards itself when served (``scaleup serve``)."""

    max_request_bytes: int = Field(
        4 * 1024 * 1024,
        ge=1024,
        le=1024**3,
        description="Largest request body, in bytes; a larger one is a 413 before it is read "
        "(imports run from the command line, not through the site).",
    )
    trusted_proxies: str = Field(
        "127.0.0.1",
        description="Comma-separated addresses whose X-Forwarded-Proto/-For are believed "
        '(uvicorn\'s forwarded_allow_ips; "*" for any): HTTPS behind them gets HSTS and '
        "Secure cookies.",
    )


class Settings(BaseSettings):
    """Every setting of the project, in sections as in scaleup.toml."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        validate_default=True,
    )

    metrics: MetricsSettings = MetricsSettings()
    publication: PublicationSettings = PublicationSettings()
    engine: EngineSettings = EngineSettings()
    web: WebSettings = WebSettings()
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the content store (default: SQLite in the workspace)."
    )
    secret_key: str | None = Field(
        None, description="Secret for sessions and CSRF; required outside development."
    )
    environment: Literal["development", "production"] = Field(
        "production", description="development relaxes the secret-key check (demo only)."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # First wins: CLI flags (init) > environment > TOML (passed through init, see below).
        return (init_settings, env_settings)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    """SCALEUP_* variables (SCALEUP_SECTION__KEY for a section's key) as a nested dict."""
    source = EnvSettingsSource(
        Settings,
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        case_sensitive=False,
    )
    source.env_vars = {k.lower(): v for k, v in environ.items()}
    return source()


def _describe(err: ErrorDetails) -> str:
    """A settings error, worded as every validation error (:func:`describe_invalid`)."""
    if err["type"] == "extra_forbidden":
        loc = ".".join(str(p) for p in err["loc"])
        return f"{loc}: unknown setting (expected one of the keys in docs/settings.md)"
    return describe_invalid(err)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file", source=None) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None


def load_settings(
    config_file: Path | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    cwd: Path | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Settings from defaults < TOML < environment < ``overrides`` (CLI flags).

    ``config_file`` is ``--config``; without it, ``scaleup.toml`` in ``cwd`` is read when
    present. Overrides use the nested shape of the TOML file, e.g.
    ``{"engine": {"backend": "spark"}}``; ``None`` values are ignored.
    """
    environ = dict(os.environ if environ is None else environ)
    source = "defaults"
    data: dict[str, Any] = {}
    if config_file is not None:
        data = read_toml(Path(config_file))
        source = str(config_file)
    else:
        candidate = Path(cwd or Path.cwd()) / CONFIG_FILENAME
        if candidate.is_file():
            data = read_toml(candidate)
            source = str(candidate)
    # A workspace's own tables ([review], [inputs], [impact], ...) are read by the
    # workspace module; the settings model sees only its own sections.
    data = {k: v for k, v in data.items() if k not in WORKSPACE_SECTIONS}
    from_env = _env_overrides(environ)
    merged = _deep_merge(data, from_env)
    merged = _deep_merge(merged, _drop_none(overrides or {}))
    try:
        # Sources are merged here, so that every key is validated with one message style.
        return Settings.model_validate(merged)
    except ValidationError as exc:
        messages = [_describe(e) for e in exc.errors()]
        sources = [source] if source != "defaults" else []
        sources += ["SCALEUP_* environment variables"] if from_env else []
        where = f" (settings from {' and '.join(sources)})" if sources else ""
        raise ConfigError(f"configuration error{where}: " + "; ".join(messages)) from None


WORKSPACE_SECTIONS = frozenset({"inputs", "review", "content", "impact", "editions"})


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            v = _drop_none(v)
            if v:
                out[k] = v
        elif v is not None:
            out[k] = v
    return out


def settings_table() -> list[tuple[str, str, str, str]]:
    """(key, type, default, description) for every setting: drives docs and help."""
    rows: list[tuple[str, str, str, str]] = []
    defaults = Settings.model_validate({})
    for name, f in Settings.model_fields.items():
        default = getattr(defaults, name)
        if isinstance(default, BaseModel):
            for sub, sf in type(default).model_fields.items():
                value = default.model_dump(mode="json")[sub]
                rows.append(
                    (f"{name}.{sub}", _type_name(sf.annotation), repr(value), sf.description or "")
                )
        else:
            rows.append((name, _type_name(f.annotation), repr(default), f.description or ""))
    return rows


def settings_markdown() -> str:
    """docs/settings.md, generated from the model (``scaleup settings --markdown``)."""
    lines = [
        "# Settings",
        "",
        "Generated from `src/scaleup/config.py` by `scaleup settings --markdown`; a test",
        "checks that this page and the model agree.",
        "",
        "Precedence: defaults < `scaleup.toml` (or `--config FILE`) < `SCALEUP_*` environment",
        "variables (`SCALEUP_SECTION__KEY`, e.g. `SCALEUP_METRICS__WINDOW=4`; top-level keys as",
        "`SCALEUP_DATABASE_URL`) < command-line flags. An unknown key, a wrong type or an",
        "impossible value is a configuration error (exit 2) naming the key.",
        "",
        "| key | type | default | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for key, kind, default, description in settings_table():
        cells = (key, kind, default, description)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _type_name(annotation: Any) -> str:
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(annotation))
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "")
