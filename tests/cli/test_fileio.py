"""Files the tool writes: atomic writes only, ordinary modes, and nothing but a regular file replaced."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from composer.draft.state import DraftState, new_draft_path, save_state
from tests.helpers import (
    ANSWERED,
    REPO,
    one_line_error,
    run_cli,
)


@pytest.mark.parametrize("where", ["-o", "--templates-dir", "config", "new-id"])
def test_path_names_over_255_characters_are_one_line(tmp_path, monkeypatch, where):
    long = "n" * 300
    if where == "-o":
        result = run_cli("draft", "-t", "event-brief", *ANSWERED, "-o", str(tmp_path / long))
    elif where == "--templates-dir":
        result = run_cli("templates", "list", "--templates-dir", str(tmp_path / long))
    elif where == "config":
        monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(tmp_path / long))
        result = run_cli("rules")
        result = run_cli("templates", "list")
    else:
        result = run_cli("templates", "new", "a" + "-b" * 150, "-r", "event")
    one_line_error(result)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["symlink", "fifo", "device"])
def test_force_replaces_regular_files_only(tmp_path, kind):
    target = tmp_path / "out"
    if kind == "symlink":
        (tmp_path / "real.txt").write_text("keep me\n", encoding="utf-8")
        target.symlink_to(tmp_path / "real.txt")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target = Path("/dev/null")
    result = run_cli("draft", "-t", "event-brief", *ANSWERED, "-o", str(target), "--force")
    assert "give the path of a regular file or a new one" in one_line_error(result)
    if kind == "symlink":
        assert target.is_symlink() and (tmp_path / "real.txt").read_text(encoding="utf-8") == "keep me\n"


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_get_the_ordinary_mode_and_replacing_keeps_the_mode(xdg, tmp_path, umask_022):
    shared = tmp_path / "shared"
    path = Path(run_cli("templates", "new", "team-event", "-r", "event", "--dir", str(shared)).stdout.strip())
    assert mode(path) == 0o644  # teammates can read it
    path.chmod(0o640)
    assert run_cli("templates", "new", "team-event", "-r", "event", "--dir", str(shared), "--force").exit_code == 0
    assert mode(path) == 0o640  # --force keeps the mode the user chose
    note = tmp_path / "note.txt"
    run_cli("draft", "-t", "event-brief", "--set", "first_name=Ana", "--set", "event=PyCon", "-o", str(note))
    assert mode(note) == 0o644


def test_only_the_draft_state_is_private(umask_022):

    path = save_state(DraftState(answers={"first_name": "Ana"}), new_draft_path())
    assert mode(path) == 0o600


def test_a_file_appearing_during_the_write_is_not_replaced(workdir):
    from composer.errors import UsageError
    from composer.fileio import _link_new

    tmp = workdir / ".new.tmp"
    tmp.write_text("new", encoding="utf-8")
    with pytest.raises(UsageError, match="already exists"):
        _link_new(tmp, workdir / "mine.txt")
    assert (workdir / "mine.txt").read_text(encoding="utf-8") == "my own words\n"


WRITES = re.compile(r"\.write_text\(|\.write_bytes\(|\bopen\([^)]*['\"][wax]b?\+?['\"]|os\.replace\(|os\.rename\(")


#: The only places allowed to write files directly: write_atomic itself, and the scratch copy an
#: external editor works on (a private temporary folder, never a user's file).
ALLOWED = {"composer/fileio.py", "composer/draft/actions.py:edit_in_editor"}


def test_every_file_write_goes_through_write_atomic():
    offenders = []
    for path in sorted((REPO / "composer").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        function = ""
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if match := re.match(r"\s*def (\w+)", line):
                function = match.group(1)
            if WRITES.search(line) and relative not in ALLOWED and f"{relative}:{function}" not in ALLOWED:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_ctrl_c_in_the_middle_of_a_write_keeps_the_old_file(invoke, tmp_path, monkeypatch):
    target = tmp_path / "note.txt"
    target.write_text("my own words\n", encoding="utf-8")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = invoke(
        "draft", "-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon", "--no-input", "-o", str(target), "--force"
    )
    assert result.exit_code == 130, result.output
    assert result.stderr == "interrupted\n"
    assert target.read_text(encoding="utf-8") == "my own words\n"
    assert [p.name for p in tmp_path.iterdir()] == ["note.txt"]  # the temporary file is gone too


def test_force_replaces_atomically(invoke, tmp_path):
    target = tmp_path / "note.txt"
    target.write_text("old\n", encoding="utf-8")
    args = ("draft", "-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon", "--no-input", "-o", str(target))
    assert invoke(*args, "--force").exit_code == 0
    assert "PyCon" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["note.txt"]
