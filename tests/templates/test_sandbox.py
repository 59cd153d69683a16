"""Templates are untrusted: reaching for Python internals fails `check` and `draft`, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.errors import SandboxError
from composer.templates.render import render_body
from tests.helpers import run_cli as run

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
    "{{ self.__init__.__globals__.__builtins__ }}",
    "{{ ''|selectattr('__class__')|list }}",
    "{{ ''|map('attr', '__class__')|list }}",
    "{{ [event]|sort(attribute=event)|list }}",
    "{{ ''|attr('%c%cclass%c%c' % (95, 95, 95, 95)) }}",
    "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    "{{ ''|groupby('__class__') }}",
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


def draft_evil(path: Path):
    """`invite draft` with the template at path, every answer it needs given."""
    return run(
        "draft", "--templates-dir", str(path.parent), "-t", "evil", "--set", "first_name=Ana", "--set", "event=X", "--no-input"
    )


@pytest.mark.slow  # a battery of hostile templates, each through the worker
@pytest.mark.parametrize("payload", PAYLOADS)
def test_draft_refuses_with_a_security_error(tmp_path, payload):
    path = evil(tmp_path, payload)
    result = draft_evil(path)
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


RUNTIME_PAYLOADS = [
    # Python internals reached at render time, past the static checks
    "{{ '{0.__class__.__mro__}'.format(event) }}",
    "{{ '{e.__class__}'.format_map({'e': event}) }}",
    "{{ event['_' ~ '_class__'] }}",
    "{{ event|attr('upper')|attr('_' ~ '_self__') }}",
    # memory: one step that would build something huge
    "{{ 'a' * 10**9 }}",
    "{{ 9 ** 999999 }}",
    "{{ [1] * 1000000 }}",
    "{{ range(10**9) | list }}",
    "{{ 'x' | center(10**9) }}",
    "{{ 'x' | indent(10**9) }}",
    "{{ 'x'.ljust(10**9) }}",
    "{{ '%999999999d' % 1 }}",
    "{{ '%*d' % (10**9, 1) }}",
    "{{ '%999999999d' | format(1) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '{:>{w}}'.format(1, w=10**9) }}",
    "{{ range(100000) | join('x' * 10000) }}",
    "{{ ('x' * 10000).join(range(100000)) }}",
    "{{ ('x' * 10000) | replace('x', 'y' * 10000) }}",
    "{{ ('x' * 10000).replace('', 'y' * 10000) }}",
    "{{ range(3) | slice(10**9) | list }}",
    # memory: doubling, one small step at a time
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% set ns = namespace(n=10**100) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
    "{% set l = [1] %}{% for i in range(40) %}{{ l.extend(l) }}{% endfor %}",
    "{% set d = {} %}{{ d.update({'a': 1}) }}",
    # CPU: loops and recursion that print nothing, so the output cap never trips
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "{% for a in event * 1000 %}{% for b in event * 1000 %}{% for c in event * 1000 %}{% endfor %}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "{{ " + "(" * 500 + "1" + ")" * 500 + " }}",
]


@pytest.mark.slow  # a battery of hostile templates, each through the worker
@pytest.mark.parametrize("body", RUNTIME_PAYLOADS)
def test_runtime_escapes_and_resource_exhaustion_are_refused_quickly(body):
    import time

    started = time.monotonic()
    with pytest.raises(SandboxError, match="refused by the sandbox"):
        render_body(body, {"event": "PyCon"}, Path("t.jinja"))
    assert time.monotonic() - started < 5  # the budget is 2 s; most are refused before they start


@pytest.mark.slow  # a battery of hostile templates, each through the worker
@pytest.mark.parametrize("body", RUNTIME_PAYLOADS[:4] + RUNTIME_PAYLOADS[-6:-3])
def test_draft_refuses_runtime_payloads_in_one_line(tmp_path, body):
    path = evil(tmp_path, body)
    result = draft_evil(path)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}") and "refused by the sandbox" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_the_budget_counts_steps_and_time():
    from jinja2.exceptions import SecurityError

    from composer.templates.sandbox import budget, step

    with budget(max_steps=3) as current:
        for _ in range(3):
            step()
        with pytest.raises(SecurityError, match="more than 3 loop steps"):
            step()
    with budget(max_seconds=0) as current, pytest.raises(SecurityError, match="more than 0 seconds"):
        step()
    assert current.steps == 1
    step()  # outside a render nothing is counted


def test_ordinary_formatting_and_filters_still_work():
    body = (
        "{{ name|center(9) }}|{{ '%-5s|' % name }}{{ '{:>6}'.format(name) }}|{{ '%.2f'|format(2.5) }}|"
        "{{ [3, 1, 2]|sort|join(', ') }}|{{ (name ~ '!')|upper }}|{{ 'a-b'.replace('-', ' ') }}|"
        "{% for i in range(10) if i is odd %}{{ loop.index }}{% else %}none{% endfor %}"
    )
    assert render_body(body, {"name": "Ana"}, Path("t.jinja")) == "Ana |Ana | Ana|2.50|1, 2, 3|ANA!|a b|12345"


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
