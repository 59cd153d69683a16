"""Hostile templates and broken outputs (issue 12): each mechanism, tried with payloads of its kind.

1. Untrusted templates cannot hang or exhaust the machine: the worker's OS limits, for real.
2. Nothing from a template or a file reaches the terminal raw.
3. No draft is ever lost.
4. No traceback, and the right exit code, whatever the input or the output.

Templates and inputs are built in each test.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from composer import template_check
from composer.draft.state import DraftLock, DraftState, load_state, new_draft_path, save_state, saved_drafts
from composer.templates import isolation
from tests.conftest import run_cli

INVITE = shutil.which("invite", path=str(Path(sys.executable).parent)) or shutil.which("invite") or "invite"
HEADER = """\
---
id: {id}
relationship: event
title: {title}
description: A template written for a test.
questions:
  - name: event
    prompt: Which event?
    max_length: 30
    example: PyData Berlin
{extra}---
"""
EVENT = ("--set", "first_name=Ana", "--set", "event=PyCon", "--no-input")


def template(folder: Path, body: str, *, id: str = "hostile", title: str = "Hostile", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{id}.jinja"
    path.write_text(HEADER.format(id=id, title=title, extra=extra) + body + "\n", encoding="utf-8")
    return path


def one_line_error(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    return result.stderr


def timed(*args: str) -> tuple[float, object]:
    start = time.monotonic()
    result = run_cli(*args)
    return time.monotonic() - start, result


# =============================================================================== 1. resources


def test_a_template_that_would_hang_while_parsing_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, {{ 'Ana'|wordwrap('nan'|float) }} at {{ event }}.")
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.", id="fine")
    seconds, listed = timed("templates", "list", "--templates-dir", str(folder), "--format", "json")
    assert seconds < 20 and listed.exit_code == 0
    assert {"hostile", "fine"} <= {row["id"] for row in json.loads(listed.stdout)}
    refused = one_line_error(run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *EVENT))
    assert "hostile.jinja" in refused and "needs a finite number" in refused


def test_a_nan_computed_at_run_time_is_refused(tmp_path):
    folder = tmp_path / "tpl"
    extra = "  - name: width\n    prompt: Width?\n    max_length: 5\n    example: '20'\n"
    template(folder, "Hi {{ first_name }}, {{ event|wordwrap(width|float) }}.", extra=extra)
    refused = one_line_error(run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *EVENT[:4], "--set", "width=nan"))
    assert "refused by the sandbox" in refused


@pytest.mark.parametrize(
    "payload",
    [
        "{{ '%((a))2999999999s' % {'(a)': 'x'} }}",  # one step, gigabytes: past the worker's address space
        "{% set ns = namespace(a=[1]) %}{% for i in range(40) %}{% set ns.a = [ns.a, ns.a] %}{% endfor %}{{ ns.a }}",
        "{{ ('{0}' * 3000).format('x' * 9000) }}",
        "{{ ('\\n' * 10000)|indent('x' * 10000, true, true) }}",
    ],
    ids=["printf-width", "self-doubling-list", "format-repeat", "indent-repeat"],
)
def test_memory_and_time_bombs_end_as_one_line_refusal_within_seconds(tmp_path, payload):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.\n" + payload)
    seconds, result = timed("draft", "--templates-dir", str(folder), "-t", "hostile", *EVENT)
    refused = one_line_error(result)
    assert "hostile.jinja" in refused and "refused by the sandbox" in refused
    assert seconds < 30
    assert run_cli("draft", "-t", "event-brief", *EVENT).exit_code == 0  # the next render works


def test_the_worker_is_limited_by_the_operating_system():
    """The limits are the kernel's: a child of the worker would inherit them; a task past them ends the worker."""
    limit = isolation.call(_address_space_limit)
    assert limit != -1 and limit < 64 * 2**30  # RLIMIT_AS is set (not unlimited)


def _address_space_limit() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0]


def test_the_wall_clock_kills_a_task_that_never_returns():
    start = time.monotonic()
    with pytest.raises(Exception, match="ran for more than 1 seconds"):
        isolation.call(time.sleep, 60, seconds=1)
    assert time.monotonic() - start < 10
    assert isolation.call(len, "still works") == 11  # a fresh worker took over


