"""The import graph of the workbench has no cycles: every import runs one way.

The graph is read from the source with :mod:`ast`, not by importing: an edge for every
``import`` and ``from … import`` of a workbench module, at module level and inside functions
(an import deferred into a function still says which module knows which). Imports made by name
at run time (:meth:`workbench.analyses.spec.Analysis.part`) are not edges; that is how the
registry reaches an analysis's modules without knowing them.

Two graphs are checked: the one Python runs (without the ``if TYPE_CHECKING:`` blocks) and the
one a type checker reads (with them), so a loop through a type hint is caught as well.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "workbench"

ALLOWED: dict[tuple[str, str], str] = {}
"""Edges left out of the graph, each for a reason. An entry whose import is gone fails
:func:`test_every_allowed_edge_still_exists`, so the list only shrinks."""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    file: Path
    line: int
    type_checking: bool

    def where(self) -> str:
        return f"{self.file.relative_to(REPO)}:{self.line}"


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST, type_checking: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Every import statement under ``node``, and whether only a type checker runs it."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, type_checking
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for statement in child.body:
                yield from _imports(ast.Module([statement], []), True)
            for statement in child.orelse:
                yield from _imports(ast.Module([statement], []), type_checking)
        else:
            yield from _imports(child, type_checking)


def edges() -> list[Edge]:
    """Every import of one workbench module by another."""
    known = modules()

    def resolve(name: str) -> str | None:
        """The workbench module ``name`` is, or is in (``workbench.config.Defaults``)."""
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    found = []
    for source, path in known.items():
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for statement, type_checking in _imports(tree):
            if isinstance(statement, ast.Import):
                names = [alias.name for alias in statement.names]
            else:
                base = statement.module or ""
                if statement.level:
                    anchor = package.split(".")[: len(package.split(".")) - statement.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                names = [f"{base}.{alias.name}" for alias in statement.names]
            for name in names:
                target = resolve(name)
                if target is not None and target != source:
                    found.append(Edge(source, target, path, statement.lineno, type_checking))
    return found


def graph(with_type_checking: bool) -> dict[str, dict[str, Edge]]:
    """Module → imported module → the first import that says so, without :data:`ALLOWED`."""
    result: dict[str, dict[str, Edge]] = {name: {} for name in modules()}
    for edge in edges():
        if edge.type_checking and not with_type_checking:
            continue
        if (edge.source, edge.target) in ALLOWED:
            continue
        result[edge.source].setdefault(edge.target, edge)
    return result


def cycles(imports: dict[str, dict[str, Edge]]) -> list[tuple[list[Edge], set[str]]]:
    """Each strongly connected group of modules with one shortest cycle through it (Tarjan's
    algorithm, then a breadth-first search back to the group's first module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in imports[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in sorted(imports):
        if module not in index:
            visit(module)

    found = []
    for group in groups:
        start = min(group)
        paths: dict[str, list[Edge]] = {start: []}
        queue = [start]
        while queue:
            module = queue.pop(0)
            for target, edge in sorted(imports[module].items()):
                if target == start:
                    found.append(([*paths[module], edge], group))
                    queue.clear()
                    break
                if target in group and target not in paths:
                    paths[target] = [*paths[module], edge]
                    queue.append(target)
    return sorted(found, key=lambda found: found[0][0].source)


def describe(cycle: list[Edge], group: set[str]) -> str:
    """``a → b → a  (a.py:3, b.py:9)``, and the group's other modules where it has more."""
    names = " → ".join([cycle[0].source, *(edge.target for edge in cycle)])
    text = f"{names}  ({', '.join(edge.where() for edge in cycle)})"
    others = sorted(group - {edge.source for edge in cycle})
    return text + (f"; in the same loop: {', '.join(others)}" if others else "")


def test_no_import_cycles():
    found = cycles(graph(with_type_checking=False))
    assert not found, "import cycles:\n" + "\n".join(describe(*f) for f in found)


def test_no_import_cycles_through_type_hints():
    """A type hint imported under ``if TYPE_CHECKING:`` does not run, but it still makes the
    module know the other: the loop is there for the reader and the type checker."""
    found = cycles(graph(with_type_checking=True))
    assert not found, "import cycles (counting type hints):\n" + "\n".join(
        describe(*f) for f in found
    )


def test_every_allowed_edge_still_exists():
    present = {(edge.source, edge.target) for edge in edges()}
    stale = [f"{a} → {b}" for a, b in ALLOWED if (a, b) not in present]
    assert not stale, "no longer imported; remove from ALLOWED: " + ", ".join(stale)


PURE_ENGINES = ("allocation", "housing", "calculator", "personas")
"""Every analysis: its engine reads no file."""


def test_engines_read_no_files():
    """An engine takes tables and numbers: the readers are its load's, and the engine imports
    neither them nor a reader from :mod:`workbench.loaders` (outside :data:`ALLOWED`)."""
    found = []
    for key in PURE_ENGINES:
        engine = f"workbench.analyses.{key}.engine"
        found += [
            f"{e.where()}: {e.target}"
            for e in edges()
            if e.source == engine
            and e.target == f"workbench.analyses.{key}.load"
            and (e.source, e.target) not in ALLOWED
        ]
        tree = ast.parse((PACKAGE / "analyses" / key / "engine.py").read_text(encoding="utf-8"))
        found += [
            f"{engine}:{node.lineno}: {alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "workbench.loaders"
            for alias in node.names
            if alias.name.startswith("read")
        ]
    assert not found, "an engine reads files:\n" + "\n".join(found)


def test_the_graph_sees_the_imports_it_should():
    """The reading itself: a module-level, a deferred and a type-hint-only import are found."""
    found = {(e.source, e.target): e for e in edges()}
    assert ("workbench.config", "workbench.analyses") in found  # module level
    deferred = found[("workbench.batch", "workbench.deliverables")]  # inside a function
    assert not deferred.type_checking
    hinted = found[("workbench.analyses.personas.engine", "workbench.analyses.personas.settings")]
    assert hinted.type_checking


ANALYSIS_KEYS = frozenset(p.parent.name for p in (PACKAGE / "analyses").glob("*/__init__.py"))
"""Every analysis package under ``workbench/analyses/``."""

CROSS_ANALYSIS_ALLOWED: dict[tuple[str, str], str] = {}
"""(module, the other analysis it imports) left out of :func:`test_no_analysis_imports_another`,
each for a reason. An entry whose import is gone fails
:func:`test_every_allowed_cross_import_still_exists`, so the list only shrinks."""


def analysis_of(module: str) -> str | None:
    """The analysis a module belongs to (``workbench.analyses.housing.load`` → ``housing``);
    None for the shared modules (``workbench.pricing``, ``workbench.analyses.spec``)."""
    parts = module.split(".")
    if parts[:2] == ["workbench", "analyses"] and len(parts) > 2 and parts[2] in ANALYSIS_KEYS:
        return parts[2]
    return None


def cross_analysis_edges() -> list[tuple[Edge, str]]:
    """Every import by one analysis's module of another analysis's, with the other analysis."""
    found = []
    for edge in edges():
        source, target = analysis_of(edge.source), analysis_of(edge.target)
        if source is not None and target is not None and source != target:
            found.append((edge, target))
    return found


def test_no_analysis_imports_another():
    """An analysis imports its own modules and the shared ones (``workbench.pricing``,
    ``workbench.population`` …), never another analysis's, deferred or for a type hint alike:
    what two analyses both need lives outside both, and what puts two analyses' results
    together is :mod:`workbench.composition`'s, which is not an analysis. The registry reaching an analysis by name is not an import."""
    found = dict.fromkeys(  # one line per import statement and module it names
        f"{edge.where()}: {edge.source} → {edge.target}"
        for edge, other in cross_analysis_edges()
        if (edge.source, other) not in CROSS_ANALYSIS_ALLOWED
    )
    assert not found, "an analysis imports another:\n" + "\n".join(found)


def test_every_allowed_cross_import_still_exists():
    present = {(edge.source, other) for edge, other in cross_analysis_edges()}
    stale = [f"{a} → {b}" for a, b in CROSS_ANALYSIS_ALLOWED if (a, b) not in present]
    assert not stale, "no longer imported; remove from CROSS_ANALYSIS_ALLOWED: " + ", ".join(stale)


def test_the_analyses_are_found():
    assert {"allocation", "calculator", "housing", "personas"} <= ANALYSIS_KEYS
    assert analysis_of("workbench.analyses.housing") == "housing"
    assert analysis_of("workbench.analyses.spec") is None
    assert analysis_of("workbench.population") is None
