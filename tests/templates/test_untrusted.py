"""Untrusted templates: they cannot hang or exhaust the machine (the worker's OS limits, for real),
nothing in them reaches the terminal raw, and every mistake is one line. Templates are built in each test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from composer import template_check
from composer.templates import isolation
from tests.helpers import (
    ANSWERED,
    INVITE,
    one_line_error,
    run_cli,
    template,
    timed,
)


def test_a_template_that_would_hang_while_parsing_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, {{ 'Ana'|wordwrap('nan'|float) }} at {{ event }}.")
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.", id="fine")
    seconds, listed = timed("templates", "list", "--templates-dir", str(folder), "--format", "json")
    assert seconds < 20 and listed.exit_code == 0
    assert {"hostile", "fine"} <= {row["id"] for row in json.loads(listed.stdout)}
    refused = one_line_error(run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *ANSWERED))
    assert "hostile.jinja" in refused and "needs a finite number" in refused


def test_a_nan_computed_at_run_time_is_refused(tmp_path):
    folder = tmp_path / "tpl"
    extra = "  - name: width\n    prompt: Width?\n    max_length: 5\n    example: '20'\n"
    template(folder, "Hi {{ first_name }}, {{ event|wordwrap(width|float) }}.", extra=extra)
    refused = one_line_error(
        run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *ANSWERED[:4], "--set", "width=nan")
    )
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
@pytest.mark.slow
def test_memory_and_time_bombs_end_as_one_line_refusal_within_seconds(tmp_path, payload):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.\n" + payload)
    seconds, result = timed("draft", "--templates-dir", str(folder), "-t", "hostile", *ANSWERED)
    refused = one_line_error(result)
    assert "hostile.jinja" in refused and "refused by the sandbox" in refused
    assert seconds < 30
    assert run_cli("draft", "-t", "event-brief", *ANSWERED).exit_code == 0  # the next render works


@pytest.mark.slow
def test_the_worker_is_limited_by_the_operating_system():
    """The limits are the kernel's: a child of the worker would inherit them; a task past them ends the worker."""
    limit = isolation.call(_address_space_limit)
    assert limit != -1 and limit < 64 * 2**30  # RLIMIT_AS is set (not unlimited)


def _address_space_limit() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_AS)[0]


@pytest.mark.slow
def test_the_wall_clock_kills_a_task_that_never_returns():
    start = time.monotonic()
    with pytest.raises(Exception, match="ran for more than 1 seconds"):
        isolation.call(time.sleep, 60, seconds=1)
    assert time.monotonic() - start < 10
    assert isolation.call(len, "still works") == 11  # a fresh worker took over


@pytest.mark.slow
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


@pytest.mark.slow
def test_deeply_nested_front_matter_is_an_error_not_a_recursion_traceback(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "deep.jinja").write_text("---\nid: " + "[" * 5000 + "]" * 5000 + "\n---\nHi\n", encoding="utf-8")
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


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("{{ 'abc'|truncate(2) }}", 2),  # a render error, the template's, in one line
        ("{{ 'inf'|float|int }}", 2),
        ("{{ " + " + ".join(["'a'"] * 200) + " }}", 1),  # renders; the long note is a finding
        ("{{ 'x'" + "|upper" * 200 + " }}", 0),
    ],
    ids=["truncate", "inf-int", "200-plus", "200-filters"],
)
@pytest.mark.slow
def test_render_errors_are_the_templates_one_line_and_check_goes_on(tmp_path, payload, code):
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}. " + payload)
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }}.", id="fine")
    result = run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *ANSWERED)
    assert result.exit_code == code and "Traceback" not in result.output, result.output
    if code == 2:
        assert "hostile.jinja" in one_line_error(result)
    checked = run_cli("templates", "check", str(folder))
    assert "Traceback" not in checked.output and "checked 2 templates" in checked.stdout


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
    assert run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *ANSWERED).exit_code == 0


@pytest.mark.slow
def test_ctrl_c_while_a_template_renders_ends_the_worker_too(tmp_path):
    """The worker ignores SIGINT (the parent handles it); no orphan keeps running after the command."""
    folder = tmp_path / "tpl"
    template(folder, "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
    process = subprocess.Popen(
        [INVITE, "draft", "--templates-dir", str(folder), "-t", "hostile", *ANSWERED],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(2)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode in (2, 130) and "Traceback" not in stderr