def test_check_has_one_time_budget_per_file_and_reports_the_others(tmp_path, monkeypatch):
    """Every optional combination of a slow template used to take minutes and pass; now its budget runs out."""
    monkeypatch.setattr(template_check, "CHECK_SECONDS", 2.0)
    folder = tmp_path / "tpl"
    optional = "".join(
        f"  - name: o{i}\n    prompt: O{i}?\n    required: false\n    max_length: 3\n    example: x\n" for i in range(10)
    )
    uses = "".join(f"{{{{ o{i} }}}}" for i in range(10))
    template(folder, "Hi {{ first_name }} {{ event }} " + uses + "{% for i in range(60000) %}{% endfor %}", extra=optional)
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.", id="fine")
    seconds, result = timed("templates", "check", str(folder))
    assert seconds < 60
    assert result.exit_code == 2
    assert "hostile.jinja" in result.stdout and "ran for more than 2 seconds" in result.stdout
    assert "fine.jinja" in result.stdout and "checked 2 templates: 1 passed, 1 failed" in result.stdout


def test_a_yaml_alias_bomb_is_skipped_quickly(tmp_path):
    folder = tmp_path / "tpl"
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    (folder).mkdir()
    (folder / "bomb.jinja").write_text("---\n" + "\n".join(levels) + "\nid: bomb\n---\nHi\n", encoding="utf-8")
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.", id="fine")
    seconds, listed = timed("templates", "list", "--templates-dir", str(folder), "--format", "json")
    assert seconds < 20 and listed.exit_code == 0
    assert "fine" in {row["id"] for row in json.loads(listed.stdout)}
    assert "bomb.jinja" in listed.stderr and "Traceback" not in listed.output


def test_deeply_nested_front_matter_is_an_error_not_a_recursion_traceback(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "deep.jinja").write_text("---\nid: " + "[" * 900 + "]" * 900 + "\n---\nHi\n", encoding="utf-8")
    checked = run_cli("templates", "check", str(folder / "deep.jinja"))
    assert checked.exit_code == 1 and "Traceback" not in checked.output
    assert "deep.jinja:2: error: metadata" in checked.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_a_link_to_dev_zero_in_a_templates_folder_is_skipped(tmp_path):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.", id="fine")
    os.mkfifo(folder / "pipe.jinja")
    (folder / "zero.jinja").symlink_to("/dev/zero")
    seconds, listed = timed("templates", "list", "--templates-dir", str(folder), "--format", "json")
    assert seconds < 20 and listed.exit_code == 0
    assert "fine" in {row["id"] for row in json.loads(listed.stdout)}
    assert "pipe.jinja: not a regular file" in listed.stderr and "zero.jinja: not a regular file" in listed.stderr


def test_a_huge_template_file_is_not_read(tmp_path):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }} {{ event }}" + "x" * 300_000, id="huge")
    listed = run_cli("templates", "list", "--templates-dir", str(folder))
    assert "huge.jinja: larger than 256 KB" in listed.stderr


# =============================================================================== 2. terminal escapes


def test_escapes_in_template_metadata_never_reach_the_terminal(tmp_path):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.", title='"Evil \\e]52;c;cGF5bG9hZA==\\a title"')
    template(
        folder, "Hi {{ first_name }} at {{ event }}.", id="forged", title='"x\\nevent-brief  event  brief  Forged  built-in"'
    )
    listed = run_cli("templates", "list", "--templates-dir", str(folder))
    assert "\x1b" not in listed.output and "\x07" not in listed.output
    assert "'title' contains control or invisible characters" in listed.stderr  # skipped, with a visible warning
    assert "Forged" not in listed.stdout
    checked = run_cli("templates", "check", str(folder))
    assert checked.exit_code == 1 and "\x1b" not in checked.output
    assert "hostile.jinja:4: error: 'title' contains control or invisible characters" in checked.stdout


