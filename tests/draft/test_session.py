"""The interactive `invite draft` session, driven through the REAL questionary prompts.

Keystrokes go into a prompt_toolkit pipe input (as questionary's own tests do); the pipe is closed
after the script, so a session that asks for more than the test typed fails with EOF instead of
hanging. Every test runs with its own XDG folders, so the user's real state is never touched.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
import time
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input

from composer.config import Config
from composer.draft import clipboard
from composer.draft.answers import AnswerSources
from composer.draft.prompts import Prompter, answer_validator, instruction_for, question_prompt, room_left
from composer.draft.resolve import resolve
from composer.draft.session import DraftInterrupted
from composer.draft.state import DraftLock, DraftState, new_draft_path, save_state, saved_drafts
from composer.errors import UsageError
from composer.exitcodes import ExitCode
from composer.lint.findings import Finding
from composer.templates.library import discover
from composer.templates.model import Question
from tests.helpers import (
    CTRL_C,
    CTRL_U,
    DOWN,
    ENTER,
    FINISH_MULTILINE,
    answer,
    capturing_output,
    event_brief_keys,
    menu,
    one_line_error,
    pick_relationship,
    pick_template,
    replace_default,
    run_cli,
    saved,
    session,
    typing_in_bursts,
)


@pytest.fixture(autouse=True)
def own_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh XDG folders (also set by conftest; repeated here so this file stands alone)."""
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        folder = tmp_path / "xdg" / var.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(var, str(folder))
    for var in ("INVITE_COMPOSER_CONFIG", "VISUAL", "EDITOR", "WAYLAND_DISPLAY", "DISPLAY", "TMUX"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def library():
    return discover()


# ----------------------------------------------------------------------------- key helpers


# ----------------------------------------------------------------------------- questions as prompts


def test_validator_reports_room_and_requirement():
    question = Question(name="event", prompt="Which event?", max_length=10, example="PyCon")
    validate = answer_validator(question)
    assert validate("PyCon US") is True
    assert validate("  ") == '"Which event?" needs an answer'  # said with the prompt, not the variable
    too_long = validate("EuroPython 2025")
    assert too_long == "Too long: 15/10, 5 too many characters; shorten it"
    assert room_left(question, "PyCon") == "5/10, 5 left"
    optional = Question(name="topic", prompt="Topic?", required=False, help="A few words.", example="x")
    assert answer_validator(optional)("") is True
    assert instruction_for(optional) == "(optional) A few words."
    said = Question(name="topic", prompt="Topic?", required=False, help="Optional. A few words.", example="x")
    assert instruction_for(said) == "Optional. A few words."
    assert room_left(optional, "anything") is None


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_invalid_answers_are_asked_again_with_the_reason_shown():
    question = Question(name="event", prompt="Which event did you meet at?", max_length=10, example="PyCon")
    output, shown = capturing_output()
    with create_pipe_input() as inp:
        # Typed in separate bursts, as a person would, so the screen is redrawn between them.
        typist = typing_in_bursts(inp, [ENTER, "EuroPython 2025" + ENTER, CTRL_U + "PyCon US", ENTER])
        result = question_prompt(question, None, input=inp, output=output).unsafe_ask()
        typist.join()
    assert result == "PyCon US"
    # prompt_toolkit redraws only what changed, so look for fragments of each message.
    screen = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown.getvalue())
    assert '"Which event did you meet at?" needs an answer' in screen  # blank: asked again
    assert "Too long" in screen and "15/10" in screen  # too long: asked again, room shown
    assert "0/10, 10 lef" in screen  # the live counter at the right (its last cell is drawn apart)
    assert "8/10, 2 lef" in screen


def test_prompts_never_touch_stdout(capfd):
    with create_pipe_input() as inp:
        inp.send_text("Ana" + ENTER)
        inp.close()
        Prompter(inp).ask(Question(name="first_name", prompt="Their first name", example="Ana"))
    captured = capfd.readouterr()
    assert captured.out == ""
    assert "Their first name" in captured.err


# ----------------------------------------------------------------------------- complete sessions


@pytest.mark.slow
def test_event_session_end_to_end(library):
    keys = [
        pick_relationship("event"),
        pick_template(library, "event", "event-warm"),
        answer("Ana"),
        answer("PyCon US"),
        answer("packaging tools"),
        menu("done"),
    ]
    note, shown = session(library, keys)
    assert note == (
        "Hi Ana, I enjoyed our chat at PyCon US about packaging tools. "
        "Thanks for your insights - let's stay in touch, and tell me if I can help."
    )
    assert "Met at an event (warm)" in shown
    assert f"{len(note)} / 200" in shown
    assert saved().text == note  # kept until the command has delivered the note (see test_draft_cli)


