"""No import cycle between apps: the code's layering, read from its import statements.

Every ``import`` in the project's modules counts, at any depth (an import inside a
function is a dependency all the same); tests and migrations are left out. A cycle of
modules that spans two apps fails, naming its modules. The archive in particular imports
no domain app: items and publications register with it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import xinxi

ROOT = Path(xinxi.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the project's modules it imports (``from a import b`` counts as ``a.b`` when that is a module)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    imported.add(full if full in modules else node.module)
        graph[name] = {m for m in imported if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def app_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def test_no_import_cycle_spans_two_apps() -> None:
    spanning = [c for c in cycles(import_graph()) if len({app_of(m) for m in c}) > 1]
    assert spanning == [], "模块之间存在跨应用的循环导入：" + "；".join(" → ".join(c) for c in spanning)


def test_the_archive_imports_no_domain_app() -> None:
    graph = import_graph()
    archive = {m: deps for m, deps in graph.items() if app_of(m) == "archive"}
    assert archive, "no archive modules found"
    domain = {"items", "publications", "instructions", "notifications"}
    wrong = {m: sorted(d for d in deps if app_of(d) in domain) for m, deps in archive.items()}
    assert {m: d for m, d in wrong.items() if d} == {}


def test_the_check_finds_a_cycle_between_apps() -> None:
    graph = {"xinxi.a.x": {"xinxi.b.y"}, "xinxi.b.y": {"xinxi.b.z"}, "xinxi.b.z": {"xinxi.a.x"}, "xinxi.c.w": set()}
    assert cycles(graph) == [["xinxi.a.x", "xinxi.b.y", "xinxi.b.z"]]
