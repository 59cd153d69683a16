"""Property tests: any answer text renders literally and never breaks a built-in template."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.errors import TemplateError
from composer.templates.library import discover
from composer.templates.render import normalise, render, render_body

pytestmark = pytest.mark.slow  # property tests: many generated examples

TEMPLATES = sorted(discover().templates.values(), key=lambda t: t.id)

# Printable text without whitespace runs, so the answer survives whitespace normalisation unchanged.
answer_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=40,
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_answers_render_literally(template, data):
    answers = {q.name: data.draw(answer_text, label=q.name) for q in template.all_questions()}
    note = render(template, answers)
    for name, value in answers.items():
        if name in template.variables:
            assert normalise(value) in note


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_normalise_is_idempotent_and_trimmed(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once


#: Bodies using what user templates use: filters, if/else, loops, string ops, macros.
BODIES = [
    "Hi {{ a }}, {{ b }}",
    "Hi {{ a|trim }}{% if b %}, about {{ b }}{% else %}!{% endif %}",
    "{{ a|upper }} {{ b|lower }} {{ a|title }} {{ b|capitalize }}",
    "{{ a ~ ' & ' ~ b }} {{ [a, b]|join(' / ') }}",
    "{% set both = a ~ b %}{{ both }} {{ both|length }} {{ a|wordcount }}",
    "{% for word in [a, b] %}{{ loop.index }}:{{ word }} {% endfor %}",
    "{% macro greet(x) %}Hi {{ x }}{% endmacro %}{{ greet(a) }}, {{ greet(b) }}",
    "{{ a|default('someone') }} {{ b|replace('\\n', ' ') }} {{ a|truncate(300) }}",
    "{{ '%s and %s' % (a, b) }} {{ '{} / {}'.format(a, b) }}",
    "{{ a|center(20) }}|{{ b|indent(2) }}|{{ a|wordwrap(40) }}",
    "{% if a|length > 5 and b %}{{ a[:5] }}…{{ b[-3:] }}{% else %}{{ a }}{% endif %}",
]


answer = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from(
        [
            "{{ 7*7 }}",
            "{% for x in range(10**9) %}{% endfor %}",
            "{{ ''.__class__.__mro__ }}",
            "{{ cycler.__init__.__globals__ }}",
            "{% raw %}",
            "{#",
            "%s%s%s",
            "{0.__class__}",
            "}}{{",
            "\x00",
            "👩🏽‍💻",
        ]
    ),
)


@settings(max_examples=150, deadline=None)
@given(body=st.sampled_from(BODIES), a=answer, b=answer)
def test_any_answers_render_as_data_and_only_documented_errors(body, a, b):
    try:
        note = render_body(body, {"a": a, "b": b}, Path("t.jinja"))
    except TemplateError as exc:  # SandboxError is one; e.g. a 60-character answer centred is fine, NUL is fine
        raise AssertionError(f"ordinary template refused: {exc}") from exc
    assert isinstance(note, str)
    if body == BODIES[0]:
        assert note == normalise(f"Hi {a}, {b}")


@settings(max_examples=150, deadline=None)
@given(a=answer)
def test_an_answer_appears_literally(a):
    note = render_body("[{{ a }}]", {"a": a}, Path("t.jinja"))
    assert note == normalise(f"[{a}]")


#: Template fragments, valid or not, combined at random; rendering may refuse them, but only by a
#: documented error, and never by evaluating an answer.
PIECES = [
    "{{ a }}",
    "{{ b }}",
    "{% if a %}",
    "{% else %}",
    "{% endif %}",
    "{% for x in a %}",
    "{% endfor %}",
    "{{ a|upper }}",
    "{{ a|center(10**9) }}",
    "{{ a * 10**9 }}",
    "{{ a.__class__ }}",
    "{{ undefined_thing }}",
    "{{ a|nosuchfilter }}",
    "{{ a[0] }}",
    "{{ 1/0 }}",
    "{{ a + 1 }}",
    "{{ int(a) }}",
    "{{ a|int }}",
    "{{ '%d' % a }}",
    "{{ a.format(1) }}",
    "{% set ns = namespace(s=a) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{{ range(a|length)|list }}",
    "{{ a|map('upper')|join }}",
    "text ",
    "{{",
    "}}",
    "{%",
]


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=8), a=answer, b=answer)
def test_any_template_raises_only_documented_errors(pieces, a, b):
    body = "".join(pieces)
    try:
        note = render_body(body, {"a": a, "b": b}, Path("t.jinja"), body_line=5)
    except TemplateError as exc:
        assert str(exc).startswith("t.jinja")
        assert "\n" not in str(exc), "an error is one line"
        return
    assert len(note) <= 100_000
