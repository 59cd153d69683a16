"""The maps match the tree: every package's docstring names each of its modules and subpackages, and
the README's development table names every package and flat module.

A module added without its map entry fails here, so a newcomer reading a package's `__init__` (or
the README) sees all of it. The sizes that keep the maps short to read are checked here too: no
module over 450 lines, and `commands/` (parse flags, call the subsystem, print) under 1,100.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import composer

PACKAGE = Path(composer.__file__).resolve().parent
README = PACKAGE.parent / "README.md"


def packages(root: Path) -> list[Path]:
    """`root` and every package under it (a folder with an `__init__.py`)."""
    return [root, *sorted(p.parent for p in root.rglob("*/__init__.py"))]


def contents(folder: Path) -> tuple[list[str], list[str]]:
    """A package's modules (without `__init__`) and its subpackages, by name."""
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    subpackages = sorted(p.name for p in folder.iterdir() if (p / "__init__.py").is_file())
    return modules, subpackages


def unmapped(folder: Path) -> list[str]:
    """What the package's docstring leaves out: a module is named as `name`, a subpackage as `name` or `name/`."""
    doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))) or ""
    modules, subpackages = contents(folder)
    missing = [m for m in modules if f"`{m}`" not in doc]
    return missing + [f"{s}/" for s in subpackages if f"`{s}`" not in doc and f"`{s}/`" not in doc]


@pytest.mark.parametrize("folder", packages(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_every_package_docstring_maps_its_modules(folder: Path):
    assert unmapped(folder) == []


def development_table(readme: str) -> str:
    """The table rows of the README's `## Development` section."""
    section = readme.split("\n## Development\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def unlisted(table: str, root: Path) -> list[str]:
    """The packages (as `composer/name/`, or `name/` or `name` for a subpackage) and flat modules (as `name.py`,
    alone or under `composer/`) the table does not name."""
    modules, subpackages = contents(root)
    missing = [f"{m}.py" for m in modules if not re.search(rf"`(composer/)?{re.escape(m)}\.py`", table)]
    missing += [f"composer/{s}/" for s in subpackages if f"`composer/{s}/`" not in table]
    for package in packages(root)[1:]:
        _, nested = contents(package)
        missing += [f"{n}/" for n in nested if f"`{n}`" not in table and f"`{n}/`" not in table]
    return missing


def test_the_readme_development_table_names_every_package_and_flat_module():
    assert unlisted(development_table(README.read_text(encoding="utf-8")), PACKAGE) == []


#: Lines a module may have before it wants splitting, and the lines all the command modules may have.
MAX_MODULE_LINES = 450
MAX_COMMAND_LINES = 1100


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_the_limit():
    assert {str(p.relative_to(PACKAGE)): lines(p) for p in PACKAGE.rglob("*.py") if lines(p) > MAX_MODULE_LINES} == {}


def test_the_commands_stay_thin():
    assert sum(lines(p) for p in (PACKAGE / "commands").glob("*.py")) < MAX_COMMAND_LINES


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """A package with a map that names `a` and its subpackage `sub` but not module `b` or `sub`'s `c`."""
    root = tmp_path / "toy"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text('"""Modules: `a`, and `sub/`."""\n', encoding="utf-8")
    (root / "sub" / "__init__.py").write_text('"""Nothing named here."""\n', encoding="utf-8")
    for path in (root / "a.py", root / "b.py", root / "sub" / "c.py"):
        path.write_text("", encoding="utf-8")
    return root


def test_a_module_missing_from_a_map_is_found(toy: Path):
    assert [unmapped(folder) for folder in packages(toy)] == [["b"], ["c"]]


def test_a_module_missing_from_the_readme_table_is_found(toy: Path):
    readme = "# toy\n\n## Development\n\ntext `b.py`\n\n| where | what |\n|---|---|\n| `composer/a.py` | a |\n\n## Next\n"
    assert unlisted(development_table(readme), toy) == ["b.py", "composer/sub/"]
