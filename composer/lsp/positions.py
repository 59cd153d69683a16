"""Offsets into a document's text and the protocol's positions, both ways.

The linter reports Python string offsets (code points). The protocol counts a position's
`character` in UTF-16 code units unless the client offered another encoding at `initialize`
(`general.positionEncodings`: "utf-8" or "utf-32"), so 👋 is 2 characters to VS Code and 1 to
Python: counting code points would put every finding after an emoji one column late. Lines end at
"\\n", "\\r\\n" or "\\r" only, as the protocol says; `str.splitlines` also breaks at U+2028, form
feeds and NEL, exactly the invisible characters the linter reports, so it is not used here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

_BREAK = re.compile(r"\r\n|\r|\n")
#: The protocol's default position encoding.
UTF16 = "utf-16"


def utf16_units(text: str) -> int:
    """UTF-16 code units: one per character, two for one outside the Basic Multilingual Plane (most emoji)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def utf8_units(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


#: Code units per position encoding the protocol defines ("utf-32" counts code points, as Python does).
UNITS: dict[str, Callable[[str], int]] = {UTF16: utf16_units, "utf-8": utf8_units, "utf-32": len}


class Lines:
    """One text's lines, for turning offsets into (line, character) and back in the client's units."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.units = UNITS.get(encoding, utf16_units)
        self.starts = [0, *(match.end() for match in _BREAK.finditer(text))]

    def position(self, offset: int) -> tuple[int, int]:
        """The 0-based line and the character (in the client's units) of a code-point offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return line, self.units(self.text[self.starts[line] : offset])

    def offset(self, line: int, character: int) -> int:
        """The code-point offset of a position; past a line's end is its end, past the last line the text's end."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        index, end, count = self.starts[line], self.content_end(line), 0
        while index < end and count < character:
            count += self.units(self.text[index])
            index += 1
        return index

    def content_end(self, line: int) -> int:
        """The offset where a line's text ends, before its line break."""
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        text = self.text[self.starts[line] : end]
        return end - (len(text) - len(text.rstrip("\r\n")))

    def line_span(self, line: int) -> tuple[int, int]:
        """A line's text without its indentation and line break, as offsets (the whole line when it is blank)."""
        line = max(0, min(line, len(self.starts) - 1))
        start, end = self.starts[line], self.content_end(line)
        content = self.text[start:end]
        indent = len(content) - len(content.lstrip())
        return (start + indent, end) if indent < len(content) else (start, end)