def test_rich_markup_in_template_text_is_shown_as_written(tmp_path):
    """Tables parse strings as markup: a title with `[/]` used to raise, and `[bold]` to restyle the row."""
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.", title='"Closing [/] tag [bold]x"')
    listed = run_cli("templates", "list", "--templates-dir", str(folder), "-r", "event")
    assert listed.exit_code == 0 and "Closing [/] tag [bold]x" in listed.stdout
    shown = run_cli("templates", "show", "hostile", "--templates-dir", str(folder))
    assert shown.exit_code == 0 and "Closing [/] tag [bold]x" in shown.stdout


def test_a_concealed_link_in_a_body_shows_in_templates_show(tmp_path):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.\x1b[8m book a demo at evil.example\x1b[0m")
    shown = run_cli("templates", "show", "hostile", "--templates-dir", str(folder))
    assert "\x1b" not in shown.output
    assert "␛[8m book a demo at evil.example␛[0m" in shown.stdout
    checked = run_cli("templates", "check", "hostile", "--templates-dir", str(folder))
    assert "invisible-character" in checked.stdout  # the linter flags the note it makes


def test_a_file_name_with_escapes_is_shown_visibly(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "\x1b]0;pwned\x07.jinja").write_text("not a template", encoding="utf-8")
    listed = run_cli("templates", "list", "--templates-dir", str(folder))
    assert "\x1b" not in listed.output and "␛]0;pwned␇.jinja" in listed.stderr


def test_the_linter_flags_invisible_characters_in_a_note(tmp_path):
    note = tmp_path / "n.txt"
    note.write_text("Hi Ana,\u200b great meeting you at \u202ePyCon\u202c.", encoding="utf-8")
    result = run_cli("lint", str(note), "--format", "json", "--select", "invisible-character")
    found = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in found] == ["invisible-character"] * 3
    assert "ZERO WIDTH SPACE" in found[0]["message"]


# =============================================================================== 3. drafts are never lost


def test_a_new_session_never_replaces_a_saved_draft():
    from composer.draft.session import DraftInterrupted
    from composer.templates.library import discover
    from tests.test_prompts import CTRL_C, pick_relationship, session

    earlier = save_state(
        DraftState(template="event-warm", answers={"first_name": "Ana"}, text="My own words.", edited=True), new_draft_path()
    )
    before = earlier.read_text()
    with pytest.raises(DraftInterrupted):
        session(discover(), [pick_relationship("group"), CTRL_C])
    assert earlier.read_text() == before  # untouched
    assert len(saved_drafts()) == 2  # the new session kept its own


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


def test_an_unwritable_state_folder_warns_once_and_the_session_goes_on(tmp_path, monkeypatch):
    from composer.templates.library import discover
    from tests.test_prompts import event_brief_keys, menu, session

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    note, shown = session(discover(), [*event_brief_keys(), menu("done")])
    assert note.startswith("Hi Ana")
    assert shown.count("the draft cannot be saved") == 1 and "going on without saving" in shown


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


# =============================================================================== 4. tracebacks and exits


COMMANDS = [
    ["--version"],
    ["--help"],
    ["rules"],
    ["templates", "list"],
    ["draft", "-t", "event-brief", *EVENT],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
@pytest.mark.parametrize("redirect", ["closed", "full"])
def test_stdout_closed_or_full_is_one_line_and_non_zero(args, redirect, tmp_path):
    if redirect == "full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    shell = f"exec {shlex.quote(INVITE)} {' '.join(shlex.quote(a) for a in args)} " + (
        ">&-" if redirect == "closed" else "> /dev/full"
    )
    done = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 74, done.stderr  # ExitCode.OUTPUT: not the findings code
    assert done.stderr.splitlines()[-1].startswith("error: cannot write to stdout:"), done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_lint_with_stdin_closed_is_one_line(tmp_path):
    done = subprocess.run(["sh", "-c", f"exec {shlex.quote(INVITE)} lint - <&-"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr == "error: stdin is closed: pipe a note in, or name a file\n"


def test_lone_surrogates_become_visible_replacements(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "s\\ud800", "text": "Hi Ana \\udc00, we met at PyCon"}\n', encoding="utf-8")
    result = run_cli("lint", "--jsonl", str(batch), "--format", "json")
    assert result.exit_code in (0, 1) and "\ufffd" in result.stdout
    answers = tmp_path / "a.json"
    answers.write_text('{"first_name": "An\\ud800a", "event": "PyCon"}', encoding="utf-8")
    drafted = run_cli("draft", "-t", "event-brief", "--answers", str(answers), "--no-input")
    assert drafted.exit_code == 0 and drafted.stdout.startswith("Hi An\ufffda,")
    raw = subprocess.run(
        [INVITE, "draft", "-t", "event-brief", "--set", b"first_name=Ana\xff".decode("utf-8", "surrogateescape"), *EVENT[2:]],
        capture_output=True,
        timeout=60,
    )
    assert raw.returncode in (0, 1) and raw.stdout.startswith("Hi Ana\ufffd,".encode()), raw.stderr  # 1: repeated-note
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }} {{ '\\ud800' }}.")
    made = run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *EVENT)
    assert made.exit_code in (0, 1) and "\ufffd" in made.stdout
    state = new_draft_path()
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text('{"version": 1, "answers": {"first_name": "A\\ud800"}, "text": "x\\udfff"}', encoding="utf-8")
    assert load_state(state).answers == {"first_name": "A\ufffd"}