@pytest.mark.slow
def test_content_session_reasks_an_answer_that_is_too_long(library):
    keys = [
        pick_relationship("content"),
        pick_template(library, "content", "content-brief"),
        answer("Priya"),
        answer("conference talk"),  # 15 characters; work_kind allows 10: asked again
        replace_default("talk"),
        answer("Boring Postgres"),
        ENTER,  # optional takeaway left blank
        menu("done"),
    ]
    note, _ = session(library, keys)
    assert note == 'Hi Priya, I enjoyed your talk "Boring Postgres", and would be glad to connect.'


def test_reconnect_session_single_template_and_config_default(library):
    keys = [
        pick_relationship("reconnect"),  # one template: no template question
        answer("Jo"),
        answer("our time at Acme"),
        ENTER,  # their_news: optional, blank
        ENTER,  # sender_name: accept the default from config
        menu("done", several_templates=False),
    ]
    note, _ = session(library, keys, config=Config(sender_name="Sam Lee"))
    assert note == "Hi Jo, Sam Lee here - it's been a while since our time at Acme. It would be good to catch up."


@pytest.mark.slow
def test_reply_session_with_flags_not_asked_again(library):
    keys = [
        pick_template(library, "reply", "reply-ask"),
        answer("the Rust meetup"),  # only maybe_met is asked: first_name came from --set
        menu("done"),
    ]
    note, _ = session(library, keys, flags={"first_name": "Lee"}, relationship="reply")
    assert note.startswith("Hi Lee, thanks for the invitation - did we meet the Rust meetup,")


def test_answers_file_and_flags_choose_everything_so_nothing_is_asked(library):
    sources = AnswerSources(flags={"first_name": "Ana"}, file={"event": "PyCon"}, config=Config())
    assert not resolve(library, sources, None, "event-brief").needs_prompt
    assert resolve(library, sources, "event", None).needs_prompt  # template not chosen yet
    assert resolve(library, sources, None, "event-warm").needs_prompt  # topic is required there
    assert resolve(library, AnswerSources(flags={}, file={}, config=Config()), None, None).needs_prompt


def test_invalid_flag_value_is_asked_again_in_a_session(library):
    keys = [replace_default("PyCon"), ENTER, menu("done")]
    note, shown = session(library, keys, flags={"first_name": "Ana", "event": "x" * 41}, template_id="event-brief")
    assert '"Which event did you meet at?" (event) is 41 characters; the template allows 40' in shown
    assert note.startswith("Hi Ana, great meeting you at PyCon.")


