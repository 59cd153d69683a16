"""What `invite lint` reads (files, stdin, JSONL): hostile and huge inputs end as one line, quickly."""

from __future__ import annotations

import json
import subprocess

import pytest

from composer.draft.state import load_state, new_draft_path
from tests.helpers import (
    ANSWERED,
    INVITE,
    one_line_error,
    run_cli,
    template,
    timed,
)


@pytest.mark.slow
def test_lone_surrogates_become_visible_replacements(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "s\\ud800", "text": "Hi Ana \\udc00, we met at PyCon"}\n', encoding="utf-8")
    result = run_cli("lint", "--jsonl", str(batch), "--format", "json")
    assert result.exit_code == 0 and "\ufffd" in result.stdout
    answers = tmp_path / "a.json"
    answers.write_text('{"first_name": "An\\ud800a", "event": "PyCon"}', encoding="utf-8")
    drafted = run_cli("draft", "-t", "event-brief", "--answers", str(answers), "--no-input")
    assert drafted.exit_code == 0 and drafted.stdout.startswith("Hi An\ufffda,")
    raw = subprocess.run(
        [INVITE, "draft", "-t", "event-brief", "--set", b"first_name=Ana\xff".decode("utf-8", "surrogateescape"), *ANSWERED[2:]],
        capture_output=True,
        timeout=60,
    )
    assert raw.returncode == 1 and raw.stdout.startswith("Hi Ana\ufffd,".encode()), raw.stderr  # 1: repeated-note
    folder = tmp_path / "tpl"
    template(folder, "Hi {{ first_name }}, great meeting you at {{ event }} {{ '\\ud800' }}.")
    made = run_cli("draft", "--templates-dir", str(folder), "-t", "hostile", *ANSWERED)
    assert made.exit_code == 0 and "\ufffd" in made.stdout
    state = new_draft_path()
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text('{"version": 1, "answers": {"first_name": "A\\ud800"}, "text": "x\\udfff"}', encoding="utf-8")
    assert load_state(state).answers == {"first_name": "A\ufffd"}


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
    assert result.exit_code == 1, result.output  # invisible-character: the separators are flagged
    assert len(result.stdout.splitlines()) == 1


def test_huge_inputs_are_refused_without_being_read_whole(tmp_path):
    seconds, result = timed("lint", "/dev/zero")
    assert seconds < 20 and "too large to be a note" in one_line_error(result)
