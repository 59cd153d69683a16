"""The installed package: the wheel ships the templates, and the command starts without spaCy."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel once (no isolation: hatchling comes with the test extra)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("invite_composer-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_templates_and_data(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    templates = [n for n in names if n.startswith("composer/message_templates/") and n.endswith(".jinja")]
    assert len(templates) >= 16
    assert "composer/data/relationships.yaml" in names
    for data in ("classifier.yaml", "languages.yaml", "classifier/config.cfg", "classifier/textcat_multilabel/model"):
        assert f"composer/data/lint/{data}" in names, data
    assert any(n.endswith("entry_points.txt") for n in names)


@pytest.mark.slow
def test_templates_listed_from_wheel_installed_in_fresh_venv(wheel: Path, tmp_path: Path):
    """Install the wheel (not the checkout) in a new venv and list templates from there."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    # Dependencies (typer, jinja2, ...) come from the test environment, but not its editable checkout:
    # a .pth line adds the folder to sys.path without running the .pth files inside it.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    result = subprocess.run(
        [
            python,
            "-c",
            "import composer, sys; sys.argv=['invite','templates','list','--format','json'];"
            "print(composer.__file__, file=sys.stderr); from composer.cli import main; main()",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert str(site) in result.stderr, "composer was imported from the checkout, not the wheel"
    rows = json.loads(result.stdout)
    assert len(rows) >= 16
    assert {row["source"] for row in rows} == {"built-in"}
    assert all(str(site) in row["path"] for row in rows)


def _modules_after(*args: str) -> set[str]:
    # The console script ends with os._exit after the atexit functions (composer.__main__._end): report there.
    code = (
        "import atexit, sys, runpy\n"
        "atexit.register(lambda: print('\\n'.join(sorted(sys.modules)), file=sys.stderr))\n"
        f"sys.argv = ['invite', *{list(args)!r}]\n"
        "runpy.run_module('composer', run_name='__main__')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return set(result.stderr.split())


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("templates", "list"),
        ("templates", "show", "event-brief"),
        ("lsp", "--help"),
        ("draft", "--help"),
        ("rules",),
        ("rules", "shouting"),
        ("lint", "--help"),
        ("merge", "--help"),
        ("history",),
        ("history", "--help"),
        ("import", "--help"),
        ("inbox", "--help"),
        ("stats", "--help"),
    ],
)
@pytest.mark.slow
def test_fast_commands_never_import_spacy(args):
    modules = _modules_after(*args)
    assert "composer.cli" in modules
    assert "spacy" not in modules


@pytest.mark.slow
def test_help_imports_no_spacy_jinja2_or_yaml():
    modules = {name.split(".")[0] for name in _modules_after("--help")}
    assert not modules & {"spacy", "thinc", "jinja2", "yaml", "numpy", "pygls", "lsprotocol"}


@pytest.mark.slow
def test_console_script_and_module_entry_points():
    invite = shutil.which("invite") or str(Path(sys.executable).with_name("invite"))
    by_script = subprocess.run([invite, "--version"], capture_output=True, text=True)
    by_module = subprocess.run([sys.executable, "-m", "composer", "--version"], capture_output=True, text=True)
    assert by_script.returncode == by_module.returncode == 0
    assert by_script.stdout == by_module.stdout
    assert by_script.stdout.startswith("invite-composer ")


def test_pre_commit_hooks_run_lint_and_template_checks():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks["invite-lint"]["entry"].startswith("invite lint")
    assert hooks["invite-templates-check"]["entry"].startswith("invite templates check")
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["files"]


def test_quick_start_run_command_installs_only_what_running_needs():
    quick = (REPO / "README.md").read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    run = next(line for line in quick.splitlines() if line.endswith("invite draft"))
    test = next(line for line in quick.splitlines() if re.search(r"&& pytest( .*)?$", line))  # as .ci/run finds it
    assert "pip install -e ." in run and "[test]" not in run
    assert "pip install -e '.[test]'" in test
