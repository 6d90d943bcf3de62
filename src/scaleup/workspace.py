"""A review workspace: ``scaleup.toml``, ``data/`` (inputs) and ``content/`` (one file per area).

A workspace is one edition of the review, or a review of several editions: then its
``scaleup.toml`` lists the editions' folders, each an edition's workspace with its own
``scaleup.toml`` (``[review]``, ``[inputs]``, settings), ``data/`` and ``content/``::

    scaleup.toml          [editions] folders = ["editions/2021", "editions/2026"]
    editions/2021/        scaleup.toml, data/, content/
    editions/2026/        scaleup.toml, data/, content/

An edition is named by its ``[review] year`` (its key and URL segment, ``/2026/``).

The workspace is what a review team keeps in git. ``scaleup.toml`` holds the review's own
tables (``[review]``, ``[inputs]``, ``[impact]``) beside the statistical settings that
:func:`scaleup.config.load_settings` reads. Each area's content is a Markdown file with YAML
front matter::

    ---
    code: E37000045
    slug: d2n2            # optional; default from the area's name
    order: 8              # optional; review order (then by name)
    programmes: [UpScaler]
    sectors: [Life Sciences & Biotech]
    figures:
      - {value: "230", label: companies supported by UpScaler, programme: UpScaler,
         kpi: companies_supported}
    links:
      - {title: D2N2 Growth Hub, url: "https://..."}
    ---
    Introduction paragraph.

    ## A section heading
    Its text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from scaleup.config import CONFIG_FILENAME, read_toml
from scaleup.errors import ConfigError, InputError, Problem, describe_invalid
from scaleup.geo import AREA_CODE, AREA_CODE_MEANING
from scaleup.locations import is_url
from scaleup.meta import Dataset, Sources
from scaleup.slugs import SLUG_MEANING, edition_key, is_slug

CONTENT_DIR = "content"
DATA_DIR = "data"
_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.MULTILINE)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Figure(_Model):
    """A headline programme figure: a value and what it counts, with its base when known."""

    label: str = Field(min_length=1)
    value: str | None = None
    programme: str | None = None
    kpi: str | None = None
    base: str | None = None
    synthetic: bool = False


class Link(_Model):
    title: str = Field(min_length=1)
    url: str = Field(min_length=1)


class Section(_Model):
    heading: str = Field(min_length=1)
    body: str = ""


class AreaContent(_Model):
    """An area's editorial content: narrative sections, programme figures, links."""

    code: str
    slug: str | None = None
    order: int | None = None
    introduction: str = ""
    sections: list[Section] = Field(default_factory=list)
    programmes: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _area_code(cls, value: str) -> str:
        if not AREA_CODE.match(value):
            raise ValueError(f"expected {AREA_CODE_MEANING}, got {value!r}")
        return value

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not is_slug(value):
            raise ValueError(f"expected {SLUG_MEANING}, got {value!r}")
        return value


def parse_content(text: str, source: str) -> AreaContent:
    """One content file -> AreaContent; every problem at once as an InputError."""
    text = text.lstrip("\ufeff")
    match = re.match(r"^---\s*\n(.*?)\n---\s*(?:\n|$)", text, re.DOTALL)
    if not match:
        raise InputError(Problem(source, "expected YAML front matter between '---' lines"))
    try:
        front = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        lines = (mark.line + 2,) if mark is not None else ()
        raise InputError(Problem(source, "front matter is not valid YAML", lines)) from None
    if not isinstance(front, dict):
        raise InputError(Problem(source, "front matter must be a mapping of keys to values"))
    body = text[match.end() :]
    parts = _HEADING.split(body)
    front["introduction"] = parts[0].strip()
    front["sections"] = [
        {"heading": parts[i].strip(), "body": parts[i + 1].strip()}
        for i in range(1, len(parts) - 1, 2)
    ]
    return content_from_dict(front, source)


def content_from_dict(data: dict[str, Any], source: str | None = None) -> AreaContent:
    try:
        return AreaContent.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(source, e["msg"].removeprefix("Value error, "), column=_loc(e["loc"]))
            for e in exc.errors()
        ]
        raise InputError(problems) from None


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "content"


def render_content(content: AreaContent) -> str:
    """AreaContent -> the Markdown file it is read from (round-trips with parse_content)."""
    front = content.model_dump(exclude={"introduction", "sections"}, exclude_defaults=True)
    lines = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).strip(), "---"]
    if content.introduction:
        lines += [content.introduction, ""]
    for section in content.sections:
        lines += [f"## {section.heading}", "", section.body, ""]
    return "\n".join(lines).rstrip() + "\n"


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _FilesTable(_Table):
    """A table naming files relative to the workspace."""

    def paths(self) -> dict[str, str]:
        raise NotImplementedError

    def files(self, root: Path) -> dict[str, Path]:
        """The files of :meth:`paths` in the workspace ``root``: the one place a workspace's
        file names are resolved."""
        return {k: Path(root) / v for k, v in self.paths().items()}