# ----------------------------------------------------------------------------- the action menu


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_edit_inline_replaces_the_text_and_relints(library):
    new_text = "Hi Ana, loved your PyCon lightning talk on wheels. Let's connect!"
    keys = [*event_brief_keys(), menu("edit"), CTRL_U, new_text, FINISH_MULTILINE, menu("done")]
    note, shown = session(library, keys)
    assert note == new_text
    assert shown.count("Met at an event (brief)") == 2  # shown again after the edit
    assert "(edited)" in shown
    assert f"{len(new_text)} / 200" in shown


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_edit_with_editor_from_environment(library, tmp_path, monkeypatch):
    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('great meeting', 'lovely meeting'))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    note, _ = session(library, [*event_brief_keys(), menu("edit"), menu("done")])
    assert note == "Hi Ana, lovely meeting you at PyCon. I'd enjoy staying in touch here."


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_change_an_answer_rerenders(library):
    keys = [
        *event_brief_keys(),
        menu("change"),
        DOWN + ENTER,  # questions: first_name, event, topic, ...: pick "event"
        replace_default("EuroPython"),
        menu("done"),
    ]
    note, shown = session(library, keys)
    assert note == "Hi Ana, great meeting you at EuroPython. I'd enjoy staying in touch here."
    assert "PyCon" in shown and shown.count("Met at an event (brief)") == 2


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_change_after_a_manual_edit_asks_before_dropping_it(library):
    keys = [
        *event_brief_keys(),
        menu("edit"),
        CTRL_U,
        "Hand-written note for Ana.",
        FINISH_MULTILINE,
        menu("change"),
        ENTER,  # first_name
        "n",  # keep my edits
        menu("done"),
    ]
    note, _ = session(library, keys)
    assert note == "Hand-written note for Ana."


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_try_another_template_keeps_answers_and_asks_only_new_ones(library):
    keys = [
        *event_brief_keys(topic="wheels"),
        menu("template"),
        pick_template(library, "event", "event-warm", exclude="event-brief"),
        # first_name, event and topic are kept; event-warm needs nothing else
        menu("done"),
    ]
    note, shown = session(library, keys)
    assert note.startswith("Hi Ana, I enjoyed our chat at PyCon about wheels.")
    assert "Met at an event (warm)" in shown
    keys = [
        *event_brief_keys(),
        menu("template"),
        pick_template(library, "event", "event-speaker", exclude="event-brief"),
        answer("type hints"),  # talk_topic is new
        ENTER,  # optional takeaway
        menu("done"),
    ]
    note, _ = session(library, keys)
    assert note == "Hi Ana, your type hints talk at PyCon taught me a lot. Thank you - I'd like to follow your work."


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_save_to_file_and_refuse_to_overwrite_unless_confirmed(library, tmp_path):
    target = tmp_path / "ana.txt"
    keys = [
        *event_brief_keys(),
        menu("save"),
        replace_default(str(target)),
        menu("change"),
        DOWN + ENTER,
        replace_default("EuroPython"),
        menu("save"),
        replace_default(str(target)),
        "n",  # do not replace: the file keeps the first version
        menu("done"),
    ]
    note, shown = session(library, keys)
    assert target.read_text() == "Hi Ana, great meeting you at PyCon. I'd enjoy staying in touch here.\n"
    assert f"Not saved; {target} is unchanged." in shown
    assert "EuroPython" in note
    keys = [*event_brief_keys(event="Djangocon"), menu("save"), replace_default(str(target)), "y", menu("done")]
    note, shown = session(library, keys)
    assert target.read_text() == note + "\n"
    assert f"Saved to {target}" in shown
    assert not list(tmp_path.glob(".ana.txt.*"))  # no temporary files left behind


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_save_into_a_missing_folder_says_so_and_continues(library, tmp_path):
    keys = [*event_brief_keys(), menu("save"), replace_default(str(tmp_path / "nope" / "a.txt")), menu("done")]
    note, shown = session(library, keys)
    assert "Not saved:" in shown and "folder does not exist" in shown
    assert note.startswith("Hi Ana")


@pytest.mark.slow
def test_over_the_limit_asks_before_finishing(library):
    keys = [*event_brief_keys(), menu("done"), "n", menu("done"), "y"]
    note, shown = session(library, keys, limit=40)
    assert note.startswith("Hi Ana")
    assert f"{len(note)} / 40" in shown
    assert "draft:1:1: error[Length] " in shown and "= hint: shorten it" in shown


# ----------------------------------------------------------------------------- Ctrl-C and --resume


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_ctrl_c_keeps_the_draft_and_resume_continues_it(library):
    keys = [pick_relationship("event"), pick_template(library, "event", "event-warm"), answer("Ana"), CTRL_C]
    with pytest.raises(DraftInterrupted) as caught:
        session(library, keys)
    assert caught.value.exit_code == ExitCode.INTERRUPTED == 130
    (path,) = saved_drafts()
    assert str(path) in str(caught.value) and "invite draft --resume" in str(caught.value)
    data = json.loads(path.read_text())
    assert data["template"] == "event-warm" and data["answers"] == {"first_name": "Ana"}
    note, _ = session(library, [answer("PyCon"), answer("wheels"), menu("done")], resume=True)
    assert note.startswith("Hi Ana, I enjoyed our chat at PyCon about wheels.")
    assert saved().text == note  # the same draft, continued; forgotten only once delivered


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_ctrl_c_in_the_menu_keeps_manual_edits_for_resume(library):
    keys = [*event_brief_keys(), menu("edit"), CTRL_U, "My own words, Ana.", FINISH_MULTILINE, CTRL_C]
    with pytest.raises(DraftInterrupted):
        session(library, keys)
    assert saved().edited
    note, shown = session(library, [menu("done")], resume=True)
    assert note == "My own words, Ana."
    assert "(edited)" in shown


def test_ctrl_c_before_anything_was_entered_keeps_no_draft(library):
    with pytest.raises(DraftInterrupted) as caught:
        session(library, [CTRL_C])
    assert "no draft was kept (nothing was entered yet)" in str(caught.value)
    assert saved_drafts() == []


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_ctrl_c_at_the_first_question_then_resume(library):
    with pytest.raises(DraftInterrupted):
        session(library, [pick_relationship("alumni"), CTRL_C])
    assert saved() == DraftState(relationship="alumni", template="alumni")  # its only template
    note, _ = session(
        library,
        [
            answer("Kim"),
            answer("ETH"),
            ENTER,
            answer("robotics"),
            menu("done", several_templates=False),
        ],
        resume=True,
    )
    assert note == "Hi Kim, fellow ETH alum here. Your work on robotics caught my eye - glad to be in touch."


