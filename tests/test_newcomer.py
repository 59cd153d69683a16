"""What a new user trips on, tried from the README (issue 10, point 5): each case as they met it.

Every test here failed before its fix.
"""

from __future__ import annotations

import io
import os
import pwd
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from composer.config import user_templates_dir
from composer.draft import clipboard
from composer.draft.prompts import Prompter, live_count
from composer.templates.library import discover
from composer.templates.model import Question
from tests.conftest import REPO, run_cli

ENTER = "\r"
REAL_HOME = Path(pwd.getpwuid(os.getuid()).pw_dir)


# ----------------------------------------------------------------------------- tests never read the real home


@pytest.fixture(scope="module")
def module_time_templates_dir() -> Path:
    """Computed when the module's fixtures run, before any function-scoped fixture."""
    return user_templates_dir()


def test_module_scoped_fixtures_never_see_the_real_home(module_time_templates_dir: Path):
    assert not module_time_templates_dir.is_relative_to(REAL_HOME)
    assert Path(os.environ["HOME"]).resolve() != REAL_HOME.resolve()


def test_a_users_own_override_cannot_leak_into_the_suite(module_time_templates_dir: Path):
    """The documented way to customise (a user template with a built-in's id) must not change what tests see."""
    builtin = discover().templates["event-brief"]
    assert builtin.source == "built-in"


# ----------------------------------------------------------------------------- prompts: defaults are not pre-filled


def capturing_output() -> tuple[Vt100_Output, io.StringIO]:
    buffer = io.StringIO()
    return Vt100_Output(buffer, lambda: Size(rows=40, columns=120), term="xterm"), buffer


def ask(keys: str, question: Question, **options) -> tuple[str, str]:
    output, shown = capturing_output()
    with create_pipe_input() as inp:
        inp.send_text(keys)
        inp.close()
        answer = Prompter(inp, output).ask(question, **options)
    return answer, re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown.getvalue())


KIND = Question(name="work_kind", prompt="What kind of work was it?", default="article", max_length=10, example="article")


def test_typing_over_a_default_gives_what_was_typed_not_the_default_plus_it():
    answer, shown = ask("talk" + ENTER, KIND, fallback="article")
    assert answer == "talk"  # it used to be "articletalk": the default was typed into the box
    assert "Enter alone keeps 'article'" in shown  # the default is said, not pre-filled


def test_enter_alone_takes_the_default():
    answer, _ = ask(ENTER, KIND, fallback="article")
    assert answer == "article"


def test_a_session_with_a_template_default_takes_the_typed_answer(invoke):
    """The README's content session: `talk` typed at the work-kind prompt gives a talk, end to end."""
    from tests.test_prompts import answer, pick_relationship, pick_template, session

    library = discover()
    keys = [
        pick_relationship("content"),
        pick_template(library, "content", "content-brief"),
        answer("Priya"),
        answer("talk"),
        answer("Boring Postgres"),
        answer("the part on vacuum tuning"),
        "\x1b[B" * 6 + ENTER,
    ]
    note, _ = session(library, keys)
    assert 'your talk "Boring Postgres"' in note


# ----------------------------------------------------------------------------- the live count


def test_live_count_shows_the_whole_notes_length_and_turns_red_past_the_limit():
    preview = lambda partial: f"Hi Ana, great meeting you at {partial}."  # noqa: E731
    fine = live_count(preview, 200, "PyCon")
    assert "".join(text for _, text in fine) == " note: 35 / 200, 165 left "
    over = live_count(preview, 40, "PyCon US 2025 in Pittsburgh")
    assert any("ansired" in style and "57 / 40, 17 over" in text for style, text in over)
    emoji = live_count(lambda partial: partial, 200, "👋")
    assert " 2 / 200" in "".join(text for _, text in emoji)  # UTF-16 units, as LinkedIn counts


class Terminal(io.StringIO):
    """What prompt_toolkit writes to, as a terminal that answers cursor-position requests (CPR)."""

    def isatty(self) -> bool:
        return True


def test_live_count_is_drawn_in_the_bottom_toolbar_while_typing():
    """The toolbar needs the terminal's height, which a real terminal reports (CPR): the test answers for it."""
    from tests.test_prompts import typing_in_bursts

    question = Question(name="event", prompt="Which event?", max_length=40, example="PyCon")
    shown = Terminal()
    output = Vt100_Output(shown, lambda: Size(rows=40, columns=120), term="xterm")
    with create_pipe_input() as inp:
        typist = typing_in_bursts(inp, ["\x1b[1;1R", "PyCon", ENTER])
        preview = lambda partial: f"Hi Ana, great meeting you at {partial}."  # noqa: E731
        answer = Prompter(inp, output).ask(question, preview=preview, limit=200)
        typist.join()
    screen = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown.getvalue())
    assert answer == "PyCon"
    assert "note: 30 / 200, 170 left" in screen  # the whole note, rendered with the (empty) partial answer
    assert "5/40, 35 lef" in screen  # and the answer's own room at the right


