"""`invite draft` without a terminal: flags, answers files, config, and every bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import (
    ANSWERED,
    SAMPLES,
    one_line_error,
    run_cli,
)

EVENT = ("draft", "-r", "event", "--set", "first_name=Ana", "--set", "event=PyCon US", "--no-input")


def test_event_note_names_recipient_and_event_on_stdout_only(invoke):
    result = invoke(*EVENT)
    assert result.exit_code == 0, result.output
    assert "Ana" in result.stdout and "PyCon US" in result.stdout
    assert result.stdout.count("\n") == 1
    assert "Traceback" not in result.output


def test_relationship_only_uses_its_default_template(invoke):
    brief = invoke(*EVENT).stdout
    explicit = invoke("draft", "-t", "event-brief", "--set", "first_name=Ana", "--set", "event=PyCon US").stdout
    assert brief == explicit


def test_answers_file_chooses_template_and_answers(invoke):
    result = invoke("draft", "--answers", str(SAMPLES / "answers" / "event.yaml"), "--no-input")
    assert result.exit_code == 0, result.output
    assert "SREcon EMEA" in result.stdout


@pytest.mark.parametrize("name", sorted(p.name for p in (SAMPLES / "answers").iterdir()))
def test_every_sample_answers_file_drafts_a_note_that_passes_lint(invoke, name):
    """The examples we ship are examples to follow: each drafts a note with nothing at warning or above."""
    result = invoke("draft", "--answers", str(SAMPLES / "answers" / name), "--no-input", "--fail-on", "warning")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
    assert "warning" not in result.stderr and "error" not in result.stderr  # no finding, no unknown answer


def test_flags_beat_answers_file_beat_config_beat_default(invoke, tmp_path: Path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('sender_name = "Config Name"\n', encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(config))
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"first_name": "FromFile", "shared_past": "the Lisbon hackathon"}), encoding="utf-8")
    base = ("draft", "-t", "reconnect", "--answers", str(answers), "--no-input")
    result = invoke(*base, "--set", "first_name=FromFlag")
    assert "FromFlag" in result.stdout and "FromFile" not in result.stdout
    assert "Config Name" in result.stdout
    answers.write_text(
        json.dumps({"first_name": "FromFile", "shared_past": "the Lisbon hackathon", "sender_name": "File Name"}),
        encoding="utf-8",
    )
    result = invoke(*base)
    assert "FromFile" in result.stdout and "File Name" in result.stdout and "Config Name" not in result.stdout


def test_template_default_used_when_nothing_else(invoke):
    result = invoke("draft", "-t", "content-brief", "--set", "first_name=Ana", "--set", "work_title=Wheels explained")
    assert result.exit_code == 0, result.output
    assert "your article" in result.stdout


def test_missing_answers_named_with_how_to_pass_them(invoke):
    result = invoke("draft", "-r", "event", "--no-input")
    assert result.exit_code == 2
    assert "first_name, event" in result.stderr
    assert "--set first_name=..." in result.stderr and "--answers" in result.stderr
    assert result.stdout == ""


def test_output_file_written_and_never_clobbered(invoke, tmp_path: Path):
    target = tmp_path / "note.txt"
    first = invoke(*EVENT, "--output", str(target))
    assert first.exit_code == 0 and first.stdout == ""
    assert "PyCon US" in target.read_text(encoding="utf-8")
    target.write_text("my own words", encoding="utf-8")
    again = invoke(*EVENT, "--output", str(target))
    assert again.exit_code == 2
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert target.read_text(encoding="utf-8") == "my own words"
    forced = invoke(*EVENT, "--output", str(target), "--force")
    assert forced.exit_code == 0
    assert "PyCon US" in target.read_text(encoding="utf-8")


def _malformed_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "bad.yaml": "event: [unclosed\n",
        "bad.json": '{"event": "x",,}',
        "bad.toml": "event = \n",
        "list.yaml": "- a\n- b\n",
        "nested.json": '{"event": {"name": "x"}}',
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text, encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes("event: caf\xe9\n".encode("latin-1"))
    paths["latin1.yaml"] = tmp_path / "latin1.yaml"
    return paths


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad.yaml", ":2: malformed YAML"),
        ("bad.json", ":1: malformed JSON"),
        ("bad.toml", "malformed TOML"),
        ("list.yaml", "must be a mapping"),
        ("nested.json", "answer 'event' must be text"),
        ("latin1.yaml", "not UTF-8"),
    ],
)
def test_bad_answers_file_is_one_line_naming_file(invoke, tmp_path: Path, name, expected):
    path = _malformed_files(tmp_path)[name]
    result = invoke("draft", "-r", "event", "--answers", str(path), "--no-input")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert str(path) in result.stderr and expected in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("-r", "pub-quiz"), "unknown relationship 'pub-quiz'; valid: event, referral"),
        (("-t", "nope"), "unknown template 'nope'; valid ids: alumni"),
        (("-r", "event", "-t", "reply-ask"), "is for relationship 'reply', not 'event'"),
        (("-r", "event", "--set", "first_name"), "--set expects KEY=VALUE"),
        (("-r", "event", "--account", "gold"), "unknown account 'gold'"),
        (("-r", "event", "--limit", "0"), "--limit must be a positive number"),
        (("-r", "event", "--answers", "/nonexistent/answers.yaml"), "no such answers file"),
        (("-r", "event", "--templates-dir", "/nonexistent/dir"), "templates folder not found"),
        (("--no-input",), "say how you know them"),
    ],
)
def test_bad_flags_are_one_line_errors(invoke, args, expected):
    result = invoke("draft", *args, "--no-input")
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_too_long_answer_is_refused(invoke):
    result = invoke("draft", "-r", "event", "--set", "first_name=Ana", "--set", f"event={'x' * 41}", "--no-input")
    assert result.exit_code == 2
    assert '"Which event did you meet at?" (event) is 41 characters; the template allows 40' in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("account = \n", "malformed config"),
        ('account = "gold"\n', 'account must be "free" or "premium"'),
        ('colour = "red"\n', "unknown config key 'colour'"),
        ('template_dirs = ["does-not-exist"]\n', "is not a folder"),
    ],
)
def test_bad_config_is_one_line_error(invoke, tmp_path: Path, monkeypatch, content, expected):
    config = tmp_path / "config.toml"
    config.write_text(content, encoding="utf-8")
    monkeypatch.setenv("INVITE_COMPOSER_CONFIG", str(config))
    result = invoke(*EVENT)
    assert result.exit_code == 2
    assert str(config) in result.stderr and expected in result.stderr
    assert "Traceback" not in result.output


def test_config_in_user_dir_is_read(invoke, user_config_dir: Path):
    (user_config_dir / "config.toml").write_text('sender_name = "Sam Lee"\n', encoding="utf-8")
    result = invoke("draft", "-t", "reconnect", "--set", "first_name=Victor", "--set", "shared_past=Hooli", "--no-input")
    assert "Sam Lee" in result.stdout


def test_config_template_dirs_are_searched(invoke, user_config_dir: Path, tmp_path: Path):
    team = tmp_path / "team"
    team.mkdir()
    (team / "team-hello.jinja").write_text(
        "---\nid: team-hello\nrelationship: colleague\ntitle: Team\ndescription: Team note.\nquestions: []\n---\n"
        "Hi {{ first_name }}, welcome to the platform team at Initech.\n",
        encoding="utf-8",
    )
    (user_config_dir / "config.toml").write_text(f'template_dirs = ["{team}"]\n', encoding="utf-8")
    result = invoke("draft", "-t", "team-hello", "--set", "first_name=Lena", "--no-input")
    assert result.stdout == "Hi Lena, welcome to the platform team at Initech.\n"


def test_version(invoke):
    from composer import __version__

    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"invite-composer {__version__}"


def test_output_dash_means_stdout():
    result = run_cli("draft", "-t", "event-brief", *ANSWERED, "-o", "-")
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


def test_output_onto_an_existing_file_leaves_it_alone(invoke, workdir):
    result = invoke(*EVENT, "--output", "mine.txt")
    assert result.exit_code == 2
    assert (workdir / "mine.txt").read_text(encoding="utf-8") == "my own words\n"
    assert [p.name for p in workdir.glob(".mine.txt.*")] == []  # no temporary file left behind


def test_output_into_an_unwritable_folder(invoke, workdir, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as a read-only folder would (even for root)
    result = invoke(*EVENT, "--output", "folder/note.txt")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "error: folder/note.txt: cannot write into folder: Permission denied\n"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write into read-only folders")
def test_output_into_a_read_only_folder(invoke, workdir):
    folder = workdir / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = invoke(*EVENT, "--output", "read-only/note.txt")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: read-only/note.txt: cannot write into read-only: ")


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
    assert result.exit_code == 0 and result.stdout.strip()


def test_a_typo_in_an_answers_file_is_named_with_the_closest_question(tmp_path):
    """`topik = ...` would otherwise vanish: the template's own default or a prompt takes its place, silently."""
    answers = tmp_path / "answers.toml"
    answers.write_text('template = "event-brief"\nfirst_name = "Ana"\nevent = "PyCon"\ntopik = "packaging"\n', encoding="utf-8")
    result = run_cli("draft", "--answers", str(answers), "--no-input", "--no-record")
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning == (
        f"warning: {answers}: topik: template 'event-brief' does not ask for it "
        "(its questions: first_name, event, topic); did you mean topic?"
    )


def test_unknown_keys_from_flags_and_file_are_each_named_once(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("first_name: Ana\nevent: PyCon\nmystery: x\nevnt: y\n", encoding="utf-8")
    result = run_cli("draft", "-t", "event-brief", "--answers", str(answers), "--set", "evnt=z", "--no-input", "--no-record")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert warnings[0].startswith("warning: --set evnt: ") and warnings[0].endswith("; did you mean event?")
    assert warnings[1].startswith(f"warning: {answers}: mystery: ") and "did you mean" not in warnings[1]