@pytest.mark.parametrize(
    "payload",
    [
        "{{ 'abc'|truncate(2) }}",
        "{{ 'inf'|float|int }}",
        "{{ " + " + ".join(["'a'"] * 200) + " }}",
        "{{ 'x'" + "|upper" * 200 + " }}",
    ],
    ids=["truncate", "inf-int", "200-plus", "200-filters"],
)
def test_render_errors_are_the_templates_one_line_and_check_goes_on(tmp_path, payload):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}. " + payload)
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.", id="fine")
    result = run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *EVENT)
    assert result.exit_code in (0, 1, 2) and "Traceback" not in result.output
    if result.exit_code == 2:
        assert "hostile.jinja" in one_line_error(result)
    checked = run_cli("templates", "check", str(folder))
    assert "Traceback" not in checked.output and "checked 2 templates" in checked.stdout


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("config.toml", "account = [1]\n", 'account must be "free" or "premium"'),
        ("config.toml", "x = " + "9" * 5000 + "\n", "unusable config"),
        ("config.toml", "x = " + "[" * 2000 + "]" * 2000 + "\n", "config"),
        ("config.toml", "\ufeffaccount = 'premium'\n", None),  # a BOM is fine
    ],
    ids=["list-account", "huge-number", "deep", "bom"],
)
def test_parsed_config_inputs_are_one_line(tmp_path, monkeypatch, name, content, says):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(path))
    result = run_cli("draft", "-t", "event-brief", *EVENT)
    if says is None:
        assert result.exit_code == 0, result.output
    else:
        assert says in one_line_error(result)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"id": 1, "text": "x", "n": ' + "9" * 5000 + "}", "unusable JSON"),
        ('{"id": 1, "text": ' + "[" * 5000 + "]" * 5000 + "}", "JSON"),
        ('{"id": ' + "9" * 100 + ', "text": "Hi"}', '"id" is too large'),
    ],
    ids=["huge-number", "deep", "huge-id"],
)
def test_parsed_jsonl_inputs_are_one_line(tmp_path, line, says):
    batch = tmp_path / "b.jsonl"
    batch.write_text(line + "\n", encoding="utf-8")
    assert says in one_line_error(run_cli("lint", "--jsonl", str(batch)))


