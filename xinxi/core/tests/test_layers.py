"""The layer order of the apps, in one place, and a check that no lower layer imports a higher one.

An app may import itself and the apps of lower layers. Imports only for type checking
(inside ``if TYPE_CHECKING:``) are ignored: they create no dependency at run time.
Tests are ignored (they sit above everything). A new app fails until it is placed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # xinxi/

LAYERS: list[list[str]] = [
    ["lib"],  # no models; knows no app
    ["audit"],
    ["accounts"],  # users, roles, clearance; asks the unit tree's rules through accounts.scope
    ["network"],
    ["notifications"],
    ["archive"],  # the search engine and index; domain apps register what they index
    ["items"],
    ["publications"],
    ["instructions"],
    ["scoring"],  # posts points on the hooks of items and instructions (lib/hooks.py)
    ["urgent"],  # incidents and their clocks; findings post penalties through scoring
    ["intake"],  # e-mail intake: mailed messages become draft submissions an editor accepts
    ["assignments"],  # 约稿, 调研, 报送要点, 社情民意 and 舆论监督 lists; commissions score through scoring
    ["worker"],
    ["core"],  # home page and API root: may use every app
]

# Upward imports that exist today, each with its reason. An entry that no longer
# matches an import fails the test, so the list only shrinks.
KNOWN_UPWARD: dict[tuple[str, str], str] = {
    ("items/views.py", "instructions"): "the item page shows the leaders' instructions on it",
    ("items/desk_views.py", "instructions"): "the entry page shows and records instructions",
    ("items/api/views.py", "instructions"): "the feedback API carries the instructions",
    ("items/api/serializers.py", "instructions"): "the feedback API carries the instructions",
    ("items/management/commands/load_demo_items.py", "publications"): "the demo builds issues after items",
    ("items/management/commands/load_demo_items.py", "instructions"): "the demo builds instructions after items",
    ("publications/views.py", "instructions"): "the issue page shows and records instructions",
    ("notifications/views.py", "items"): "a notification's link is resolved to the item page",
}


def _rank() -> dict[str, int]:
    return {app: level for level, apps in enumerate(LAYERS) for app in apps}


def _apps() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_apps(tree: ast.AST) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "xinxi" and len(parts) > 1:
                found.add(parts[1])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def upward_imports() -> set[tuple[str, str]]:
    """(module path under xinxi/, higher app) for every import of a higher layer."""
    rank = _rank()
    found = set()
    for app in _apps():
        for path in sorted((PACKAGE / app).rglob("*.py")):
            relative = path.relative_to(PACKAGE).as_posix()
            if "/tests/" in relative:
                continue
            for other in _imported_apps(ast.parse(path.read_text(encoding="utf-8"))):
                if other in rank and rank[other] > rank[app]:
                    found.add((relative, other))
    return found


def test_every_app_has_a_layer():
    missing = [app for app in _apps() if app not in _rank()]
    assert not missing, f"place these apps in LAYERS: {missing}"


def test_no_lower_layer_imports_a_higher_one():
    new = sorted(upward_imports() - set(KNOWN_UPWARD))
    assert not new, "a lower layer imports a higher one (module, higher app): " + repr(new)


def test_the_known_exceptions_are_still_needed():
    stale = sorted(set(KNOWN_UPWARD) - upward_imports())
    assert not stale, f"remove from KNOWN_UPWARD, these imports are gone: {stale}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from xinxi.network import permissions", {"network"}),
        ("import xinxi.audit.services", {"audit"}),
        ("from xinxi import items", {"items"}),
        ("def f():\n    from xinxi.publications.models import Issue", {"publications"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from xinxi.network.models import Unit", set()),
        ("from .models import Unit\nimport django", set()),
    ],
)
def test_the_checker_sees_runtime_imports_only(source, expected):
    assert _imported_apps(ast.parse(source)) == expected


def test_lib_and_accounts_stay_below():
    rank = _rank()
    offenders = {(module, app) for module, app in upward_imports() if module.split("/")[0] in {"lib", "accounts"}}
    assert not offenders and rank["lib"] < rank["audit"] < rank["accounts"] < rank["network"]