# ----------------------------------------------------------------------------- lint options and help


def test_select_minus_ignore_leaving_nothing_is_a_usage_error(tmp_path):
    note = tmp_path / "n.txt"
    note.write_text("Hi Ana, we met at PyCon.", encoding="utf-8")
    result = run_cli("lint", str(note), "--select", "shouting", "--ignore", "shouting")
    assert result.exit_code == 2
    assert "leave no rule to run" in result.stderr


@pytest.mark.parametrize("command", [("--help",), ("draft", "--help"), ("lint", "--help"), ("templates", "new", "--help")])
def test_help_shows_words_not_python_types(command):
    result = run_cli(*command, env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert not re.search(r"<(list\[|bool|str|int|path|Path)", result.stdout), result.stdout


def test_shell_completion_can_be_installed():
    assert "--install-completion" in run_cli("--help", env={"COLUMNS": "120"}).stdout
    script = subprocess.run(
        [sys.executable, "-m", "composer", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    assert script.returncode == 0, script.stderr
    assert "complete" in script.stdout and "invite" in script.stdout


def test_draft_help_paragraphs_are_not_broken_mid_sentence():
    result = run_cli("draft", "--help", env={"COLUMNS": "200"})
    assert "with --no-input or no terminal, missing answers are an error" in result.stdout


# ----------------------------------------------------------------------------- draft answers


def test_unknown_set_keys_are_named_with_the_templates_questions():
    result = run_cli("draft", "-t", "event-brief", "--set", "first_name=Ana", "--set", "event=PyCon", "--set", "evnt=x")
    assert result.stdout.startswith("Hi Ana, great meeting you at PyCon.")
    asked = "first_name, event, topic"
    assert f"warning: --set evnt: template 'event-brief' does not ask for it (its questions: {asked})" in result.stderr


def test_required_answers_are_named_by_their_prompt_when_invalid():
    result = run_cli("draft", "-t", "event-brief", "--set", "first_name=Ana", "--set", "event=" + "x" * 41)
    assert result.exit_code == 2
    assert '"Which event did you meet at?" (event) is 41 characters' in result.stderr


def test_a_directory_as_answers_file_reads_as_english(tmp_path):
    result = run_cli("draft", "-t", "event-brief", "--answers", str(tmp_path))
    assert "is a directory, not an answers file" in result.stderr


def test_an_undefined_variable_in_draft_names_its_line(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "t.jinja").write_text(
        "---\nid: t\nrelationship: event\ntitle: T\ndescription: D\nquestions: []\n---\nHi {{ first_name }},\n{{ misspelt }}\n",
        encoding="utf-8",
    )
    result = run_cli("draft", "--templates-dir", str(folder), "-t", "t", "--set", "first_name=Ana")
    assert result.exit_code == 2
    assert f"{folder / 't.jinja'}:9: undefined variable: 'misspelt' is undefined" in result.stderr


def test_cut_one_character_is_singular(tmp_path):
    note = tmp_path / "n.txt"
    note.write_text("Hi Ana, thanks", encoding="utf-8")
    result = run_cli("lint", str(note), "--limit", "13")
    assert "Cut 1 character:" in result.stdout and "1 characters" not in result.stdout


# ----------------------------------------------------------------------------- clipboard inside tmux and screen


def test_osc52_is_wrapped_for_tmux_and_screen(monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    wrapped = clipboard.osc52_sequence("Hi")
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]52;c;") and wrapped.endswith("\x1b\\")
    monkeypatch.delenv("TMUX")
    monkeypatch.setenv("STY", "1234.pts-0.host")
    long = clipboard.osc52_sequence("x" * 300)
    pieces = re.findall(r"\x1bP(.*?)\x1b\\", long, flags=re.S)
    assert len(pieces) > 1 and all(len(piece) <= clipboard.SCREEN_CHUNK for piece in pieces)
    assert "".join(pieces).startswith("\x1b]52;c;")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_copy_inside_tmux_says_success_cannot_be_known(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    result = clipboard.copy("Hi Ana", FakeTerminal())
    assert result.method == "osc52" and not result.certain
    assert "through tmux" in result.message and "cannot be known" in result.message


# ----------------------------------------------------------------------------- templates


def test_new_from_copies_a_builtin_for_editing(xdg):
    result = run_cli("templates", "new", "my-event", "--from", "event-brief")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    text = path.read_text(encoding="utf-8")
    assert "id: my-event" in text and "id: event-brief" not in text
    body = text.split("---\n", 2)[2]
    assert body == discover().templates["event-brief"].body  # the body is the original's, to edit
    assert run_cli("templates", "check", "my-event").exit_code == 0


def test_new_from_an_unknown_template_lists_the_valid_ids(xdg):
    result = run_cli("templates", "new", "mine", "--from", "nope")
    assert result.exit_code == 2 and "unknown template 'nope'" in result.stderr


def test_show_and_check_give_the_room_per_answer_on_each_tier(xdg):
    shown = run_cli("templates", "show", "event-brief", env={"COLUMNS": "200"})
    assert re.search(r"event \(required, max 40\): .*room: \d+ free / \d+ premium", shown.stdout), shown.stdout
    data = run_cli("templates", "show", "event-brief", "--format", "json")
    import json

    room = json.loads(data.stdout)["room"]
    assert set(room) == {"first_name", "event", "topic"} and room["event"]["premium"] - room["event"]["free"] == 100
    checked = run_cli("templates", "check", "event-brief")
    assert "info: room per answer with the others at their examples: first_name " in checked.stdout


def test_check_for_premium_says_premium():
    result = run_cli("templates", "check", "event-brief", "--account", "premium")
    assert "fits premium with examples" in result.stdout and "fits free" not in result.stdout


def test_the_session_menu_switches_relationship():
    from composer.templates.model import relationships
    from tests.test_prompts import DOWN, answer, menu, pick_relationship, session

    library = discover()
    order = list(relationships())
    keys = [
        pick_relationship("event"),
        "\r",  # event-brief
        answer("Ana"),
        answer("PyCon"),
        "\r",  # no topic
        menu("relationship"),
        DOWN * (order.index("alumni") - order.index("event")) + "\r",  # the list starts on the current one
        answer("ETH"),
        "\r",
        answer("robotics"),
        DOWN * 5 + "\r",  # one alumni template: copy, edit, change, relationship, save, DONE
    ]
    note, _ = session(library, keys)
    assert note.startswith("Hi Ana, fellow ETH alum here.")


# ----------------------------------------------------------------------------- config: lint defaults and projects


def test_lint_defaults_from_the_user_config(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[lint]\nignore = ["no-greeting", "self-focus"]\nfail_on = "error"\n', encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(config))
    note = tmp_path / "n.txt"
    note.write_text("I'd like to add you to my professional network on LinkedIn.", encoding="utf-8")
    result = run_cli("lint", str(note), "--format", "json")
    assert result.exit_code == 0  # fail_on = error: warnings do not fail
    assert "no-greeting" not in result.stdout and "generic-phrase" in result.stdout
    assert run_cli("lint", str(note), "--fail-on", "warning").exit_code == 1  # the flag wins


@pytest.mark.parametrize("kind", [".invite.toml", "pyproject.toml"])
def test_a_project_config_is_found_upwards_and_beats_the_user_one(tmp_path, monkeypatch, kind):
    user = tmp_path / "config.toml"
    user.write_text('account = "free"\n[lint]\nfail_on = "info"\n', encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(user))
    project = tmp_path / "repo"
    (project / "notes" / "deep").mkdir(parents=True)
    table = 'account = "premium"\n[lint]\nselect = ["too-long"]\n'
    in_pyproject = "[project]\nname = 'x'\n[tool.invite]\n" + table.replace("[lint]", "[tool.invite.lint]")
    text = table if kind == ".invite.toml" else in_pyproject
    (project / kind).write_text(text, encoding="utf-8")
    monkeypatch.chdir(project / "notes" / "deep")
    note = Path("n.txt")
    note.write_text("x" * 250, encoding="utf-8")
    result = run_cli("lint", "n.txt", "--format", "json")
    assert '"limit": 300' in result.stdout and '"findings": []' in result.stdout  # premium, only too-long
    assert result.exit_code == 0
    assert run_cli("lint", "n.txt", "--account", "free").exit_code == 1  # flags beat the project


def test_config_with_a_non_string_account_is_one_line(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("account = [1]\n", encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(config))
    result = run_cli("lint", "-", input="Hi")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert 'account must be "free" or "premium", got [1]' in result.stderr


# ----------------------------------------------------------------------------- pre-commit and the README


def test_pre_commit_hooks_run_lint_and_template_checks():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks["invite-lint"]["entry"].startswith("invite lint")
    assert hooks["invite-templates-check"]["entry"].startswith("invite templates check")
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["files"]


def test_quick_start_run_command_installs_only_what_running_needs():
    quick = (REPO / "README.md").read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    run = next(line for line in quick.splitlines() if line.endswith("invite draft"))
    test = next(line for line in quick.splitlines() if line.endswith("pytest"))
    assert "pip install -e ." in run and "[test]" not in run
    assert "pip install -e '.[test]'" in test


# ----------------------------------------------------------------------------- file modes


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
    from composer.draft.state import DraftState, new_draft_path, save_state

    path = save_state(DraftState(answers={"first_name": "Ana"}), new_draft_path())
    assert mode(path) == 0o600
