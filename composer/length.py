"""Counting a note as LinkedIn's text box does.

The browser counts UTF-16 code units (so 👋 counts 2) after normalising line breaks to a single
`\n`. Counting Python characters instead would let emoji-laden notes slip past the limit.
"""

from __future__ import annotations


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, as a textarea's value reports them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def note_length(text: str) -> int:
    """The note's length in UTF-16 code units, line breaks counted once."""
    text = normalise_newlines(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def length_style(length: int, limit: int) -> str:
    """A colour for `143 / 200`: green with room to spare, yellow near the limit, red over it."""
    if length > limit:
        return "red"
    if length > limit * 0.9:
        return "yellow"
    return "green"
