"""Property tests (hypothesis): the linter and the renderer hold up on anything people paste.

Lint: arbitrary Unicode (emoji, combining marks, RTL, control characters, CRLF, lone surrogates are
not valid str input and are left out, very long lines) never raises; every finding's offsets are
inside the note and its excerpt is exactly `text[start:end]`; `too-long` fires exactly when the
UTF-16 length with line breaks normalised exceeds the limit.

Render: any answer text is data, never code: it appears in the note literally, and the only errors a
template can raise are the documented ones (`TemplateError` and its `SandboxError`).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from composer.length import note_length
from composer.lint import lint_text

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


@pytest.mark.slow
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


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(name=st.text(max_size=30), text=note_text)
def test_lint_with_any_recipient_name_never_raises(name, text):
    for finding in lint_text(text, name=name):
        assert finding.excerpt == text[finding.start : finding.end]


# ----------------------------------------------------------------------------- rendering
