"""Suggestions and `invite lint --fix`: the `fix` in JSON, the rules' fix examples, and real files fixed in place.

A fix is safe and mechanical (invisible characters removed, doubled spaces collapsed, LinkedIn's
default sentence removed where the note says more); `--fix` writes only note files, atomically,
keeping what it does not fix (byte order mark, line breaks, mode), and refuses stdin and batches.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from composer.lint import apply_fixes, lint_text, load_rules
from composer.lint import autofix as autofix_mod
from tests.helpers import one_line_error, run_cli

GENERIC = "I'd like to add you to my professional network on LinkedIn."
FIX_EXAMPLES = [
    (rule.id, before, after) for rule in load_rules().values() if rule.fix is not None for before, after in rule.fix.examples
]


@pytest.mark.parametrize(("rule", "before", "after"), FIX_EXAMPLES, ids=[f"{r}:{i}" for i, (r, _, _) in enumerate(FIX_EXAMPLES)])
def test_each_rules_fix_examples(rule: str, before: str, after: str | None):
    """rules.yaml's [before, after] pairs: the rule fires; its fix gives `after`, or there is no fix (null)."""
    findings = [f for f in lint_text(before) if f.rule == rule]
    assert findings, f"{rule} should fire on {before!r}"
    fixed, applied = apply_fixes(before, findings)
    if after is None:
        assert not applied and all(f.fix is None for f in findings)
    else:
        assert applied and fixed == after


def test_every_fixable_rule_has_examples():
    fixable = [rule for rule in load_rules().values() if rule.fix is not None]
    assert {rule.id for rule in fixable} >= {"invisible-character", "double-space", "generic-phrase"}
    assert all(rule.fix.examples and rule.fix.says for rule in fixable)