class ReviewTable(_Table):
    """``[review]``: the edition's title and year, and the last end year its inputs give."""

    title: str = "ScaleUp Annual Review"
    year: StrictInt
    end_year: StrictInt | None = None
    contact: str | None = Field(None, min_length=1)
    """Who answers questions about the review (an email or web address), on its downloads."""
    next_update: str | None = Field(None, min_length=1)
    """When the next edition is due ("November 2027, provisional"), on its pages."""
    revisions: str | None = Field(None, min_length=1)
    """How this edition's figures may be revised, said after the standard revisions note."""


class InputsTable(_FilesTable):
    """``[inputs]``: the contract files, relative to the workspace. The panel may also be
    a Hadoop path (``s3a://``, ``hdfs://``, ``file://``), read where it lies by the
    Spark engine (``[engine] backend = "spark"``)."""

    panel: str | None = None
    counts: str | None = None
    population: str
    geography: str
    sources: str | None = None
    """The datasets the review rests on (``[[dataset]]`` records, as ``scaleup import
    public-data`` writes them); its pages cite them."""

    @model_validator(mode="after")
    def _one_source(self) -> InputsTable:
        if (self.panel is None) == (self.counts is None):
            raise ValueError("give exactly one of 'panel' or 'counts'")
        return self

    @model_validator(mode="after")
    def _local_small_files(self) -> InputsTable:
        urls = [k for k in ("counts", "population", "geography") if is_url(getattr(self, k) or "")]
        if urls:
            raise ValueError(
                f"{', '.join(urls)}: only the panel may be a Hadoop path (the other files are "
                "small and read where scaleup runs)"
            )
        return self

    def paths(self) -> dict[str, str]:
        """The local files (the panel too unless it is a Hadoop path)."""
        return {k: v for k, v in self.model_dump().items() if v is not None and not is_url(v)}


class ImpactTable(_FilesTable):
    """``[impact]``: the programme cohort's files (relative to the workspace) and the support
    hours a company needs to count (see :mod:`scaleup.impact.workspace`)."""

    participants: str
    followups: str
    survey: str
    sectors: str | None = None
    min_hours: float = Field(ge=0, strict=True)

    def paths(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump(exclude={"min_hours"}).items() if v is not None}


class WorkspaceFile(BaseModel):
    """The workspace's own tables of ``scaleup.toml``: the one reading of them. The settings
    sections in the same file are :func:`scaleup.config.load_settings`'s."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    review: ReviewTable
    inputs: InputsTable
    impact: ImpactTable | None = None

    @classmethod
    def read(cls, path: Path) -> WorkspaceFile:
        """``path`` read and checked; every problem at once (InputError), worded as the
        settings' are (``table.key: what is wrong, got VALUE``)."""
        return cls.validated(read_toml(path), str(path))

    @classmethod
    def validated(cls, data: Mapping[str, Any], source: str) -> WorkspaceFile:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InputError([_problem(e, source) for e in exc.errors()]) from None

    @classmethod
    def read_impact(cls, path: Path) -> ImpactTable | None:
        """Only the ``[impact]`` table of ``path`` (None when it has none)."""
        data = read_toml(path)
        return None if "impact" not in data else cls.validated_impact(data["impact"], str(path))

    @classmethod
    def validated_impact(cls, table: Any, source: str) -> ImpactTable:
        try:
            return ImpactTable.model_validate(table)
        except ValidationError as exc:
            raise InputError(
                [_problem({**e, "loc": ("impact", *e["loc"])}, source) for e in exc.errors()]
            ) from None


def _problem(err: Any, source: str) -> Problem:
    tables: dict[str, type[_Table]] = {
        "review": ReviewTable,
        "inputs": InputsTable,
        "impact": ImpactTable,
    }
    table = tables.get(str(err["loc"][0]) if err["loc"] else "")
    known = list(table.model_fields) if table is not None else []
    return Problem(source, describe_invalid(err, known))


class EditionsTable(_Table):
    """``[editions]``: the folders of a review's editions, relative to its workspace."""

    folders: list[str] = Field(min_length=1)


class EditionsFile(BaseModel):
    """The ``[editions]`` table of a review's top ``scaleup.toml``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    editions: EditionsTable


@dataclass(frozen=True)
class Workspace:
    """A workspace on disk, its ``[review]``, ``[inputs]`` and ``[impact]`` tables read."""

    root: Path
    title: str
    year: int
    inputs: dict[str, Path]
    """The local input files by kind (``panel`` only when it is not a Hadoop path)."""
    impact: ImpactTable | None = None
    """The ``[impact]`` table (read by :func:`scaleup.impact.impact_from_workspace`)."""
    end_year: int | None = None
    contact: str | None = None
    panel_url: str | None = None
    """``[inputs] panel`` when it is a Hadoop path (read by the Spark engine, not here)."""
    sources: Sources = Sources()
    """The datasets of ``[inputs] sources`` with ``[review] next_update`` and ``revisions``."""

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILENAME

    @property
    def edition(self) -> str:
        """The edition's key and URL segment: its year (``"2026"``)."""
        return edition_key(self.year)

    @property
    def content_dir(self) -> Path:
        return self.root / CONTENT_DIR

    def content_files(self) -> list[Path]:
        return sorted(self.content_dir.glob("*.md")) if self.content_dir.is_dir() else []

    def read_contents(self) -> dict[str, AreaContent]:
        """Every content file, keyed by area code; all problems reported at once."""
        problems: list[Problem] = []
        contents: dict[str, AreaContent] = {}
        seen: dict[str, Path] = {}
        for path in self.content_files():
            rel = str(path.relative_to(self.root))
            try:
                content = parse_content(path.read_text(encoding="utf-8"), rel)
            except InputError as exc:
                problems += exc.problems()
                continue
            except UnicodeDecodeError:
                problems.append(Problem(rel, "not UTF-8 text"))
                continue
            if content.code in seen:
                problems.append(
                    Problem(rel, f"area {content.code} also has content in {seen[content.code]}")
                )
                continue
            seen[content.code] = path.relative_to(self.root)
            contents[content.code] = content
        if problems:
            raise InputError(problems)
        return contents


