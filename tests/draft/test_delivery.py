"""A drafted note that cannot be delivered (closed pipe, full disk, a file that appeared meanwhile) keeps
its draft: the installed `invite` in a pseudo-terminal (pexpect).
"""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pexpect
import pytest

from composer.draft.state import load_state
from tests.helpers import (
    INVITE,
)

pytestmark = pytest.mark.slow  # every test here starts the installed `invite`


def spawn(command: str, env: dict[str, str], cwd: Path) -> pexpect.spawn:
    return pexpect.spawn("/bin/sh", ["-c", command], env=env, cwd=str(cwd), encoding="utf-8", timeout=20, dimensions=(40, 120))


@pytest.fixture
def terminal_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        (tmp_path / var).mkdir()
        env[var] = str(tmp_path / var)
    env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="120", LINES="40", NO_COLOR="1")
    return env


def finish_session(child: pexpect.spawn) -> None:
    child.expect("Which event did you meet at")
    child.send("PyCon\r")
    child.expect("What did you talk about")
    child.send("\r")
    child.expect("What next")
    child.send("\x1b[B" * 6 + "\r")  # Done


def drafts(env: dict[str, str]) -> list[Path]:
    return sorted((Path(env["XDG_STATE_HOME"]) / "invite-composer" / "drafts").glob("*.json"))


@pytest.mark.skipif(INVITE == "invite" and shutil.which("invite") is None, reason="the invite command is not installed")
@pytest.mark.parametrize(
    ("redirect", "says", "code"),
    [
        ("| true", "stdout was closed", 141),
        ("> /dev/full", "cannot write to stdout: No space left on device", 74),
    ],
    ids=["closed-pipe", "full-disk"],
)
def test_a_note_that_cannot_be_delivered_is_shown_and_its_draft_kept(terminal_env, tmp_path, redirect, says, code):
    command = f"{shlex.quote(INVITE)} draft -t event-brief --set first_name=Ana {redirect}; echo exit=$?"
    if redirect.startswith("|"):
        command = (
            f"{shlex.quote(INVITE)} draft -t event-brief --set first_name=Ana | (sleep 0.2; true); echo exit=${{PIPESTATUS:-x}}"
        )
        command = (
            f"bash -c {shlex.quote('set -o pipefail; ' + command.replace('; echo exit=${PIPESTATUS:-x}', '') + '; echo exit=$?')}"
        )
    child = spawn(command, terminal_env, tmp_path)
    finish_session(child)
    child.expect(says)
    child.expect(r"exit=(\d+)")
    assert int(child.match.group(1)) == code
    child.expect(pexpect.EOF)
    transcript = child.before
    assert "Traceback" not in transcript
    (kept,) = drafts(terminal_env)
    assert load_state(kept).text == "Hi Ana, great meeting you at PyCon. I'd enjoy staying in touch here."


@pytest.mark.skipif(shutil.which("invite") is None and INVITE == "invite", reason="the invite command is not installed")
def test_an_output_file_that_appeared_meanwhile_keeps_the_draft(terminal_env, tmp_path):
    target = tmp_path / "note.txt"
    child = spawn(
        f"{shlex.quote(INVITE)} draft -t event-brief --set first_name=Ana -o {target}; echo exit=$?", terminal_env, tmp_path
    )
    child.expect("Which event did you meet at")
    target.write_text("someone else's file\n", encoding="utf-8")
    child.send("PyCon\r")
    child.expect("What did you talk about")
    child.send("\r")
    child.expect("What next")
    child.send("\x1b[B" * 6 + "\r")
    child.expect("already exists")
    child.expect(r"exit=(\d+)")
    assert int(child.match.group(1)) == 2
    assert target.read_text(encoding="utf-8") == "someone else's file\n"  # not overwritten
    assert len(drafts(terminal_env)) == 1
