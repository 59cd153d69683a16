"""The package's shape: subsystems as packages, no import cycles, and the boundaries between them.

Every `import` of a `composer` module counts, at the top of a file or inside a function: a lazy
import is still a dependency. The start-up path (`invite --help`) imports none of the heavy
libraries.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

PACKAGE = REPO / "composer"

#: Subsystem -> the composer packages and modules it must never import.
ABOVE_ALL = ("composer.commands", "composer.cli")
FORBIDDEN = {
    "composer.templates": (
        "composer.lint",
        "composer.draft",
        "composer.history",
        "composer.linkedin",
        "composer.merge",
        "composer.template_check",
        "composer.lsp",
        *ABOVE_ALL,
    ),
    "composer.lint": (
        "composer.draft",
        "composer.templates",
        "composer.history",
        "composer.linkedin",
        "composer.merge",
        "composer.template_check",
        "composer.lsp",
        *ABOVE_ALL,
    ),
    "composer.draft": ("composer.history", "composer.linkedin", "composer.merge", *ABOVE_ALL),
    "composer.history": ("composer.draft", "composer.linkedin", "composer.merge", *ABOVE_ALL),
    #: above history (what was imported is stored there) and lint (notes are judged by it)
    "composer.linkedin": ("composer.draft", "composer.merge", "composer.template_check", *ABOVE_ALL),
    "composer.merge": ABOVE_ALL,
    #: above lint and templates (through template_check), as a command is, but below the commands
    "composer.lsp": ABOVE_ALL,
}
#: Shared infrastructure modules at the top level: they import no subsystem.
INFRASTRUCTURE = tuple(
    f"composer.{name}"
    for name in (
        "errors",
        "exitcodes",
        "output",
        "fileio",
        "config",
        "settings",
        "length",
        "editor",
        "csvtable",
        "similarity",
        "names",
        "compat",
        "resources",
        "linkedin_limits",
        "shutdown",
    )
)
HEAVY = ("spacy", "jinja2", "yaml", "pygls", "lsprotocol")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The composer modules a file imports (`from composer.x import y` counts y when it is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("composer"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("composer"):
            found.add(node.module)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() or (
                    PACKAGE.parent / candidate.replace(".", "/") / "__init__.py"
                ).exists():
                    found.add(candidate)
    return found


GRAPH = {module_name(path): imports_of(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_the_subsystems_are_packages():
    for package in ("templates", "draft", "lint", "history", "linkedin", "merge", "commands"):
        assert (PACKAGE / package / "__init__.py").is_file(), package
    flat = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert flat == [
        "cli", "compat", "config", "csvtable", "editor", "errors", "exitcodes", "fileio", "length", "linkedin_limits",
        "names", "output", "resources", "settings", "shutdown", "similarity", "template_check",
    ]  # fmt: skip


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("subsystem", sorted(FORBIDDEN))
def test_subsystem_boundaries(subsystem: str):
    offenders = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module == subsystem or module.startswith(subsystem + ".")
        for target in targets
        if any(target == banned or target.startswith(banned + ".") for banned in FORBIDDEN[subsystem])
    ]
    assert offenders == []


def test_shared_infrastructure_imports_no_subsystem():
    subsystems = (
        "composer.templates",
        "composer.lint",
        "composer.draft",
        "composer.history",
        "composer.linkedin",
        "composer.merge",
        *ABOVE_ALL,
    )
    offenders = [
        f"{module} imports {target}"
        for module in INFRASTRUCTURE
        for target in GRAPH[module]
        if any(target == s or target.startswith(s + ".") for s in subsystems)
    ]
    assert offenders == []


#: Imports from the rest of `composer` that may reach past `composer.lint`'s public names into its modules.
MAX_LINT_BYPASSES = 3


def lint_bypasses(source: str) -> list[str]:
    """The imports in a module's source that reach into `composer.lint.*` submodules (lazy ones too)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("composer.lint.")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("composer.lint."):
                found.append(node.module)
            elif node.module == "composer.lint":
                found += [f"composer.lint.{a.name}" for a in node.names if f"composer.lint.{a.name}" in GRAPH]
    return found


def test_the_bypass_counter_sees_every_form_of_import():
    source = (
        "import composer.lint.report\n"
        "from composer.lint.catalog import load_rules\n"
        "from composer.lint import pipeline, Finding\n"
        "def f():\n    from composer.lint.workers import stoppable_workers\n"
        "from composer.lint import lint_text\n"
    )
    assert lint_bypasses(source) == [
        "composer.lint.report", "composer.lint.catalog", "composer.lint.pipeline", "composer.lint.workers"
    ]  # fmt: skip


@pytest.mark.slow
def test_other_packages_use_the_linters_public_names():
    lint_dir = PACKAGE / "lint"
    bypasses = [
        f"{path.relative_to(REPO)}: {target}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if lint_dir not in path.parents
        for target in lint_bypasses(path.read_text(encoding="utf-8"))
    ]
    assert len(bypasses) <= MAX_LINT_BYPASSES, "use `composer.lint`'s __all__ instead:\n" + "\n".join(bypasses)


def test_the_linters_public_names_all_resolve():
    import composer.lint

    assert all(getattr(composer.lint, name) is not None for name in composer.lint.__all__)


def test_the_linters_map_names_every_module():
    import composer.lint

    doc = composer.lint.__doc__ or ""
    modules = [p for p in (PACKAGE / "lint").rglob("*.py") if p.stem != "__init__"]
    missing = [str(p.relative_to(PACKAGE / "lint")) for p in modules if f"`{p.stem}`" not in doc]
    assert missing == []
    assert f"`{(PACKAGE / 'lint' / 'rules').name}/`" in doc


def test_invite_help_imports_no_heavy_library():
    # The console script ends with os._exit after the atexit functions (composer.__main__._end): report there.
    code = (
        "import atexit, sys, runpy\n"
        f"atexit.register(lambda: print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr))\n"
        "sys.argv = ['invite', '--help']\n"
        "runpy.run_module('composer', run_name='__main__')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.stderr.strip().splitlines()[-1] == "[]"
