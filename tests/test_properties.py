"""Property tests (hypothesis): the linter and the renderer hold up on anything people paste.

Lint: arbitrary Unicode (emoji, combining marks, RTL, control characters, CRLF, lone surrogates are
not valid str input and are left out, very long lines) never raises; every finding's offsets are
inside the note and its excerpt is exactly `text[start:end]`; `too-long` fires exactly when the
UTF-16 length with line breaks normalised exceeds the limit.

Render: any answer text is data, never code: it appears in the note literally, and the only errors a
template can raise are the documented ones (`TemplateError` and its `SandboxError`).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from composer.errors import TemplateError
from composer.length import note_length
from composer.lint import lint_text
from composer.templates.render import normalise, render_body

# ----------------------------------------------------------------------------- text people paste

EMOJI = ["👋", "🙂", "🚀", "👩🏽‍💻", "🇩🇪", "❤️", "✨"]
COMBINING = ["e\u0301", "n\u0303", "a\u0308\u0323", "Z\u0351\u0352\u0353"]
RTL = ["مرحبا", "שלום", "\u202eevil\u202c", "\u200f", "سلام عليكم"]
CONTROL = ["\x00", "\x07", "\x1b[31m", "\t", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b"]
BREAKS = ["\n", "\r\n", "\r", "\n\n"]
WORDS = [
    "Hi",
    "Ana",
    "great",
    "meeting",
    "you",
    "at",
    "PyCon",
    "I'd",
    "love",
    "to",
    "connect",
    "{first_name}",
    "[NAME]",
    "https://example.com",
    "!!!",
    "BUY",
    "NOW",
    "my",
    "network",
    "Join",
]

fragment = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(EMOJI),
    st.sampled_from(COMBINING),
    st.sampled_from(RTL),
    st.sampled_from(CONTROL),
    st.sampled_from(BREAKS),
    st.just(" "),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
note_text = st.one_of(
    st.lists(fragment, max_size=60).map(" ".join),
    st.lists(fragment, max_size=60).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
    # very long lines, around and over the limits
    st.builds(lambda word, n: (word + " ") * n, st.sampled_from([*WORDS, *EMOJI]), st.integers(0, 400)),
)


def utf16_length(text: str) -> int:
    """Independent of composer.length: what a browser's textarea reports after normalising breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return len(text.encode("utf-16-le")) // 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=note_text, limit=st.sampled_from([1, 20, 200, 300]))
@example(text="", limit=200)
@example(text="\r\n" * 150 + "x", limit=200)
@example(text="👋" * 100 + "a", limit=200)
@example(text="👋" * 100, limit=200)
@example(text="\x00\x00", limit=1)
@example(text="Hi Ana,\r\n\r\n" + "é" * 300, limit=300)
def test_lint_never_raises_and_offsets_are_exact(text, limit):
    findings = lint_text(text, limit=limit)
    for finding in findings:
        assert 0 <= finding.start <= finding.end <= len(text), finding
        assert finding.excerpt == text[finding.start : finding.end], finding
        assert finding.line >= 1 and finding.column >= 1
    assert note_length(text) == utf16_length(text)
    too_long = [f for f in findings if f.rule == "too-long"]
    if text.strip():
        assert bool(too_long) == (utf16_length(text) > limit), (utf16_length(text), limit)
    else:
        assert [f.rule for f in findings] == ["empty"]


@settings(max_examples=40, deadline=None)
@given(name=st.text(max_size=30), text=note_text)
def test_lint_with_any_recipient_name_never_raises(name, text):
    for finding in lint_text(text, name=name):
        assert finding.excerpt == text[finding.start : finding.end]


# ----------------------------------------------------------------------------- rendering


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