def test_resume_with_nothing_saved_is_a_usage_error(library):
    with pytest.raises(UsageError) as caught:
        session(library, [], resume=True)
    assert caught.value.exit_code == ExitCode.USAGE
    assert "nothing to resume" in str(caught.value)


def test_resume_without_a_terminal_is_refused(library):
    from tests.helpers import run_cli

    save_state(DraftState(template="event-brief", answers={"first_name": "Ana"}), new_draft_path())
    result = run_cli("draft", "--resume")  # CliRunner's stdin is not a terminal
    assert result.exit_code == ExitCode.USAGE
    assert "--resume needs a terminal" in result.stderr
    assert saved().answers == {"first_name": "Ana"}  # the draft is untouched


# ----------------------------------------------------------------------------- panel, lint and copy


@pytest.mark.slow
def test_panel_shows_count_findings_and_hints(library):
    finding = Finding("Invite.Generic", "warning", "generic opener", "say where you met", 0, 2, 1, 1, "Hi")

    def lint(text: str, limit: int):
        assert limit == 200
        return [finding]

    note, shown = session(library, [*event_brief_keys(), menu("done")], lint=lint)
    assert f"{len(note)} / 200" in shown
    assert "draft:1:1: warning[Invite.Generic] generic opener" in shown  # the linter's own format
    assert "1 | Hi Ana, great meeting you at PyCon." in shown and "  | ^^\n" in shown
    assert "hint: say where you met" in shown


def test_panel_uses_the_real_linter(library):
    from composer.draft.panel import default_lint

    note, shown = session(library, [*event_brief_keys(), menu("done")], lint=default_lint)
    try:
        from composer.lint import lint_text
    except ImportError:
        assert "linter is not installed" in shown
        return
    findings = lint_text(note, limit=200)
    if findings:
        assert findings[0].message in shown
    else:
        assert "No lint findings." in shown


