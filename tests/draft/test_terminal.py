"""The installed `invite` command as a person uses it: in a pseudo-terminal (pexpect), and without one.

Like copier's tests: a real process, real keys (arrow keys as escape sequences), and the no-TTY
case run with stdin=PIPE. Every run gets its own XDG folders so the user's real ones are untouched.
"""

from __future__ import annotations

import enum
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

INVITE = shutil.which("invite", path=str(Path(sys.executable).parent)) or shutil.which("invite")
TIMEOUT = 20

pytestmark = [pytest.mark.slow, pytest.mark.skipif(INVITE is None, reason="the invite command is not installed")]


class Keyboard(enum.StrEnum):
    Up = "\x1b[A"
    Down = "\x1b[B"
    Enter = "\r"
    CtrlC = "\x03"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment for the child: isolated XDG folders, no editor, no clipboard, no CPR."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VISUAL", "EDITOR", "INVITE_COMPOSER_CONFIG", "WAYLAND_DISPLAY", "DISPLAY", "TMUX"}
    }
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        folder = tmp_path / "xdg" / var.lower()
        folder.mkdir(parents=True)
        environ[var] = str(folder)
    environ.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="120", LINES="40")
    return environ


def spawn(command: str, env: dict[str, str], cwd: Path) -> pexpect.spawn:
    return pexpect.spawn(
        "/bin/sh", ["-c", command], env=env, cwd=str(cwd), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 120)
    )


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_pty_session_arrow_keys_answers_done_note_on_stdout(env, tmp_path):
    out = tmp_path / "note.txt"
    child = spawn(f"exec {shlex.quote(INVITE)} draft > {shlex.quote(str(out))}", env, tmp_path)
    child.expect("How do you know them")
    child.expect("Met at an event")
    child.send(Keyboard.Down + Keyboard.Enter)  # referral, the second relationship
    child.expect("Which kind of note")
    child.send(Keyboard.Down + Keyboard.Up + Keyboard.Enter)  # back on the default: referral-brief
    child.expect("Their first name")
    child.send("Ana" + Keyboard.Enter)
    child.expect("Who suggested you reach out")
    child.send("Elena Ruiz" + Keyboard.Enter)
    child.expect("What did they say you should talk about")
    child.send("data pipelines" + Keyboard.Enter)
    child.expect("What next")
    transcript_before_menu = child.before
    child.send(Keyboard.Down * 6 + Keyboard.Enter)  # copy, edit, change, template, relationship, save, DONE
    assert finish(child) == 0
    note = "Hi Ana, Elena Ruiz suggested I reach out about data pipelines - could we connect?"
    assert out.read_text(encoding="utf-8") == note + "\n"  # only the note: prompts went to the terminal
    assert f"{len(note)} / 200" in transcript_before_menu  # the panel's count, on the terminal


def test_pty_ctrl_c_exits_130_and_resume_finishes_with_the_note_on_stdout(env, tmp_path):
    child = spawn(f"exec {shlex.quote(INVITE)} draft -r event", env, tmp_path)
    child.expect("Which kind of note")
    child.send(Keyboard.Enter)  # event-brief
    child.expect("Their first name")
    child.send("Ana" + Keyboard.Enter)
    child.expect("Which event did you meet at")
    child.send(Keyboard.CtrlC)
    child.expect("interrupted; your draft is kept in (.*\\.json) - continue it with `invite draft --resume`")
    state_file = Path(child.match.group(1).strip())
    assert finish(child) == 130
    assert state_file.is_relative_to(env["XDG_STATE_HOME"]) and state_file.exists()

    child = spawn(f"exec {shlex.quote(INVITE)} draft --resume", env, tmp_path)
    child.expect("Which event did you meet at")  # first_name is not asked again
    child.send("PyCon US" + Keyboard.Enter)
    child.expect("talk about")
    child.send(Keyboard.Enter)
    child.expect("What next")
    child.send(Keyboard.Down * 6 + Keyboard.Enter)
    child.expect("Hi Ana, great meeting you at PyCon US. I'd enjoy staying in touch here.")
    assert finish(child) == 0
    assert not state_file.exists()


def test_pty_no_input_keeps_the_non_interactive_behaviour(env, tmp_path):
    child = spawn(f"exec {shlex.quote(INVITE)} draft -r event --no-input", env, tmp_path)
    child.expect("error: missing required answer\\(s\\) for template 'event-brief': first_name, event")
    assert finish(child) == 2


def test_pty_with_every_answer_given_still_shows_the_note_and_its_menu(env, tmp_path):
    out = tmp_path / "note.txt"
    answers = "--set first_name=Ana --set event=PyCon --set topic=packaging"
    command = f"exec {shlex.quote(INVITE)} draft -t event-brief {answers} > {shlex.quote(str(out))}"
    child = spawn(command, env, tmp_path)
    child.expect("What next")  # nothing to ask, but the panel and the menu: copy, edit, another template
    assert "Their first name" not in child.before and "talk about" not in child.before
    child.send(Keyboard.Down * 6 + Keyboard.Enter)  # copy, edit, change, template, relationship, save, DONE
    assert finish(child) == 0
    note = "Hi Ana, great meeting you at PyCon and talking about packaging. I'd enjoy staying in touch here."
    assert out.read_text(encoding="utf-8") == note + "\n"


