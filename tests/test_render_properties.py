"""Property tests: any answer text renders literally and never breaks a built-in template."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.templates.library import discover
from composer.templates.render import normalise, render

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