def load_workspace(root: Path) -> Workspace:
    """Read ``root/scaleup.toml``'s workspace tables; every problem at once."""
    root = Path(root)
    config = root / CONFIG_FILENAME
    if not config.is_file():
        raise InputError(
            Problem(
                str(config), "no such file: is this a workspace? (`scaleup init DIR` makes one)"
            )
        )
    tables = WorkspaceFile.read(config)
    inputs = tables.inputs.files(root)
    missing = [
        Problem(str(config), f"inputs.{kind}: no such file {name!r}")
        for kind, name in tables.inputs.paths().items()
        if not inputs[kind].exists()
    ]
    if missing:
        raise InputError(missing)
    return Workspace(
        root=root,
        title=tables.review.title,
        year=tables.review.year,
        inputs=inputs,
        impact=tables.impact,
        end_year=tables.review.end_year,
        contact=tables.review.contact,
        panel_url=tables.inputs.panel if is_url(tables.inputs.panel or "") else None,
        sources=Sources(
            datasets=read_datasets(inputs["sources"]) if "sources" in inputs else (),
            next_update=tables.review.next_update,
            revisions=tables.review.revisions,
        ),
    )


def read_datasets(path: Path) -> tuple[Dataset, ...]:
    """The ``[[dataset]]`` records of a sources file; every problem at once (InputError)."""
    try:
        table = read_toml(path)
    except ConfigError as exc:
        raise InputError(Problem(str(path), str(exc).removeprefix(f"{path}: "))) from None
    unknown = sorted(set(table) - {"dataset"})
    problems = [Problem(str(path), f"unknown table {k!r} (expected [[dataset]])") for k in unknown]
    records = table.get("dataset", [])
    if not isinstance(records, list):
        problems.append(Problem(str(path), "dataset: expected [[dataset]] tables"))
        records = []
    found = []
    keys = list(Dataset.model_fields)
    for n, record in enumerate(records, 1):
        try:
            found.append(Dataset.model_validate(record))
        except ValidationError as exc:
            problems += [
                Problem(str(path), f"dataset {n}: {describe_invalid(e, keys)}")
                for e in exc.errors()
            ]
    if problems:
        raise InputError(problems)
    return tuple(found)


@dataclass(frozen=True)
class Review:
    """A workspace holding several editions (``[editions]``), oldest first."""

    root: Path
    editions: tuple[Workspace, ...]

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILENAME

    @property
    def latest(self) -> Workspace:
        return self.editions[-1]

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def year(self) -> int:
        return self.latest.year


def is_review(root: Path) -> bool:
    """Whether ``root/scaleup.toml`` lists editions (``[editions]``)."""
    config = Path(root) / CONFIG_FILENAME
    return config.is_file() and "editions" in read_toml(config)


def load_review(root: Path) -> Review | Workspace:
    """A review of several editions when ``root/scaleup.toml`` has ``[editions]``, else the
    one-edition workspace (:func:`load_workspace`); every problem at once."""
    root = Path(root)
    if not is_review(root):
        return load_workspace(root)
    config = root / CONFIG_FILENAME
    try:
        table = EditionsFile.model_validate(read_toml(config)).editions
    except ValidationError as exc:
        known = list(EditionsTable.model_fields)
        wrong = [Problem(str(config), describe_invalid(e, known)) for e in exc.errors()]
        raise InputError(wrong) from None
    problems: list[Problem] = []
    editions: list[Workspace] = []
    for folder in table.folders:
        where = root / folder
        if not (where / CONFIG_FILENAME).is_file():
            problems.append(
                Problem(str(config), f"editions.folders: no edition workspace in {folder!r}")
            )
            continue
        try:
            editions.append(load_workspace(where))
        except InputError as exc:
            problems += exc.problems()
    seen: dict[str, Workspace] = {}
    for ws in editions:
        if ws.edition in seen:
            problems.append(
                Problem(
                    str(config),
                    f"editions.folders: {seen[ws.edition].root.name!r} and {ws.root.name!r} "
                    f"are both the {ws.edition} edition ([review] year)",
                )
            )
        seen[ws.edition] = ws
    if problems:
        raise InputError(problems)
    return Review(root, tuple(sorted(editions, key=lambda ws: ws.year)))