def test_pty_with_every_answer_and_no_input_prints_without_a_menu(env, tmp_path):
    command = f"exec {shlex.quote(INVITE)} draft -t event-brief --set first_name=Ana --set event=PyCon --no-input"
    child = spawn(command, env, tmp_path)
    child.expect("Hi Ana, great meeting you at PyCon. I'd enjoy staying in touch here.")
    assert "What next" not in (child.before or "")
    assert finish(child) == 0


def test_no_terminal_exits_2_naming_the_missing_fields(env, tmp_path):
    result = subprocess.run(
        [INVITE, "draft", "-r", "event"],
        stdin=subprocess.PIPE,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: missing required answer(s) for template 'event-brief': first_name, event; "
        "pass them with --set first_name=... --set event=... or in an --answers file\n"
    )


def test_resume_with_nothing_saved_is_one_line_exit_2(env, tmp_path):
    result = subprocess.run(
        [INVITE, "draft", "--resume"], stdin=subprocess.PIPE, capture_output=True, text=True, env=env, timeout=TIMEOUT
    )
    assert result.returncode == 2
    state = Path(env["XDG_STATE_HOME"]) / "invite-composer" / "drafts"
    assert result.stderr == f"error: nothing to resume: no draft is saved in {state}\n"


def test_fail_on_ends_a_session_like_the_non_interactive_path(env, tmp_path):
    """The same note with --limit 30 --fail-on info exits 1 both ways, and is delivered both ways."""
    out = tmp_path / "note.txt"
    command = f"exec {shlex.quote(INVITE)} draft -t event-brief --set first_name=Ana --limit 30 --fail-on info > {out}"
    child = spawn(command, env, tmp_path)
    child.expect("Which event did you meet at")
    child.send("PyCon" + Keyboard.Enter)
    child.expect("What did you talk about")
    child.send(Keyboard.Enter)
    child.expect("What next")
    child.send(Keyboard.Down * 6 + Keyboard.Enter)  # Done
    child.expect("Finish anyway")
    child.send("y")
    assert finish(child) == 1
    note = "Hi Ana, great meeting you at PyCon. I'd enjoy staying in touch here."
    assert out.read_text(encoding="utf-8") == note + "\n"
    assert not list((Path(env["XDG_STATE_HOME"]) / "invite-composer" / "drafts").glob("*.json"))  # delivered, forgotten

    result = subprocess.run(
        [
            INVITE,
            "draft",
            "-t",
            "event-brief",
            "--set",
            "first_name=Ana",
            "--set",
            "event=PyCon",
            "--limit",
            "30",
            "--fail-on",
            "info",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
    )
    assert result.returncode == 1
    assert result.stdout == note + "\n"
    assert "error[too-long]" in result.stderr


def test_pty_session_panel_shows_history_findings_and_records_the_note(env, tmp_path):
    """An earlier note to the same profile: the session's panel says so, and Done records the new one too."""
    url = "https://www.linkedin.com/in/ana-lima-example/"
    first = subprocess.run(
        [INVITE, "draft", "-t", "event-brief", "--set", "first_name=Ana", "--set", "event=PyCon US", "--profile-url", url],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert first.returncode == 0, first.stderr
    out = tmp_path / "note.txt"
    command = f"exec {shlex.quote(INVITE)} draft -r event --set first_name=Ana --profile-url {url} > {shlex.quote(str(out))}"
    child = spawn(command, env, tmp_path)
    child.expect("Which kind of note")
    child.send(Keyboard.Enter)  # event-brief, the default
    child.expect("Which event did you meet at")
    child.send("RustConf" + Keyboard.Enter)
    child.expect("What did you talk about")
    child.send(Keyboard.Enter)
    child.expect("What next")
    assert "already-invited" in child.before and "same profile URL" in child.before
    child.send(Keyboard.Down * 6 + Keyboard.Enter)  # Done
    assert finish(child) == 1  # already-invited is a warning, and --fail-on is warning
    listed = subprocess.run([INVITE, "history", "--format", "json"], env=env, capture_output=True, text=True)
    templates = [json.loads(line)["template"] for line in listed.stdout.splitlines()]
    assert templates == ["event-brief", "event-brief"]
    assert "RustConf" in out.read_text(encoding="utf-8")


def test_pty_note_copied_then_interrupted_is_still_recorded(env, tmp_path):
    child = spawn(f"exec {shlex.quote(INVITE)} draft -r event --set first_name=Ana --set event=RustConf", env, tmp_path)
    child.expect("Which kind of note")
    child.send(Keyboard.Enter)  # event-brief, the default
    child.expect("What did you talk about")
    child.send(Keyboard.Enter)
    child.expect("What next")
    child.send(Keyboard.Enter)  # Copy to clipboard (without a clipboard tool: OSC 52 or printed to copy by hand)
    child.expect("(copied to the|no) clipboard")  # the copy's outcome, not the menu drawn again before it ran
    child.expect("What next")
    child.send(Keyboard.CtrlC)
    assert finish(child) == 130
    listed = subprocess.run([INVITE, "history", "--format", "json"], env=env, capture_output=True, text=True)
    [note] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert note["template"] == "event-brief" and "RustConf" in note["text"] and note["recipient"] == "Ana"