def fake_tool(folder: Path, name: str, sink: Path, code: int = 0) -> None:
    script = folder / name
    script.write_text(f"#!/bin/sh\n/bin/cat > {sink}\nexit {code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.mark.slow
def test_a_failing_linter_is_reported_and_the_session_goes_on(library):
    def broken(text: str, limit: int):
        raise RuntimeError("model missing")

    note, shown = session(library, [*event_brief_keys(), menu("done")], lint=broken)
    assert "The linter failed (RuntimeError: model missing); the note is unchecked." in shown
    assert note.startswith("Hi Ana")


@pytest.mark.slow
def test_copy_uses_the_system_clipboard_tool(library, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    sink = tmp_path / "clipboard.txt"
    fake_tool(bin_dir, "wl-copy", sink)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    note, shown = session(library, [*event_brief_keys(), menu("copy"), menu("done")])
    assert sink.read_text() == note
    assert "copied to the clipboard with wl-copy" in shown


def test_copy_falls_back_to_osc52_then_to_saying_so(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_tool(bin_dir, "xclip", tmp_path / "unused", code=1)  # present but failing (no X server)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("DISPLAY", ":0")

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Tty()
    result = clipboard.copy("Hi Ana", terminal)
    assert result.method == "osc52" and "xclip exited with 1" in result.message
    assert terminal.getvalue() == "\x1b]52;c;SGkgQW5h\x07"
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    plain = "\x1b]52;c;SGkgQW5h\x07"
    assert clipboard.osc52_sequence("Hi Ana") == plain + "\x1bPtmux;\x1b\x1b]52;c;SGkgQW5h\x07\x1b\\"
    result = clipboard.copy("Hi Ana", io.StringIO())
    assert not result.copied and "no clipboard found" in result.message


@pytest.mark.slow
def test_copy_with_no_clipboard_prints_the_note_plainly(library, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tools at all; the panel console is not a terminal
    note, shown = session(library, [*event_brief_keys(), menu("copy"), menu("done")])
    assert "no clipboard found; copy the note by hand" in shown
    assert shown.rstrip().endswith(note) or f"\n{note}\n" in shown


def test_state_file_is_private_json_in_the_state_dir(library):
    with pytest.raises(DraftInterrupted):
        session(library, [pick_relationship("group"), CTRL_C])
    (path,) = saved_drafts()
    assert path.parent == Path(os.environ["XDG_STATE_HOME"]) / "invite-composer" / "drafts"
    assert json.loads(path.read_text())["relationship"] == "group"


def test_a_new_session_never_replaces_a_saved_draft():
    from composer.draft.session import DraftInterrupted
    from composer.templates.library import discover
    from tests.helpers import CTRL_C, pick_relationship, session

    earlier = save_state(
        DraftState(template="event-warm", answers={"first_name": "Ana"}, text="My own words.", edited=True), new_draft_path()
    )
    before = earlier.read_text()
    with pytest.raises(DraftInterrupted):
        session(discover(), [pick_relationship("group"), CTRL_C])
    assert earlier.read_text() == before  # untouched
    assert len(saved_drafts()) == 2  # the new session kept its own


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_resume_skips_a_draft_another_session_holds():
    from composer.draft.state import resumable

    held = save_state(DraftState(relationship="event"), new_draft_path())
    lock = DraftLock(held)
    assert lock.acquire()
    try:
        with pytest.raises(Exception, match="open in another `invite draft` session"):
            resumable()
        time.sleep(1.1)  # a second draft, newer
        free = save_state(DraftState(relationship="group"), new_draft_path().with_name("draft-other.json"))
        assert list(resumable()) == [free]
    finally:
        lock.release()


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_an_unwritable_state_folder_warns_once_and_the_session_goes_on(tmp_path, monkeypatch):
    from composer.templates.library import discover
    from tests.helpers import event_brief_keys, menu, session

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    note, shown = session(discover(), [*event_brief_keys(), menu("done")])
    assert note.startswith("Hi Ana")
    assert shown.count("the draft cannot be saved") == 1 and "going on without saving" in shown


@pytest.mark.slow  # a whole session or history round trip (~1 s)
def test_a_save_to_file_name_with_rich_markup_is_shown_as_typed(tmp_path, monkeypatch):
    from composer.templates.library import discover
    from tests.helpers import event_brief_keys, menu, replace_default, session

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a[").mkdir()  # so that "a[/]b[bold].txt" is the file "]b[bold].txt" in the folder "a["
    note, shown = session(discover(), [*event_brief_keys(), menu("save"), replace_default("a[/]b[bold].txt"), menu("done")])
    assert "Saved to a[/]b[bold].txt" in shown
    assert (tmp_path / "a[" / "]b[bold].txt").read_text(encoding="utf-8") == note + "\n"


@pytest.mark.slow
def test_an_editor_with_an_unbalanced_quote_falls_back_to_inline(monkeypatch):
    from composer.templates.library import discover
    from tests.helpers import CTRL_U, FINISH_MULTILINE, event_brief_keys, menu, session

    monkeypatch.setenv("EDITOR", "vim 'unbalanced")
    keys = [*event_brief_keys(), menu("edit"), CTRL_U, "My words, Ana.", FINISH_MULTILINE, menu("done")]
    note, shown = session(discover(), keys)
    assert note == "My words, Ana." and "cannot use the editor" in shown and "editing inline instead" in shown
    assert "cannot use the editor" in one_line_error(run_cli("templates", "new", "mine", "-r", "event", "--edit"))


def test_lock_files_do_not_pile_up_in_the_drafts_folder():
    """A session's `.lock` goes when it lets go: an interrupted session, a probe for waiting drafts, a finished one."""
    from composer.draft.state import drafts_dir, free_drafts
    from composer.templates.library import discover

    with pytest.raises(DraftInterrupted):
        session(discover(), [CTRL_C])  # interrupted before anything was entered: nothing is kept
    assert not drafts_dir().exists() or list(drafts_dir().iterdir()) == []
    kept = save_state(DraftState(relationship="event"), new_draft_path())
    assert free_drafts() == [kept]
    assert sorted(p.name for p in drafts_dir().iterdir()) == [kept.name]


def test_a_released_lock_can_be_taken_again_and_still_excludes():
    held = save_state(DraftState(relationship="event"), new_draft_path())
    lock_file = held.with_name(held.name + ".lock")
    first, second, third = DraftLock(held), DraftLock(held), DraftLock(held)
    assert first.acquire() and lock_file.exists()
    assert not second.acquire()
    first.release()
    assert not lock_file.exists()
    assert second.acquire() and lock_file.exists()
    assert not third.acquire()  # the new lock file excludes as the old one did
    second.release()
    assert not lock_file.exists() and held.exists()
