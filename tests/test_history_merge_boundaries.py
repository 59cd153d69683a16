"""The history and merge subsystems sit above the linter and the templates, never below them.

Read from the source (every `import` and `from ... import`, type-checking ones too), so a cycle is
caught before it ever runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "composer"

#: package (or flat module) -> the composer packages it must never import
FORBIDDEN = {
    "similarity": {"lint", "templates", "draft", "history", "merge", "commands", "cli"},
    "csvtable": {"lint", "templates", "draft", "history", "merge", "commands", "cli"},
    "history": {"merge", "draft", "commands", "cli"},
    "merge": {"commands", "cli"},
    "lint": {"history", "merge", "draft", "commands", "cli"},
    "templates": {"history", "merge", "lint", "draft", "commands", "cli"},
    "draft": {"history", "merge", "commands", "cli"},
}


def modules_of(name: str) -> list[Path]:
    folder = PACKAGE / name
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{name}.py"]


def composer_imports(path: Path) -> set[str]:
    """The first component under `composer.` of everything a module imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "composer" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_never_imports_the_layers_above_it(package: str):
    for path in modules_of(package):
        bad = composer_imports(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(REPO)} imports composer.{', composer.'.join(sorted(bad))}"
