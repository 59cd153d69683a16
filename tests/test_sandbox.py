"""Templates are untrusted: reaching for Python internals fails `check` and `draft`, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from composer.cli import app
from composer.errors import SandboxError
from composer.render import render_body

PAYLOADS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ lipsum.__globals__ }}",
    "{{ config }}",
    "{{ request }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ ''['__class__'] }}",
    "{{ '' | attr('__class__') }}",
    "{{ 'abc' | map(attribute='__class__') | list }}",
    "{{ lipsum }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% set x = self %}{{ x }}",
]

TEMPLATE = """\
---
id: evil
relationship: event
title: Evil
description: Tries to escape the sandbox.
questions:
  - name: event
    prompt: Which event?
    max_length: 30
    example: PyData Berlin
---
Hi {{{{ first_name }}}}, great meeting you at {{{{ event }}}}.
{payload}
"""


@pytest.fixture(autouse=True)
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    home.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.delenv("INVITE_COMPOSER_CONFIG", raising=False)
    return home


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def evil(tmp_path: Path, payload: str) -> Path:
    folder = tmp_path / "evil"
    folder.mkdir(exist_ok=True)
    path = folder / "evil.jinja"
    path.write_text(TEMPLATE.format(payload=payload), encoding="utf-8")
    return path


@pytest.mark.parametrize("payload", PAYLOADS)
def test_check_refuses_with_a_security_error_at_the_line(tmp_path, payload):
    path = evil(tmp_path, payload)
    result = run("templates", "check", str(path))
    assert result.exit_code == 2, result.output
    assert f"{path}:13: error: refused by the sandbox:" in result.stdout
    assert "Python internals" in result.stdout
    assert result.stderr.startswith("error: refused by the sandbox (security):") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_draft_refuses_with_a_security_error(tmp_path, payload):
    path = evil(tmp_path, payload)
    result = run(
        "draft", "--templates-dir", str(path.parent), "-t", "evil", "--set", "first_name=Ana", "--set", "event=X", "--no-input"
    )
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}:13: refused by the sandbox:"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_check_json_marks_sandbox_problems(tmp_path):
    import json

    path = evil(tmp_path, "{{ ''.__class__ }}")
    result = run("templates", "check", "--format", "json", str(path))
    assert result.exit_code == 2
    problem = json.loads(result.stdout)["templates"][0]["problems"][0]
    assert problem == {
        "line": 13,
        "severity": "error",
        "code": "sandbox",
        "message": problem["message"],
    } and problem["message"].startswith("refused by the sandbox: access to attribute '__class__'")


@pytest.mark.parametrize(
    "body",
    [
        "{{ 'a' * 10**9 }}",
        "{{ 9 ** 999999 }}",
        "{{ [1] * 1000000 }}",
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        "{{ range(10**9) | list }}",
    ],
)
def test_resource_exhaustion_is_refused(body):
    with pytest.raises(SandboxError, match="refused by the sandbox"):
        render_body(body, {}, Path("t.jinja"))


def test_a_declared_question_may_be_called_config():
    assert render_body("Hi {{ config }}", {"config": "Ana"}, Path("t.jinja")) == "Hi Ana"


def test_answers_are_data_not_code():
    payload = "{{ ''.__class__.__mro__ }}"
    assert render_body("Hi {{ name }}", {"name": payload}, Path("t.jinja")) == f"Hi {payload}"


def test_ordinary_jinja_still_works():
    body = "{% set ns = namespace(n=0) %}{% for w in words.split() %}{% set ns.n = ns.n + 1 %}{% endfor %}"
    body += "{{ ns.n }} {{ words|upper }}"
    assert render_body(body, {"words": "a b c"}, Path("t.jinja")) == "3 A B C"


def test_the_builtins_still_render_under_the_static_checks():
    result = run("templates", "show", "event-brief")
    assert result.exit_code == 0, result.output
