"""The template library: built-ins, discovery, overriding and broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer.length import note_length
from composer.templates.library import builtin_templates_dir, discover
from composer.templates.model import relationships
from composer.templates.render import render

USER_TEMPLATE = """---
id: event-brief
relationship: event
title: My own event note
description: Overrides the built-in.
questions:
  - name: event
    prompt: Event?
    max_length: 40
    example: PyCon US
---
Hello {{ first_name }}, it was good to meet you at {{ event }}.
"""


def test_at_least_sixteen_builtins_over_ten_relationships():
    library = discover()
    assert not library.problems, [str(p) for p in library.problems]
    builtins = [t for t in library.templates.values() if t.source == "built-in"]
    assert len(builtins) >= 16
    covered = {t.relationship for t in builtins}
    assert covered == set(relationships())
    assert len(covered) >= 10


def test_every_relationship_default_template_exists():
    library = discover()
    for rel in relationships().values():
        assert library.templates[rel.default_template].relationship == rel.id


def test_every_builtin_renders_its_examples_within_free_limit():
    for template in discover().templates.values():
        note = render(template, template.examples())
        assert note, template.id
        assert note_length(note) <= 200, f"{template.id}: {note_length(note)} characters"
        assert "{{" not in note and "{%" not in note


@pytest.mark.slow
def test_user_template_overrides_builtin(user_config_dir: Path, invoke):
    (user_config_dir / "templates").mkdir()
    (user_config_dir / "templates" / "event-brief.jinja").write_text(USER_TEMPLATE, encoding="utf-8")
    template = discover().templates["event-brief"]
    assert template.source == "user" and template.overrides == "built-in"
    result = invoke("templates", "list", "--format", "json")
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["event-brief"]["source"] == "user"
    assert rows["event-brief"]["overrides"] == "built-in"
    drafted = invoke("draft", "-r", "event", "--set", "first_name=Ana", "--set", "event=RustConf", "--no-input")
    assert drafted.stdout == "Hello Ana, it was good to meet you at RustConf.\n"


def test_templates_dir_overrides_user_folder(user_config_dir: Path, tmp_path: Path):
    (user_config_dir / "templates").mkdir()
    (user_config_dir / "templates" / "event-brief.jinja").write_text(USER_TEMPLATE, encoding="utf-8")
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "event-brief.jinja").write_text(USER_TEMPLATE.replace("Hello", "Hey"), encoding="utf-8")
    template = discover([folder]).templates["event-brief"]
    assert template.source == "folder" and template.overrides == "user"


def test_broken_file_is_reported_and_others_still_load(tmp_path: Path, invoke):
    (tmp_path / "good.jinja").write_text(USER_TEMPLATE.replace("id: event-brief", "id: good"), encoding="utf-8")
    (tmp_path / "bad.jinja").write_text(USER_TEMPLATE.replace("relationship: event", "relationship: pub-quiz"), encoding="utf-8")
    library = discover([tmp_path])
    assert "good" in library.templates and "event-warm" in library.templates
    (problem,) = library.problems
    assert str(problem).startswith(f"{tmp_path / 'bad.jinja'}:3: unknown relationship 'pub-quiz'")
    result = invoke("templates", "list", "--templates-dir", str(tmp_path))
    assert result.exit_code == 0
    assert "good" in result.stdout
    assert f"{tmp_path / 'bad.jinja'}:3" in result.stderr


def test_builtin_dir_is_the_top_level_folder_in_a_checkout():
    assert (builtin_templates_dir() / "event-brief.jinja").is_file()


def test_list_filters_by_relationship(invoke):
    result = invoke("templates", "list", "-r", "reply", "--format", "json")
    rows = json.loads(result.stdout)
    assert rows and {row["relationship"] for row in rows} == {"reply"}


@pytest.mark.slow
def test_show_renders_examples_with_count(invoke):
    result = invoke("templates", "show", "event-brief")
    assert result.exit_code == 0
    assert "Which event did you meet at?" in result.stdout
    assert "/ 200" in result.stdout
    data = json.loads(invoke("templates", "show", "event-brief", "--format", "json").stdout)
    assert data["length"] == len(data["example"]) and data["limit"] == 200
    assert "PyCon US" in data["example"]


def test_show_unknown_id_lists_valid_ones(invoke):
    result = invoke("templates", "show", "nope")
    assert result.exit_code == 2
    assert "unknown template 'nope'" in result.stderr and "event-brief" in result.stderr
    assert "Traceback" not in result.output
