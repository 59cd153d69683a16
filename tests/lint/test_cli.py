"""`invite lint` and `invite rules` end to end through the typer app: formats, inputs, exit codes."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from composer.lint import inputs as lint_inputs
from tests.helpers import INVITE, SAMPLES, run_cli

GENERIC = "I'd like to add you to my professional network on LinkedIn."
PERSONAL = "Hi Walt, we met on Tuesday at the Harborview founders mixer and talked about pricing pages."


@pytest.fixture
def note(tmp_path: Path):
    def write(text: str, name: str = "note.txt") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_text_output_and_exit_1(invoke, note):
    path = note(GENERIC + "\n")
    result = invoke("lint", str(path))
    assert result.exit_code == 1
    out = result.stdout
    assert f"{path}:1:1: warning[generic-phrase] canned phrase" in out
    assert "1 | " + GENERIC in out
    assert "^" * len("I'd like to add you to my professional network") in out
    assert "= hint: " in out
    assert out.rstrip().endswith("3 findings in 1 note")
    assert "\x1b[" not in out  # not a terminal: no colour


def test_clean_note_exits_0(invoke, note):
    result = invoke("lint", str(note(PERSONAL)))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == "no findings in 1 note"


def test_summary_counts_notes(invoke, note):
    result = invoke("lint", str(note(GENERIC, "a.txt")), str(note(PERSONAL, "b.txt")), str(note("Let's connect!", "c.txt")))
    assert result.exit_code == 1
    assert "findings in 2 notes (3 checked)" in result.stdout


def test_json_output(invoke, note):
    path = note("Hi 👋 {{first_name}}, I came across your profile\r\nat www.example.com!!!\n")
    result = invoke("lint", str(path), "--format", "json")
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    record = json.loads(line)
    text = path.read_bytes().decode("utf-8").removesuffix("\n")
    assert set(record) == {"path", "length", "limit", "language", "judged", "scores", "findings"}
    assert record["language"] == "en"
    assert set(record["scores"]) == {"generic", "sales_pitch", "personal_specific"}
    assert all(0.0 <= score <= 1.0 for score in record["scores"].values())
    assert record["path"] == str(path) and record["limit"] == 200 and record["length"] == len(text)  # 👋 +1, CRLF -1
    keys = {"rule", "severity", "message", "hint", "start", "end", "line", "column", "excerpt"}
    for finding in record["findings"]:
        assert set(finding) == keys
        assert finding["excerpt"] == text[finding["start"] : finding["end"]]
    link = next(f for f in record["findings"] if f["rule"] == "link")
    assert (link["line"], link["column"], link["excerpt"]) == (2, 4, "www.example.com")


def test_stdin_piped_and_dash(invoke):
    piped = invoke("lint", "--format", "json", input=GENERIC)
    assert piped.exit_code == 1
    assert json.loads(piped.stdout)["path"] == "<stdin>"
    dash = invoke("lint", "-", input=PERSONAL)
    assert dash.exit_code == 0


def test_no_input_on_a_terminal_is_a_usage_error(invoke, monkeypatch):
    monkeypatch.setattr(lint_inputs, "_stdin_is_tty", lambda: True)
    result = invoke("lint")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no note to lint: give a file")


def test_jsonl_batch(invoke, note):
    lines = [
        json.dumps({"id": "a", "text": GENERIC}),
        "",
        json.dumps({"id": 7, "text": PERSONAL, "name": "Walt Chen"}),
        json.dumps({"text": "Hi there, loved the talk.", "name": "Ana Lima"}),
    ]
    result = invoke("lint", "--jsonl", str(note("\n".join(lines), "batch.jsonl")), "--format", "json")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", 7, 4]
    assert records[1]["findings"] == []
    assert any(f["message"] == "does not use their name (Ana Lima)" for f in records[2]["findings"])


def test_jsonl_from_stdin(invoke):
    result = invoke("lint", "--jsonl", "-", "--format", "json", input=json.dumps({"id": "s", "text": PERSONAL}) + "\n")
    assert result.exit_code == 0 and json.loads(result.stdout)["id"] == "s"


@pytest.mark.parametrize(
    ("line", "message"),
    [("{not json", "not valid JSON"), ('["a"]', "expected an object"), ('{"id": "x"}', '"text" must be a string')],
)
def test_jsonl_bad_line_names_it(invoke, note, line, message):
    content = json.dumps({"id": "ok", "text": PERSONAL}) + "\n" + line + "\n"
    path = note(content, "batch.jsonl")
    result = invoke("lint", "--jsonl", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}:2: {message}")
    assert result.stderr.count("\n") == 1


def test_missing_directory_and_non_utf8_are_input_errors(invoke, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9 meeting".encode("latin-1"))
    for path, reason in [
        (tmp_path / "nope.txt", "no such file"),
        (tmp_path, "is a directory"),
        (bad, "not UTF-8"),
    ]:
        result = invoke("lint", str(path))
        assert result.exit_code == 2, path
        assert result.stdout == ""
        assert result.stderr.startswith(f"error: {path}: ") and reason in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_missing_path_is_never_linted_as_text(invoke):
    result = invoke("lint", "I came across your profile")
    assert result.exit_code == 2 and "no such file" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "unknown --format"),
        (["--fail-on", "fatal"], "unknown --fail-on"),
        (["--select", "nope"], "unknown rule 'nope'"),
        (["--limit", "0"], "--limit must be a positive"),
        (["--account", "gold"], "unknown account"),
    ],
)
def test_usage_errors(invoke, args, message):
    result = invoke("lint", "-", *args, input=PERSONAL)
    assert result.exit_code == 2
    assert message in result.stderr


def test_fail_on_levels(invoke, note):
    path = str(note("Hi there, " + PERSONAL[9:]))  # only an info finding (no-greeting)
    assert invoke("lint", path).exit_code == 0
    assert invoke("lint", path, "--fail-on", "info").exit_code == 1
    generic = str(note(GENERIC, "g.txt"))
    assert invoke("lint", generic, "--fail-on", "error").exit_code == 0
    assert invoke("lint", generic, "--fail-on", "warning").exit_code == 1


def test_select_ignore_and_limits(invoke, note):
    long_note = str(note("Hi Ana, we met at PyCon in Pittsburgh. " + "We talked about packaging. " * 8))
    result = invoke("lint", long_note, "--format", "json")
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["too-long"]
    assert invoke("lint", long_note, "--account", "premium").exit_code == 0
    assert invoke("lint", long_note, "--limit", "1000").exit_code == 0
    assert invoke("lint", long_note, "--ignore", "too-long").exit_code == 0
    selected = invoke("lint", str(note(GENERIC, "g.txt")), "--select", "no-greeting", "--format", "json")
    assert {f["rule"] for f in json.loads(selected.stdout)["findings"]} == {"no-greeting"}


def test_colour_only_when_forced_and_never_with_no_color(invoke, note):
    path = str(note(GENERIC))
    assert "\x1b[" in invoke("lint", path, env={"FORCE_COLOR": "1", "NO_COLOR": None}).stdout
    assert "\x1b[" not in invoke("lint", path, env={"FORCE_COLOR": None, "NO_COLOR": "1"}).stdout


def test_markup_in_notes_is_printed_verbatim(invoke):
    result = invoke("lint", "-", input="Hi [Name], see [bold]this[/bold]")
    assert "[Name]" in result.stdout and "[bold]this[/bold]" in result.stdout


def test_rules_list_and_explain(invoke):
    listing = invoke("rules")
    assert listing.exit_code == 0
    for rule in ("too-long", "empty", "placeholder", "generic-phrase", "no-specifics", "sales-pitch", "link"):
        assert rule in listing.stdout
    assert "no-greeting" in listing.stdout and "self-focus" in listing.stdout and "shouting" in listing.stdout
    explain = invoke("rules", "sales-pitch")
    assert explain.exit_code == 0
    assert explain.stdout.startswith("sales-pitch (warning)")
    assert "Fires on:" in explain.stdout and "Passes:" in explain.stdout and "Why:" in explain.stdout
    as_json = invoke("rules", "link", "--format", "json")
    assert json.loads(as_json.stdout)["severity"] == "warning"
    unknown = invoke("rules", "nope")
    assert unknown.exit_code == 2 and "unknown rule 'nope'" in unknown.stderr


@pytest.mark.slow
@pytest.mark.parametrize("args", [["rules"], ["--help"], ["rules", "shouting"], ["lint", "--help"]])
def test_help_and_rules_do_not_import_spacy(args):
    code = (
        "import sys\n"
        "from composer.cli import app\n"
        f"try:\n    app({args!r}, prog_name='invite')\n"
        "except SystemExit:\n    pass\n"
        "assert 'spacy' not in sys.modules, 'spacy was imported'\n"
        "import composer.lint\n"
        "assert 'spacy' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_draft_lints_its_result(invoke):
    answers = SAMPLES / "answers" / "event.yaml"
    ok = invoke("draft", "--answers", str(answers), "--no-input")
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout.startswith("Hi Priya")
    assert "/ 200 characters" in ok.stderr
    tight = invoke("draft", "--answers", str(answers), "--no-input", "--limit", "60")
    assert tight.exit_code == 1
    assert tight.stdout.startswith("Hi Priya")  # the note is still printed
    assert "/ 60 characters" in tight.stderr and "error[too-long]" in tight.stderr
    assert invoke("draft", "--answers", str(answers), "--no-input", "--limit", "60", "--fail-on", "info").exit_code == 1
    bad = invoke("draft", "--answers", str(answers), "--no-input", "--fail-on", "loud")
    assert bad.exit_code == 2 and "unknown --fail-on" in bad.stderr and bad.stdout == ""


def test_the_linter_flags_invisible_characters_in_a_note(tmp_path):
    note = tmp_path / "n.txt"
    note.write_text("Hi Ana,\u200b great meeting you at \u202ePyCon\u202c.", encoding="utf-8")
    result = run_cli("lint", str(note), "--format", "json", "--select", "invisible-character")
    found = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in found] == ["invisible-character"] * 3
    assert "ZERO WIDTH SPACE" in found[0]["message"]


@pytest.mark.slow
def test_lint_with_stdin_closed_is_one_line(tmp_path):
    done = subprocess.run(["sh", "-c", f"exec {shlex.quote(INVITE)} lint - <&-"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr == "error: stdin is closed: pipe a note in, or name a file\n"


def test_select_minus_ignore_leaving_nothing_is_a_usage_error(tmp_path):
    note = tmp_path / "n.txt"
    note.write_text("Hi Ana, we met at PyCon.", encoding="utf-8")
    result = run_cli("lint", str(note), "--select", "shouting", "--ignore", "shouting")
    assert result.exit_code == 2
    assert "leave no rule to run" in result.stderr


def test_cut_one_character_is_singular(tmp_path):
    note = tmp_path / "n.txt"
    note.write_text("Hi Ana, thanks", encoding="utf-8")
    result = run_cli("lint", str(note), "--limit", "13")
    assert "Cut 1 character:" in result.stdout and "1 characters" not in result.stdout


@pytest.mark.parametrize("content", ["", "\n", "   \n\t\n", "\r\n"], ids=["empty", "newline", "whitespace", "crlf"])
def test_empty_and_blank_notes_are_the_empty_rule(invoke, workdir, content):
    (workdir / "blank.txt").write_text(content, encoding="utf-8", newline="")
    result = invoke("lint", "blank.txt", "--format", "json")
    assert result.exit_code == 1, result.output
    record = json.loads(result.stdout)
    assert [f["rule"] for f in record["findings"]] == ["empty"]
    assert "Traceback" not in result.output


def test_a_note_at_the_size_cap_is_linted(invoke, workdir):
    from composer.lint.inputs import MAX_NOTE_CHARS

    (workdir / "long.txt").write_text("Hi Ana, " + "x" * (MAX_NOTE_CHARS - 8), encoding="utf-8")
    result = invoke("lint", "long.txt", "--format", "json", "--select", "too-long")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["rule"] == "too-long"


def test_terminal_escapes_in_a_pasted_note_are_shown_not_obeyed(invoke, workdir):
    (workdir / "escapes.txt").write_text("Hi Ana, join my network \x1b[2J\x1b]0;pwned\x07 \u202eevil", encoding="utf-8")
    result = invoke("lint", "escapes.txt")
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "␛[2J␛]0;pwned␇ �evil" in result.stdout
    source, underline = [line for line in result.stdout.splitlines() if line.startswith(("1 | ", "  | ^"))][:2]
    assert len(underline) <= len(source)  # one visible symbol per character keeps the underline aligned
    json_out = invoke("lint", "escapes.txt", "--format", "json").stdout
    assert "\x1b" not in json_out and "\\u001b" in json_out
