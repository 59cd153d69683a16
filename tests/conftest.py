"""Shared fixtures: every test runs with its own empty user folders, never the real ones.

The real home is replaced before anything else runs (`pytest_configure`), so module- and
session-scoped fixtures, and the programs tests start, never see the real config, templates or
state either; each test then gets fresh folders of its own (`isolated_user_dirs`).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from tests.helpers import run_cli

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


TEMPLATE = """\
---
id: {id}
relationship: event
title: A test template
description: For the bad-input tables.
questions:
  - name: event
    prompt: Which event?
    example: PyCon US
---
{body}
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding every bad file the table points at; the tests run inside it."""
    files: dict[str, str | bytes] = {
        "note.txt": "Hi Ana, great meeting you at PyCon US.\n",
        "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "latin1.txt": "Caf\xe9 meeting".encode("latin-1"),
        "big.txt": "Hi Ana, " + "word " * 200_000 + "\n",
        "batch.jsonl": json.dumps({"id": 1, "text": "Hi Ana"}) + "\n",
        "malformed.jsonl": json.dumps({"id": 1, "text": "Hi Ana"}) + "\n{not json\n",
        "no-text.jsonl": '{"id": 1}\n',
        "list.jsonl": '["a", "b"]\n',
        "bool-id.jsonl": '{"id": true, "text": "Hi"}\n',
        "bad.toml": "account = \n",
        "unknown-key.toml": 'acount = "free"\n',
        "missing-dir.toml": 'template_dirs = ["not-there"]\n',
        "tpl-meta/broken.jinja": "---\nid: [broken\n---\nHi\n",
        "tpl-syntax/syntax.jinja": TEMPLATE.format(id="syntax", body="Hi {{ first_name }, at {{ event }}."),
        "tpl-undeclared/undeclared.jinja": TEMPLATE.format(id="undeclared", body="Hi {{ first_name }}, {{ mystery }}."),
        "tpl-evil/evil.jinja": TEMPLATE.format(id="evil", body="Hi {{ first_name }}, {{ ''.__class__ }}."),
        "tpl-deep/deep.jinja": TEMPLATE.format(id="deep", body="{{ " + "(" * 3000 + "event" + ")" * 3000 + " }}"),
        "tpl-taken/taken.jinja": TEMPLATE.format(id="taken", body="Hi {{ first_name }}, at {{ event }}."),
        "bad.yaml": "first_name: Ana\n  event: PyCon\n",
        "bad.json": '{"first_name": "Ana",}',
        "bad-answers.toml": "first_name = \n",
        "list.yaml": "- Ana\n- PyCon\n",
        "nested.json": '{"first_name": {"given": "Ana"}}',
        "latin1.yaml": "first_name: Jos\xe9\n".encode("latin-1"),
        "mine.txt": "my own words\n",
    }
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path