def test_json_findings_carry_their_fix(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Hi Ana,\u200b we  met at PyCon US on Saturday. " + GENERIC + "\n", encoding="utf-8")
    record = json.loads(run_cli("lint", str(path), "--format", "json").stdout)
    text = path.read_text(encoding="utf-8").removesuffix("\n")
    by_rule = {f["rule"]: f for f in record["findings"]}
    assert by_rule["invisible-character"]["fix"] == {"replacement": "", "start": 7, "end": 8}
    assert by_rule["double-space"]["fix"] == {"replacement": " ", "start": 11, "end": 13}
    drop = by_rule["generic-phrase"]["fix"]
    assert text[drop["start"] : drop["end"]] == " " + GENERIC
    assert all(
        "fix" not in f for f in record["findings"] if f["rule"] not in ("invisible-character", "double-space", "generic-phrase")
    )


def test_fix_rewrites_the_file_and_says_what_it_changed(tmp_path):
    path = tmp_path / "note.txt"
    original = "\ufeffWe met at PyCon US  on Saturday,\u200b Ana. " + GENERIC + "\r\n"
    path.write_bytes(original.encode("utf-8"))
    path.chmod(0o640)
    result = run_cli("lint", "--fix", str(path))
    assert path.read_bytes() == "\ufeffWe met at PyCon US on Saturday, Ana.\r\n".encode()  # BOM and CRLF kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert result.stderr.splitlines()[0].startswith(f"fixed {path}: ")
    for says in ("removed invisible characters (1)", "collapsed doubled spaces (1)", "removed LinkedIn's default sentence (1)"):
        assert says in result.stderr
    assert "[invisible-character]" not in result.stdout and "[double-space]" not in result.stdout  # the report: what is left
    assert result.stdout.rstrip().endswith("1 finding in 1 note")  # no-greeting is not a mechanical fix
    assert result.exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["note.txt"]  # no temporary file left behind


def test_fix_runs_until_nothing_changes(tmp_path):
    """Removing the invisible character leaves two spaces; the next pass collapses them."""
    path = tmp_path / "note.txt"
    path.write_text("Hi Ana, we met \u200b at PyCon US.\n", encoding="utf-8")
    run_cli("lint", "--fix", str(path))
    assert path.read_text(encoding="utf-8") == "Hi Ana, we met at PyCon US.\n"


def test_fix_leaves_a_clean_file_alone_and_says_so(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Hi Walt, we met on Tuesday at the Harborview mixer.\n", encoding="utf-8")
    before = path.stat().st_mtime_ns
    result = run_cli("lint", "--fix", str(path), "--format", "json")
    assert path.stat().st_mtime_ns == before
    assert result.stderr == "nothing to fix in 1 file\n"
    assert json.loads(result.stdout)["path"] == str(path)


def test_fix_writes_through_a_symlink_and_honours_select(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("Hi Ana,  we met\u200b at PyCon US.\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    run_cli("lint", "--fix", str(link), "--select", "double-space")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "Hi Ana, we met\u200b at PyCon US.\n"  # only the selected rule's fix


@pytest.mark.parametrize(
    ("args", "input", "says"),
    [
        (("-",), "Hi  Ana", "cannot fix stdin"),
        ((), "Hi  Ana", "cannot fix stdin"),
        (("--jsonl", "batch.jsonl"), None, "cannot fix a --jsonl batch"),
    ],
)
def test_fix_refuses_stdin_and_batches_in_one_line(tmp_path, monkeypatch, args, input, says):
    monkeypatch.chdir(tmp_path)
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": 1, "text": "Hi  Ana"}) + "\n", encoding="utf-8")
    error = one_line_error(run_cli("lint", "--fix", *args, input=input))
    assert says in error
    assert batch.read_text(encoding="utf-8") == json.dumps({"id": 1, "text": "Hi  Ana"}) + "\n"


def test_fix_with_a_missing_file_writes_nothing(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Hi  Ana, we met at PyCon US.\n", encoding="utf-8")
    error = one_line_error(run_cli("lint", "--fix", str(good), str(tmp_path / "missing.txt")))
    assert "no such file" in error
    assert good.read_text(encoding="utf-8") == "Hi  Ana, we met at PyCon US.\n"


def test_a_file_changed_while_being_fixed_is_left_alone(tmp_path, monkeypatch):
    path = tmp_path / "note.txt"
    path.write_text("Hi  Ana, we met at PyCon US.\n", encoding="utf-8")
    real_lint_many = autofix_mod.lint_many

    def someone_edits_meanwhile(*args, **kwargs):
        path.write_text("Hi  Ana, my own edit.\n", encoding="utf-8")
        return real_lint_many(*args, **kwargs)

    monkeypatch.setattr(autofix_mod, "lint_many", someone_edits_meanwhile)
    result = run_cli("lint", "--fix", str(path))
    assert path.read_text(encoding="utf-8") == "Hi  Ana, my own edit.\n"
    assert f"warning: {path}: changed on disk while it was being fixed; left as it is" in result.stderr
    assert not any(name.startswith(".") for name in os.listdir(tmp_path))


def test_fix_keeps_the_default_sentence_when_nothing_else_is_said(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Hi Ana,\n" + GENERIC + "\n", encoding="utf-8")
    result = run_cli("lint", "--fix", str(path))
    assert path.read_text(encoding="utf-8") == "Hi Ana,\n" + GENERIC + "\n"
    assert result.exit_code == 1 and "[generic-phrase]" in result.stdout
    assert result.stderr == "nothing to fix in 1 file\n"


def test_fix_in_place_with_a_relative_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("notes").mkdir()
    Path("notes/a.txt").write_text("Hi  Ana, we met at PyCon US.", encoding="utf-8")  # no final line break: none added
    result = run_cli("lint", "--fix", "notes/a.txt")
    assert Path("notes/a.txt").read_text(encoding="utf-8") == "Hi Ana, we met at PyCon US."
    assert result.stderr == "fixed notes/a.txt: collapsed doubled spaces (1)\n"


def test_a_file_named_twice_is_fixed_once_and_a_fifo_is_refused_before_any_write(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Hi  Ana, we met at PyCon US.\n", encoding="utf-8")
    result = run_cli("lint", "--fix", str(path), str(path))
    assert path.read_text(encoding="utf-8") == "Hi Ana, we met at PyCon US.\n"
    assert result.stderr == f"fixed {path}: collapsed doubled spaces (1)\n"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    path.write_text("Hi  Ana, we met at PyCon US.\n", encoding="utf-8")
    held = os.open(fifo, os.O_RDWR)  # a writer, so opening the FIFO to read does not block (Linux)
    try:
        error = one_line_error(run_cli("lint", "--fix", str(path), str(fifo)))
    finally:
        os.close(held)
    assert "regular files only" in error
    assert path.read_text(encoding="utf-8") == "Hi  Ana, we met at PyCon US.\n"
