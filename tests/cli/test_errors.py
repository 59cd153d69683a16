"""Every bad input is a clear error: the right exit code, one or two lines naming the problem and the
file, and never a traceback.

The whole table runs in-process through CliRunner (fast); a handful of rows also run through the
installed `invite` command in a subprocess, to prove no traceback escapes outside CliRunner either.
Each test runs in its own folder (see `workdir`), so messages name files as the user typed them.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field

import pytest

from tests.helpers import (
    EVENT,
    INVITE,
)


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


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS_CASES], ids=lambda c: c.id)
def test_bad_input_through_the_installed_command(workdir, case):
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", **case.env}
    done = subprocess.run(
        [INVITE, *case.args], input=case.stdin, capture_output=True, text=True, env=env, cwd=workdir, timeout=120
    )
    check(case, done.returncode, done.stdout, done.stderr)


@pytest.mark.slow
def test_binary_stdin_through_the_installed_command(workdir):
    done = subprocess.run([INVITE, "lint", "-"], input=b"Hi \xff\xfe there", capture_output=True, timeout=120)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode() == "error: <stdin>: not UTF-8 text (invalid byte at offset 3); save it as UTF-8\n"


# ----------------------------------------------------------------------------- not a crash, not an error


# ----------------------------------------------------------------------------- nothing is clobbered


def test_help_stays_rich_and_usage_errors_stay_plain(invoke):
    help_text = invoke("lint", "--help")
    assert help_text.exit_code == 0 and "╭─ Options" in help_text.stdout
    bad = invoke("lint", "--limit")
    assert bad.exit_code == 2 and bad.stderr == "error: Option '--limit' requires an argument.\n"