def test_jsonl_with_raw_line_separators_inside_strings_is_valid(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text(
        json.dumps({"id": 1, "text": "Hi Ana,\u2028we met at PyCon\u2029and\u0085more"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    result = run_cli("lint", "--jsonl", str(batch), "--format", "json")
    assert result.exit_code in (0, 1), result.output
    assert len(result.stdout.splitlines()) == 1


def test_huge_inputs_are_refused_without_being_read_whole(tmp_path):
    seconds, result = timed("lint", "/dev/zero")
    assert seconds < 20 and "too large to be a note" in one_line_error(result)


@pytest.mark.parametrize("where", ["-o", "--templates-dir", "config", "new-id"])
def test_path_names_over_255_characters_are_one_line(tmp_path, monkeypatch, where):
    long = "n" * 300
    if where == "-o":
        result = run_cli("draft", "-t", "event-brief", *EVENT, "-o", str(tmp_path / long))
    elif where == "--templates-dir":
        result = run_cli("templates", "list", "--templates-dir", str(tmp_path / long))
    elif where == "config":
        monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(tmp_path / long))
        result = run_cli("rules")
        result = run_cli("templates", "list")
    else:
        result = run_cli("templates", "new", "a" + "-b" * 150, "-r", "event")
    one_line_error(result)


def test_a_save_to_file_name_with_rich_markup_is_shown_as_typed(tmp_path, monkeypatch):
    from composer.templates.library import discover
    from tests.test_prompts import event_brief_keys, menu, replace_default, session

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a[").mkdir()  # so that "a[/]b[bold].txt" is the file "]b[bold].txt" in the folder "a["
    note, shown = session(discover(), [*event_brief_keys(), menu("save"), replace_default("a[/]b[bold].txt"), menu("done")])
    assert "Saved to a[/]b[bold].txt" in shown
    assert (tmp_path / "a[" / "]b[bold].txt").read_text(encoding="utf-8") == note + "\n"


def test_an_editor_with_an_unbalanced_quote_falls_back_to_inline(monkeypatch):
    from composer.templates.library import discover
    from tests.test_prompts import CTRL_U, FINISH_MULTILINE, event_brief_keys, menu, session

    monkeypatch.setenv("EDITOR", "vim 'unbalanced")
    keys = [*event_brief_keys(), menu("edit"), CTRL_U, "My words, Ana.", FINISH_MULTILINE, menu("done")]
    note, shown = session(discover(), keys)
    assert note == "My words, Ana." and "cannot use the editor" in shown and "editing inline instead" in shown
    assert "cannot use the editor" in one_line_error(run_cli("templates", "new", "mine", "-r", "event", "--edit"))


@pytest.mark.parametrize("name", ["self", "loop", "caller", "_hidden"])
def test_reserved_question_names_are_refused(tmp_path, name):
    folder = tmp_path / "tpl"
    extra = f"  - name: {name}\n    prompt: P?\n    max_length: 5\n    example: x\n"
    template(folder, "Hi {{ first_name }} at {{ event }}.", extra=extra)
    checked = run_cli("templates", "check", str(folder))
    assert checked.exit_code == 1 and "is reserved by Jinja" in checked.stdout or "name must be an identifier" in checked.stdout
    listed = run_cli("templates", "list", "--templates-dir", str(folder), "--format", "json")
    assert "hostile" not in {row["id"] for row in json.loads(listed.stdout)}


def test_a_bom_in_a_template_is_accepted(tmp_path):
    folder = tmp_path / "tpl"
    path = template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *EVENT).exit_code == 0


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
    result = run_cli("draft", "-t", "event-brief", *EVENT, "-o", str(target), "--force")
    assert "give the path of a regular file or a new one" in one_line_error(result)
    if kind == "symlink":
        assert target.is_symlink() and (tmp_path / "real.txt").read_text(encoding="utf-8") == "keep me\n"


def test_output_dash_means_stdout():
    result = run_cli("draft", "-t", "event-brief", *EVENT, "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("Hi Ana, great meeting you at PyCon.")


@pytest.mark.parametrize(
    ("suffix", "content", "says"),
    [(".json", '{"a": ' + "[" * 5000 + "]" * 5000 + "}", "JSON"), (".toml", "a = " + "9" * 5000, "TOML")],
)
def test_answers_files_name_their_own_format(tmp_path, suffix, content, says):
    path = tmp_path / f"answers{suffix}"
    path.write_text(content, encoding="utf-8")
    error = one_line_error(run_cli("draft", "-t", "event-brief", "--answers", str(path)))
    assert says in error and "YAML" not in error


def test_ctrl_c_while_a_template_renders_ends_the_worker_too(tmp_path):
    """The worker ignores SIGINT (the parent handles it); no orphan keeps running after the command."""
    folder = tmp_path / "tpl"
    template(folder, "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
    process = subprocess.Popen(
        [INVITE, "draft", "--templates-dir", str(folder), "-t", "hostile", *EVENT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(2)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode in (2, 130) and "Traceback" not in stderr
