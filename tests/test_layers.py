"""The layers of docs/architecture.md, checked by reading every module's imports.

Data flows one way: ingest -> metrics -> store -> publish/web -> cli. A module may import
its own part and the parts below it, never a part above it; an import inside a function
counts as much as one at the top. A part that is missing from ``LAYERS`` fails the test, so
a new folder has to be placed in the order before it can be used.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scaleup

PACKAGE = Path(scaleup.__file__).resolve().parent

LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "atomic", "tables", "data", "slugs", "locations"),
    ("config",),
    ("engine", "geo", "meta"),
    ("ingest", "finder", "synth", "workspace"),
    ("metrics",),
    ("impact",),
    ("pipeline", "public_data"),
    ("store",),
    ("publish",),
    ("web",),
    ("demo",),
    ("cli",),
)
"""Bottom to top. Parts on one line do not depend on each other (checked too)."""

RANK = {part: n for n, parts in enumerate(LAYERS) for part in parts}


def part_of(module: str) -> str | None:
    """``scaleup.store.repo`` -> ``store``; None for a module outside the package."""
    names = module.split(".")
    if names[0] != "scaleup":
        return None
    return names[1] if len(names) > 1 else "__init__"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    names = list(relative.parts)
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def imported(path: Path, package: str = "scaleup") -> list[tuple[int, str]]:
    """(line, module) of every import of a scaleup module in ``path``, anywhere in it;
    ``package`` is the package a relative import starts from."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # ``from scaleup import web`` imports the part named, not just the package
            if target == "scaleup":
                found += [(node.lineno, f"scaleup.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.startswith("scaleup")]


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_every_part_has_a_place_in_the_order() -> None:
    parts = {part_of(module_name(p)) for p in modules()} - {"__init__", "__main__"}
    assert parts - set(RANK) == set(), "add the new part to LAYERS (tests/test_layers.py)"


def test_no_import_runs_back_up_the_layers() -> None:
    wrong = []
    for path in modules():
        mine = part_of(module_name(path))
        if mine in (None, "__init__", "__main__"):
            continue
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for line, target in imported(path, package):
            theirs = part_of(target)
            if theirs in (None, "__init__", mine):
                continue
            if RANK[theirs] >= RANK[mine]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {mine} imports {target}")
    assert wrong == []


@pytest.mark.parametrize(
    ("low", "high"),
    [("ingest", "publish"), ("metrics", "web"), ("store", "cli"), ("publish", "web")],
)
def test_the_order_says_what_the_architecture_says(low: str, high: str) -> None:
    assert RANK[low] < RANK[high]


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "def f():\n    from scaleup.web import app\n    import scaleup.cli\n"
        "    from ..store import repo\n    from scaleup import publish\n"
    )
    assert sorted(name for _line, name in imported(source, "scaleup.metrics")) == [
        "scaleup",
        "scaleup.cli",
        "scaleup.publish",
        "scaleup.store",
        "scaleup.web",
    ]


def _module_graph() -> dict[str, set[str]]:
    """Each module -> the package's modules it imports (anywhere in it); ``from a import b``
    names module ``a.b`` when there is one, else ``a``."""
    names = {module_name(p): p for p in modules()}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = {target for _line, target in imported(path, package)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for _line, target in imported_from(node, package):
                    targets.add(target)
        graph[name] = {t for t in targets if t in names and t != name}
    return graph


def imported_from(node: ast.ImportFrom, package: str) -> list[tuple[int, str]]:
    """``from a import b, c``: the modules ``a.b`` and ``a.c`` it may name."""
    if node.level:
        base = package.split(".")
        base = base[: len(base) - node.level + 1]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    return [(node.lineno, f"{target}.{alias.name}") for alias in node.names]


def _loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_loop_between_packages_or_modules() -> None:
    """No two modules (nor two subpackages) import each other, directly or round a loop,
    not even from inside a function."""
    graph = _module_graph()
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        mine = ".".join(module.split(".")[:2])
        for target in targets:
            theirs = ".".join(target.split(".")[:2])
            if theirs != mine:
                packages.setdefault(mine, set()).add(theirs)
    assert _loops(packages) == []
    assert _loops(graph) == []


def test_the_loop_finder_finds_a_loop() -> None:
    assert _loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
