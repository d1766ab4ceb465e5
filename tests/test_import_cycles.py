"""No import cycle among the casebook's modules: every import (top-level or inside a function) read with ast."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "casebook"


def module_name(path: Path) -> str:
    """casebook/ui/app.py -> casebook.ui.app; casebook/ui/__init__.py -> casebook.ui."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``): imports there never run, so they make no cycle."""
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement under ``node``, in functions too, leaving out the bodies of ``if TYPE_CHECKING:``."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [node]
    found: list[ast.Import | ast.ImportFrom] = []
    for child in ast.iter_child_nodes(node):
        if _is_type_checking(child):
            found += [n for c in child.orelse for n in _imports(c)]
        else:
            found += _imports(child)
    return found


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The casebook modules ``path`` imports when it runs (``from . import x`` imports module x, not the package)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
            continue
        if node.level:
            parts = package.split(".")
            target = ".".join(parts[: len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        submodules = {f"{target}.{alias.name}" for alias in node.names} & modules
        found |= submodules
        if len(submodules) < len(node.names):  # some names come from the module (or package) itself
            found.add(target)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    """Module -> the casebook modules it imports."""
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imported_modules(p, modules) for p in paths}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, each once, as the list of modules around it (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_casebook_modules_import_each_other_without_a_cycle():
    """No group of casebook modules imports itself round in a circle (imports inside functions count too)."""
    assert find_cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle_and_reads_relative_imports():
    """The check can fail: it finds a made-up two-module cycle, and it sees relative imports, in functions too."""
    assert find_cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert find_cycles({"a": {"a"}}) == [["a"]]
    graph = import_graph()
    assert "casebook.attempts" in graph["casebook.session"]  # from .attempts import ...
    assert "casebook.model" in graph["casebook.ui.app"]  # from ..model import ...
    assert "casebook.analytics" in graph["casebook.report"]  # from . import analytics
    assert "casebook.feedback" in graph["casebook.session"]  # imported inside CaseSession.submit
