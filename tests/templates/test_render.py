"""Rendering: sandbox, StrictUndefined, literal answers, optional fallbacks, whitespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.errors import TemplateError
from composer.templates.parse import parse_template
from composer.templates.render import normalise, render, render_body

TEMPLATE = """---
id: met
relationship: event
title: Met
description: Test template.
questions:
  - name: event
    prompt: Event?
    max_length: 40
    example: PyCon US
  - name: topic
    prompt: Topic?
    required: false
    max_length: 40
    example: packaging
---
Hi {{ first_name }},   great meeting you at {{ event }}{% if topic %} and talking about {{ topic }}{% else %} {% endif %}.
Let's stay in touch.
"""


@pytest.fixture
def template(tmp_path: Path):
    path = tmp_path / "met.jinja"
    path.write_text(TEMPLATE, encoding="utf-8")
    return parse_template(path, "folder")


def test_optional_answer_present(template):
    note = render(template, {"first_name": "Ana", "event": "PyCon US", "topic": "wheels"})
    assert note == "Hi Ana, great meeting you at PyCon US and talking about wheels.\nLet's stay in touch."


def test_missing_optional_answer_reads_naturally(template):
    note = render(template, {"first_name": "Ana", "event": "PyCon US"})
    assert note == "Hi Ana, great meeting you at PyCon US.\nLet's stay in touch."


@pytest.mark.parametrize("payload", ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ config }}"])
def test_answers_are_data_never_jinja(template, payload):
    note = render(template, {"first_name": "Ana", "event": payload})
    assert payload in note
    assert "49" not in note


def test_strict_undefined_names_the_variable(tmp_path: Path):
    with pytest.raises(TemplateError, match="undefined variable.*nickname"):
        render_body("Hi {{ nickname }}", {}, tmp_path / "x.jinja")


def test_syntax_error_reports_file_line(tmp_path: Path):
    path = tmp_path / "broken.jinja"
    text = TEMPLATE.replace("{% else %} {% endif %}", "{% else %}")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        parse_template(path, "folder")
    # the body starts on line 17 of the file; the unclosed block is reported within the body
    assert info.value.line is not None and info.value.line >= 17
    assert str(path) in str(info.value)


def test_normalise_whitespace():
    assert normalise("  Hi  Ana ,\tgreat \n\n\n\nto meet .  ") == "Hi Ana, great\n\nto meet."
    assert normalise("a\r\nb  ") == "a\nb"
