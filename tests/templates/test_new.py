"""`invite templates new`: a scaffold that passes `templates check`, written safely where it belongs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from composer.templates.library import discover
from composer.templates.model import relationships
from composer.templates.parse import parse_template
from tests.helpers import run_cli
from tests.helpers import run_cli as run


def user_templates(xdg: Path) -> Path:
    return xdg / "invite-composer" / "templates"


def test_new_writes_into_user_folder_and_prints_only_the_path(xdg):
    result = run("templates", "new", "event-pycon", "--relationship", "event")
    assert result.exit_code == 0, result.output
    path = user_templates(xdg) / "event-pycon.jinja"
    assert result.stdout.strip() == str(path)
    assert path.is_file()
    template = parse_template(path, "user")
    assert (template.id, template.relationship) == ("event-pycon", "event")
    assert [q.name for q in template.questions] == ["how_we_know", "their_point"]
    optional = template.questions[1]
    assert optional.required is False and "{% else %}" in template.body and "{% if their_point %}" in template.body


@pytest.mark.parametrize("relationship", list(relationships()))
def test_scaffold_passes_check_for_every_relationship(xdg, relationship):
    made = run("templates", "new", f"mine-{relationship}", "-r", relationship)
    assert made.exit_code == 0, made.output
    path = Path(made.stdout.strip())
    checked = run("templates", "check", str(path))
    assert checked.exit_code == 0, checked.output
    assert ": error:" not in checked.stdout
    assert "means something else" not in checked.stdout  # no answer name a built-in of its relationship uses otherwise
    assert "checked 1 template: 1 passed, 0 failed" in checked.stdout
    assert "fits free with examples" in checked.stdout and "worst case" in checked.stdout


@pytest.mark.slow
def test_scaffold_renders_with_and_without_the_optional_answer(xdg):
    path = Path(run("templates", "new", "ref", "-r", "referral").stdout.strip())
    base = ("draft", "-t", "ref", "--no-input", "--set", "first_name=Ana", "--set", "how_we_know=Tariq suggested I write")
    with_topic = run(*base, "--set", "their_point=serverless costs")
    without = run(*base)
    assert with_topic.exit_code == 0 and without.exit_code == 0, with_topic.output + without.output
    assert "serverless costs" in with_topic.stdout
    assert "what you're working on" in without.stdout and "{" not in without.stdout
    assert path.is_file()


def test_new_refuses_to_overwrite_and_force_replaces(xdg):
    assert run("templates", "new", "mine", "-r", "event").exit_code == 0
    path = user_templates(xdg) / "mine.jinja"
    path.write_text(path.read_text() + "\n{# my edits #}\n")
    again = run("templates", "new", "mine", "-r", "event")
    assert again.exit_code == 2
    assert "already exists" in again.stderr and again.stderr.count("\n") == 1
    assert "my edits" in path.read_text()
    forced = run("templates", "new", "mine", "-r", "event", "--force")
    assert forced.exit_code == 0, forced.output
    assert "my edits" not in path.read_text()


def test_dir_option_creates_the_folder(xdg, tmp_path):
    folder = tmp_path / "team" / "templates"
    result = run("templates", "new", "team-intro", "-r", "colleague", "--dir", str(folder))
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()) == folder / "team-intro.jinja"
    assert not user_templates(xdg).exists()


@pytest.mark.parametrize("bad_id", ["Event", "my_event", "event-", "a--b", "a b", "../x", ""])
def test_invalid_id_is_one_line_usage_error(xdg, bad_id):
    result = run("templates", "new", bad_id, "-r", "event")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: invalid template id") and result.stderr.count("\n") == 1
    assert not user_templates(xdg).exists() or not any(user_templates(xdg).iterdir())


def test_unknown_relationship_lists_the_valid_ones(xdg):
    result = run("templates", "new", "x", "-r", "conference")
    assert result.exit_code == 2
    assert "unknown relationship 'conference'" in result.stderr
    assert all(rel in result.stderr for rel in relationships())
    assert "Traceback" not in result.output


def test_relationship_is_required(xdg):
    result = run("templates", "new", "x")
    assert result.exit_code == 2
    assert "--relationship" in result.output


def test_edit_without_an_editor_fails_before_writing(xdg):
    result = run("templates", "new", "mine", "-r", "event", "--edit")
    assert result.exit_code == 2
    assert "$VISUAL or $EDITOR" in result.stderr and result.stderr.count("\n") == 1
    assert not (user_templates(xdg) / "mine.jinja").exists()


@pytest.mark.parametrize("variable", ["VISUAL", "EDITOR"])
def test_edit_opens_the_file_in_the_editor(xdg, tmp_path, monkeypatch, variable):
    editor = tmp_path / "fake editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a', encoding='utf-8').write('{# edited #}\\n')\n")
    monkeypatch.setenv(variable, f"{sys.executable} '{editor}'")
    result = run("templates", "new", "mine", "-r", "event", "--edit")
    assert result.exit_code == 0, result.output
    assert (user_templates(xdg) / "mine.jinja").read_text().endswith("{# edited #}\n")


def test_visual_wins_over_editor(xdg, tmp_path, monkeypatch):
    marker = tmp_path / "which"
    for variable in ("VISUAL", "EDITOR"):
        script = tmp_path / f"{variable}.py"
        script.write_text(f"open({str(marker)!r}, 'w').write({variable!r})\n")
        monkeypatch.setenv(variable, f"{sys.executable} {script}")
    assert run("templates", "new", "mine", "-r", "event", "--edit").exit_code == 0
    assert marker.read_text() == "VISUAL"


def test_missing_editor_program_is_a_one_line_error(xdg, monkeypatch):
    monkeypatch.setenv("EDITOR", "definitely-not-an-editor-xyz")
    result = run("templates", "new", "mine", "-r", "event", "--edit")
    assert result.exit_code == 2
    assert "cannot start editor" in result.stderr and "Traceback" not in result.output


@pytest.mark.slow
def test_user_template_overrides_builtin_and_list_shows_the_source(xdg):
    made = run("templates", "new", "event-brief", "-r", "event")
    assert made.exit_code == 0, made.output
    listed = run("templates", "list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    import json

    entry = next(t for t in json.loads(listed.stdout) if t["id"] == "event-brief")
    assert entry["source"] == "user" and entry["overrides"] == "built-in"
    assert entry["path"] == made.stdout.strip()
    table = run("templates", "list", "-r", "event")
    row = next(line for line in table.stdout.splitlines() if line.startswith("event-brief"))
    assert "user (overrides built-in)" in row
    drafted = run("draft", "-r", "event", "--no-input", "--set", "first_name=Ana", "--set", "how_we_know=we met at SREcon")
    assert drafted.exit_code == 0, drafted.output
    assert "we met at SREcon" in drafted.stdout


@pytest.mark.slow
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


@pytest.mark.slow
def test_new_from_gives_the_copy_a_title_of_its_own(xdg):
    """The picker shows titles: a copy titled like its source would be two identical entries."""
    assert run_cli("templates", "new", "my-event", "--from", "event-brief").exit_code == 0
    listed = {t["id"]: t["title"] for t in json.loads(run_cli("templates", "list", "-r", "event", "--format", "json").stdout)}
    assert listed["my-event"] != listed["event-brief"]
    assert listed["my-event"] == f"{listed['event-brief']} (my-event)"
    assert len(set(listed.values())) == len(listed)
    checked = run_cli("templates", "check", "my-event")
    assert checked.exit_code == 0 and "0 warnings" in checked.stdout, checked.stdout
