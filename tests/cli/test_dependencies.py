"""What the code imports is what the package declares: a module imported from another package's
dependencies works until that package drops it (`rich` came with typer, undeclared, for a while).

Every third-party module imported anywhere in `composer/` must belong to a distribution listed in
pyproject.toml's `dependencies`; every one imported by the tests, to those or the `test` extra.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.helpers import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@cache
def _distributions() -> dict[str, list[str]]:
    """Top-level module -> the distributions that provide it (reading every installed package's metadata once)."""
    return dict(packages_distributions())


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them (`PyYAML` is `pyyaml`, `prompt_toolkit` is `prompt-toolkit`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> set[str]:
    return {_normal(re.match(r"[A-Za-z0-9._-]+", line).group()) for line in requirements}  # type: ignore[union-attr]


def _imported(folder: Path) -> dict[str, Path]:
    """Top-level modules imported by the Python files under `folder` (not the standard library, not our own)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("composer", "tests", "scripts"):
                    found.setdefault(top, path)
    return found


@pytest.mark.parametrize(
    ("folder", "allowed"),
    [
        ("composer", PROJECT["dependencies"]),
        ("tests", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]),
    ],
)
@pytest.mark.slow
def test_every_imported_package_is_declared(folder: str, allowed: list[str]):
    declared = _declared(allowed)
    distributions = _distributions()
    missing = {}
    for module, path in _imported(REPO / folder).items():
        owners = {_normal(d) for d in distributions.get(module, [module])}
        if not owners & declared:
            missing[module] = str(path.relative_to(REPO))
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_rich_is_declared():
    assert "rich" in _declared(PROJECT["dependencies"])
