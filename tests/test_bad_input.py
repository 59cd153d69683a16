"""Every bad input is a clear error: the right exit code, one or two lines naming the problem and the
file, and never a traceback.

The whole table runs in-process through CliRunner (fast); a handful of rows also run through the
installed `invite` command in a subprocess, to prove no traceback escapes outside CliRunner either.
Each test runs in its own folder (see `workdir`), so messages name files as the user typed them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

INVITE = shutil.which("invite") or str(Path(sys.executable).parent / "invite")
EVENT = ("-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon US", "--no-input")

TEMPLATE = """\
---
id: {id}
relationship: event
title: A test template
description: For the bad-input table.
questions:
  - name: event
    prompt: Which event?
    example: PyCon US
---
{body}
"""


@dataclass(frozen=True)
class Case:
    """One bad input: the command line, what the user sees, and where."""

    id: str
    args: tuple[str, ...]
    exit_code: int
    says: tuple[str, ...]  # substrings of the message (the problem; the file when there is one)
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None
    lines: int | None = None  # exact stderr line count when it matters (else 1 or 2)


CASES = [
    # --- notes to lint
    Case("missing-path", ("lint", "nope.txt"), 2, ("nope.txt: no such file",)),
    Case("directory", ("lint", "folder"), 2, ("folder: is a directory",)),
    Case("binary-file", ("lint", "photo.png"), 2, ("photo.png: looks like a binary file",)),
    Case("non-utf8-file", ("lint", "latin1.txt"), 2, ("latin1.txt: not UTF-8 text", "save it as UTF-8")),
    Case("one-megabyte-note", ("lint", "big.txt"), 2, ("big.txt: larger than 401,024 bytes; too large to be a note",)),
    Case("stdin-twice", ("lint", "-", "-"), 2, ("stdin ('-') can only be read once",), stdin="Hi"),
    Case("files-and-jsonl", ("lint", "note.txt", "--jsonl", "batch.jsonl"), 2, ("either note files or --jsonl",)),
    # --- JSONL batches
    Case("jsonl-malformed-line", ("lint", "--jsonl", "malformed.jsonl"), 2, ("malformed.jsonl:2: not valid JSON",)),
    Case("jsonl-without-text", ("lint", "--jsonl", "no-text.jsonl"), 2, ('no-text.jsonl:1: "text" must be a string',)),
    Case("jsonl-not-an-object", ("lint", "--jsonl", "list.jsonl"), 2, ("list.jsonl:1: expected an object",)),
    Case("jsonl-bool-id", ("lint", "--jsonl", "bool-id.jsonl"), 2, ('bool-id.jsonl:1: "id" must be a string or a number',)),
    Case("jsonl-missing", ("lint", "--jsonl", "nope.jsonl"), 2, ("nope.jsonl: no such file",)),
    Case("jsonl-binary", ("lint", "--jsonl", "photo.png"), 2, ("photo.png: looks like a binary file",)),
    # --- options
    Case("unknown-rule-select", ("lint", "note.txt", "--select", "nope"), 2, ("unknown rule 'nope'", "invite rules")),
    Case("unknown-rule-ignore", ("lint", "note.txt", "--ignore", "link,nope"), 2, ("unknown rule 'nope'",)),
    Case("limit-zero", ("lint", "note.txt", "--limit", "0"), 2, ("--limit must be a positive number", "got 0")),
    Case("limit-negative", ("lint", "note.txt", "--limit", "-5"), 2, ("--limit must be a positive number", "got -5")),
    Case(
        "limit-not-a-number",
        ("lint", "note.txt", "--limit", "abc"),
        2,
        ("error: Invalid value for '--limit': 'abc' is not a whole number", "Try 'invite lint -h' for help."),
        lines=2,
    ),
    Case("limit-fraction", ("draft", *EVENT, "--limit", "1.5"), 2, ("'1.5' is not a whole number",), lines=2),
    Case("unknown-account-lint", ("lint", "note.txt", "--account", "gold"), 2, ("unknown account 'gold'", "free, premium")),
    Case("unknown-account-draft", ("draft", *EVENT, "--account", "gold"), 2, ("unknown account 'gold'",)),
    Case("unknown-format", ("lint", "note.txt", "--format", "xml"), 2, ("unknown --format 'xml'",)),
    Case("unknown-fail-on", ("lint", "note.txt", "--fail-on", "fatal"), 2, ("unknown --fail-on 'fatal'",)),
    Case("unknown-option", ("lint", "--bogus"), 2, ("error: No such option: --bogus", "Try 'invite lint -h'"), lines=2),
    Case("unknown-command", ("lnit",), 2, ("error: No such command 'lnit'", "Try 'invite -h' for help."), lines=2),
    Case("option-without-value", ("lint", "note.txt", "--format"), 2, ("error: Option '--format' requires an argument",)),
    Case("missing-argument", ("templates", "show"), 2, ("error: Missing argument 'ID'", "invite templates show -h"), lines=2),
    Case("unknown-rule-explained", ("rules", "nope"), 2, ("unknown rule 'nope'",)),
    # --- configuration
    Case(
        "malformed-config", ("lint", "note.txt"), 2, ("bad.toml: malformed config",), env={"INVITE_COMPOSER_CONFIG": "bad.toml"}
    ),
    Case(
        "config-unknown-key",
        ("lint", "note.txt"),
        2,
        ("unknown-key.toml: unknown config key 'acount'",),
        env={"INVITE_COMPOSER_CONFIG": "unknown-key.toml"},
    ),
    Case(
        "config-missing-templates-dir",
        ("draft", *EVENT),
        2,
        ("missing-dir.toml: template_dirs entry", "is not a folder"),
        env={"INVITE_COMPOSER_CONFIG": "missing-dir.toml"},
    ),
    Case(
        "config-file-missing",
        ("lint", "note.txt"),
        2,
        ("gone.toml: config file not found (set by INVITE_COMPOSER_CONFIG)",),
        env={"INVITE_COMPOSER_CONFIG": "gone.toml"},
    ),
    Case("templates-dir-missing", ("draft", *EVENT, "--templates-dir", "nowhere"), 2, ("nowhere: templates folder not found",)),
    # --- templates
    Case(
        "template-bad-metadata",
        ("draft", "--templates-dir", "tpl-meta", "-t", "broken", "--no-input"),
        2,
        ("warning: skipped", "broken.jinja:3: metadata is not valid YAML", "unknown template 'broken'"),
        lines=2,
    ),
    Case(
        "template-syntax-error",
        ("draft", "--templates-dir", "tpl-syntax", "-t", "syntax", "--set", "first_name=Ana", "--no-input"),
        2,
        ("syntax.jinja:11: Jinja syntax error", "unknown template 'syntax'"),
        lines=2,
    ),
    Case(
        "template-undeclared-variable",
        ("draft", "--templates-dir", "tpl-undeclared", "-t", "undeclared", *EVENT[2:]),
        2,
        ("undeclared.jinja:11: undefined variable: 'mystery' is undefined",),
    ),
    Case(
        "template-sandbox-escape",
        ("draft", "--templates-dir", "tpl-evil", "-t", "evil", *EVENT[2:]),
        2,
        ("evil.jinja:11: refused by the sandbox: access to attribute '__class__'",),
    ),
    Case(
        "template-nested-too-deeply",
        ("draft", "--templates-dir", "tpl-deep", "-t", "deep", *EVENT[2:]),
        2,
        ("deep.jinja:11: the template nests too deeply", "unknown template 'deep'"),
        lines=2,
    ),
    Case("unknown-relationship", ("draft", "-r", "pen-pal", "--no-input"), 2, ("unknown relationship 'pen-pal'", "valid: event")),
    Case("unknown-template", ("draft", "-t", "nope", "--no-input"), 2, ("unknown template 'nope'", "valid ids:")),
    Case("templates-show-unknown", ("templates", "show", "nope"), 2, ("unknown template 'nope'",)),
    Case(
        "templates-new-bad-id",
        ("templates", "new", "Bad_Id", "-r", "event", "--dir", "new"),
        2,
        ("invalid template id 'Bad_Id'",),
    ),
    Case(
        "templates-new-existing",
        ("templates", "new", "taken", "-r", "event", "--dir", "tpl-taken"),
        2,
        ("tpl-taken/taken.jinja: already exists; use --force",),
    ),
    # --- answers
    Case(
        "answers-malformed-yaml",
        ("draft", "-r", "event", "--answers", "bad.yaml", "--no-input"),
        2,
        ("bad.yaml:2: malformed YAML",),
    ),
    Case(
        "answers-malformed-json",
        ("draft", "-r", "event", "--answers", "bad.json", "--no-input"),
        2,
        ("bad.json:1: malformed JSON",),
    ),
    Case(
        "answers-malformed-toml",
        ("draft", "-r", "event", "--answers", "bad-answers.toml", "--no-input"),
        2,
        ("bad-answers.toml: malformed TOML",),
    ),
    Case(
        "answers-a-list",
        ("draft", "-r", "event", "--answers", "list.yaml", "--no-input"),
        2,
        ("list.yaml: answers file must be a mapping of name: value, not a list",),
    ),
    Case(
        "answers-nested-value",
        ("draft", "-r", "event", "--answers", "nested.json", "--no-input"),
        2,
        ("nested.json: answer 'first_name' must be text, not a dict",),
    ),
    Case(
        "answers-missing",
        ("draft", "-r", "event", "--answers", "nope.yaml", "--no-input"),
        2,
        ("nope.yaml: no such answers file",),
    ),
    Case(
        "answers-not-utf8",
        ("draft", "-r", "event", "--answers", "latin1.yaml", "--no-input"),
        2,
        ("latin1.yaml: not UTF-8 text",),
    ),
    Case(
        "set-without-equals",
        ("draft", "-r", "event", "--set", "first_name", "--no-input"),
        2,
        ("--set expects KEY=VALUE, got 'first_name'",),
    ),
    Case("answers-missing-no-input", ("draft", "-r", "event", "--no-input"), 2, ("first_name, event", "--set first_name=...")),
    # --- where the note goes
    Case(
        "output-exists", ("draft", *EVENT, "--output", "mine.txt"), 2, ("mine.txt: already exists; use --force to overwrite it",)
    ),
    Case("output-onto-folder", ("draft", *EVENT, "--output", "folder"), 2, ("folder: is a directory; give a file name",)),
    Case(
        "output-missing-folder",
        ("draft", *EVENT, "--output", "no-such-folder/note.txt"),
        2,
        ("no-such-folder/note.txt: cannot write: folder does not exist",),
    ),
    Case(
        "output-under-a-file",
        ("draft", *EVENT, "--output", "mine.txt/note.txt"),
        2,
        ("mine.txt/note.txt: cannot write: mine.txt is not a folder",),
    ),
    # --- saved drafts
    Case("resume-nothing-saved", ("draft", "--resume", "--no-input"), 2, ("nothing to resume: no draft is saved in",)),
]

#: Rows that also run through the installed command in a subprocess.
SUBPROCESS_CASES = [
    "missing-path",
    "binary-file",
    "one-megabyte-note",
    "jsonl-malformed-line",
    "limit-not-a-number",
    "unknown-option",
    "malformed-config",
    "template-sandbox-escape",
]


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


def check(case: Case, exit_code: int, stdout: str, stderr: str) -> None:
    output = stdout + stderr
    assert "Traceback" not in output, output
    assert exit_code == case.exit_code, output
    lines = stderr.splitlines()
    assert len(lines) == case.lines if case.lines else 1 <= len(lines) <= 2, stderr
    assert all(line.strip() for line in lines) and "╭" not in stderr, stderr
    assert lines[-1].startswith("error: ") or lines[0].startswith("error: "), stderr
    for text in case.says:
        assert text in stderr, stderr
    assert stdout == "", "an error must not leave half a product on stdout"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_is_one_clear_error(invoke, workdir, monkeypatch, case):
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    result = invoke(*case.args, input=case.stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    check(case, result.exit_code, result.stdout, result.stderr)


def test_the_table_is_big_enough():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS_CASES], ids=lambda c: c.id)
def test_bad_input_through_the_installed_command(workdir, case):
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", **case.env}
    done = subprocess.run(
        [INVITE, *case.args], input=case.stdin, capture_output=True, text=True, env=env, cwd=workdir, timeout=120
    )
    check(case, done.returncode, done.stdout, done.stderr)


def test_binary_stdin_through_the_installed_command(workdir):
    done = subprocess.run([INVITE, "lint", "-"], input=b"Hi \xff\xfe there", capture_output=True, timeout=120)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode() == "error: <stdin>: not UTF-8 text (invalid byte at offset 3); save it as UTF-8\n"


def test_templates_check_reports_a_template_nested_too_deeply(invoke, workdir):
    result = invoke("templates", "check", "tpl-deep/deep.jinja")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stdout.startswith("tpl-deep/deep.jinja:11: error: the template nests too deeply")


# ----------------------------------------------------------------------------- not a crash, not an error


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


# ----------------------------------------------------------------------------- nothing is clobbered


def test_output_onto_an_existing_file_leaves_it_alone(invoke, workdir):
    result = invoke("draft", *EVENT, "--output", "mine.txt")
    assert result.exit_code == 2
    assert (workdir / "mine.txt").read_text(encoding="utf-8") == "my own words\n"
    assert [p.name for p in workdir.glob(".mine.txt.*")] == []  # no temporary file left behind


def test_output_into_an_unwritable_folder(invoke, workdir, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as a read-only folder would (even for root)
    result = invoke("draft", *EVENT, "--output", "folder/note.txt")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "error: folder/note.txt: cannot write into folder: Permission denied\n"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write into read-only folders")
def test_output_into_a_read_only_folder(invoke, workdir):
    folder = workdir / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = invoke("draft", *EVENT, "--output", "read-only/note.txt")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: read-only/note.txt: cannot write into read-only: ")


def test_a_file_appearing_during_the_write_is_not_replaced(workdir):
    from composer.errors import UsageError
    from composer.fileio import _link_new

    tmp = workdir / ".new.tmp"
    tmp.write_text("new", encoding="utf-8")
    with pytest.raises(UsageError, match="already exists"):
        _link_new(tmp, workdir / "mine.txt")
    assert (workdir / "mine.txt").read_text(encoding="utf-8") == "my own words\n"


def test_resume_with_a_damaged_saved_draft(invoke, workdir, isolated_user_dirs):
    state = isolated_user_dirs / "state" / "invite-composer" / "draft.json"
    state.parent.mkdir(parents=True)
    state.write_text("{broken", encoding="utf-8")
    result = invoke("draft", "--resume", "--no-input")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: {state}: saved draft is unreadable")
    assert result.stderr.endswith("delete it to start afresh\n") and result.stderr.count("\n") == 1


def test_sample_answers_still_draft(invoke, workdir):
    """The table's fixtures do not break the good path: a sample answers file drafts fine."""
    result = invoke("draft", "--answers", str(SAMPLES / "answers" / "event.yaml"), "--no-input")
    assert result.exit_code in (0, 1) and result.stdout.strip()


def test_help_stays_rich_and_usage_errors_stay_plain(invoke):
    help_text = invoke("lint", "--help")
    assert help_text.exit_code == 0 and "╭─ Options" in help_text.stdout
    bad = invoke("lint", "--limit")
    assert bad.exit_code == 2 and bad.stderr == "error: Option '--limit' requires an argument.\n"


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
