"""Shared fixtures: every test runs with its own empty user folders, never the real ones.

The real home is replaced before anything else runs (`pytest_configure`), so module- and
session-scoped fixtures, and the programs tests start, never see the real config, templates or
state either; each test then gets fresh folders of its own (`isolated_user_dirs`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from composer.cli import app

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


#: Variables that point the tool (or the programs it starts) at a user's own files.
PERSONAL = ("INVITE_COMPOSER_CONFIG", "VISUAL", "EDITOR", "TMUX", "STY", "WAYLAND_DISPLAY", "DISPLAY")


def pytest_configure(config: pytest.Config) -> None:
    """Before collection: a throwaway home and XDG folders for the whole run."""
    home = Path(tempfile.mkdtemp(prefix="invite-tests-home-"))
    os.environ["HOME"] = str(home)
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state"), ("XDG_DATA_HOME", "data")):
        (home / sub).mkdir()
        os.environ[var] = str(home / sub)
    for var in PERSONAL:
        os.environ.pop(var, None)


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point platformdirs (XDG on Linux) at fresh folders and drop any config override."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state"), ("XDG_DATA_HOME", "data")):
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("INVITE_COMPOSER_CONFIG", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    return home


@pytest.fixture
def xdg(isolated_user_dirs: Path) -> Path:
    """The isolated XDG config home (user templates live in xdg/invite-composer/templates)."""
    return isolated_user_dirs / "config"


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    """Run the CLI in-process; returns typer's Result with separate stdout and stderr."""
    return CliRunner().invoke(app, list(args), input=input, env=env)


@pytest.fixture
def user_config_dir(isolated_user_dirs: Path) -> Path:
    """The invite-composer folder inside the isolated XDG config home (created on demand)."""
    folder = isolated_user_dirs / "config" / "invite-composer"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def invoke():
    """`run_cli` as a fixture, for tests that prefer it injected."""
    return run_cli
