"""What a check sees (`Context`), what it returns (`Hit`), and the token helpers several checks share.

Nothing here imports spaCy at run time: a `Context` wraps a `Doc` made elsewhere (by the pipeline),
so the checks can be read and tested as plain functions of a note.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from composer.lint.catalog import lexicon
from composer.lint.keys import GREETING_KEY, SPANS_KEY
from composer.lint.language import ENGLISH, is_judged

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


@dataclass
class Hit:
    """Where a rule fired and the values for its message and hint."""

    start: int
    end: int
    values: dict[str, Any] = field(default_factory=dict)
    #: Decided by the classifier's score for the whole note (the rule's `note_message` applies).
    note_level: bool = False


@dataclass
class Context:
    """What a check sees: the note, its Doc, the options, the classifier's scores and the note's language."""

    text: str
    doc: Doc
    limit: int
    name: str | None
    trained: bool
    #: `doc.cats`: the classifier's score per label (empty when no classifier ran).
    scores: dict[str, float] = field(default_factory=dict)
    language: str = "en"
    #: Which signals decide the note-level rules: "both", "rules" or "classifier" (catalog.SIGNALS).
    signals: str = "both"
    _placeholders: list[tuple[int, int]] | None = None
    _starts: list[int] | None = None
    #: What a check computes once per note for the others (the sales verdict).
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def english(self) -> bool:
        return self.language == ENGLISH

    @property
    def judged(self) -> bool:
        """Whether the note's language is judged for generic wording and pitches (languages.yaml)."""
        return is_judged(self.language)

    def score(self, label: str) -> float | None:
        """The classifier's score for a label, or None when the rules decide alone."""
        return None if self.signals == "rules" else self.scores.get(label)

    def placeholders(self) -> list[tuple[int, int]]:
        """The unfilled template fields, (start, end) in order; computed once per note."""
        if self._placeholders is None:
            self._placeholders = find_placeholders(self.text)
        return self._placeholders

    def in_placeholder(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a placeholder; a binary search, as checks ask for every token."""
        spans = self.placeholders()
        if not spans:
            return False
        if self._starts is None:
            self._starts = [s for s, _ in spans]
        index = bisect.bisect_left(self._starts, end) - 1  # the last placeholder starting before `end`
        return index >= 0 and spans[index][1] > start

    def spans(self, label: str) -> list[Span]:
        """The pattern ruler's spans with this label."""
        return [s for s in self.doc.spans[SPANS_KEY] if s.label_ == label] if SPANS_KEY in self.doc.spans else []

    def said(self, label: str) -> list[tuple[int, int]]:
        """(start, end) of the spans with this label outside placeholders: a field's words are the template's."""
        return [(s.start_char, s.end_char) for s in self.spans(label) if not self.in_placeholder(s.start_char, s.end_char)]


# --------------------------------------------------------------------------- offsets


def trimmed(text: str) -> tuple[int, int]:
    """(start, end) of the text without its surrounding whitespace."""
    start = len(text) - len(text.lstrip())
    return start, max(start, len(text.rstrip()))


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching ranges joined into one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def non_overlapping(matches: Iterable[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Keep matches in order of appearance, longest first at a start, dropping overlaps."""
    kept: list[tuple[int, int, Any]] = []
    for start, end, extra in sorted(matches, key=lambda m: (m[0], -(m[1] - m[0]))):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, extra))
    return kept


def span_hits(ctx: Context, spans: Iterable[tuple[int, int]]) -> list[Hit]:
    """Hits for the spans outside placeholders, overlapping ones merged."""
    return [Hit(s, e) for s, e in merge((s, e) for s, e in spans if not ctx.in_placeholder(s, e))]


#: A word in any script: letters only, no digits or underscores.
_ANY_WORD = re.compile(r"[^\W\d_]+")


def word_count(text: str) -> int:
    """How many words a note has (letters in any script; "Hi [Name] 😊" has two)."""
    return len(_ANY_WORD.findall(text))


# --------------------------------------------------------------------------- placeholders

_WORDS = re.compile(r"[A-Za-z']+")


def find_placeholders(text: str) -> list[tuple[int, int]]:
    """Every unfilled template field (the lexicon's placeholder regexes), without overlaps."""
    matches = []
    for regex in lexicon().placeholders:
        for m in regex.finditer(text):
            if regex.standalone and _inside_caps_run(text, m.start(), m.end()):
                continue
            matches.append((m.start(), m.end(), None))
    return [_widened(text, s, e) for s, e, _ in non_overlapping(matches)]


#: A field's delimiters doubled ("[[Name]]", "<<Name>>", "((Name))").
_OPENERS = {"[": "]", "<": ">", "(": ")", "{": "}"}


def _widened(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole field, so its excerpt is what the user must replace: "[[Name]]" (not "[Name]"), a
    merge syntax's sigils around a bare field word ("!FirstName!", "$FirstName", "@FirstName")."""
    while (
        start > 0
        and end < len(text)
        and text[start - 1] == text[start]
        and _OPENERS.get(text[start]) == text[end] == text[end - 1]
    ):
        start, end = start - 1, end + 1
    if start > 0 and text[start].isalnum():
        if end < len(text) and text[start - 1] == text[end] and text[end] in "!%#":
            start, end = start - 1, end + 1
        elif text[start - 1] in "$@" and (start < 2 or not text[start - 2].isalnum()):
            start -= 1
    return start, end


def _inside_caps_run(text: str, start: int, end: int) -> bool:
    """True when the word before or after is also all caps (shouting, not a field name)."""
    before = _WORDS.findall(text[max(0, start - 100) : start])[-1:]
    after = _WORDS.findall(text[end : end + 100])[:1]
    return any(w.isupper() and len(w) > 1 for w in before + after)


# --------------------------------------------------------------------------- tokens


def is_word(token: Token) -> bool:
    return any(c.isalpha() for c in token.text)


def is_capitalised(token: Token) -> bool:
    text = token.text
    return bool(text) and text[0].isupper() and any(c.isalpha() for c in text)


def greeting_tokens(doc: Doc) -> tuple[int | None, list[int]]:
    """(index of the greeting word or None, indices of the addressee's name tokens).

    "Hi Dr. Ana Souza," -> the greeting and [Ana, Souza]; "Ana - loved your talk" -> (None, [Ana]).
    Found once per Doc (several checks ask), kept in its `user_data`.
    """
    found: tuple[int | None, list[int]] | None = doc.user_data.get(GREETING_KEY)
    if found is None:
        found = doc.user_data[GREETING_KEY] = _greeting_tokens(doc)
    return found[0], list(found[1])


def _greeting_tokens(doc: Doc) -> tuple[int | None, list[int]]:
    greeting = lexicon().greeting
    first = next((t for t in doc if not t.is_space and is_word(t)), None)  # only the first word is needed
    if first is None:
        return None, []
    i = first.i
    greet: int | None = None
    if first.lower_ in greeting.words:
        greet = i
        i += 1
    elif first.lower_ == "good" and i + 1 < len(doc) and doc[i + 1].lower_ in {"morning", "afternoon", "evening", "day"}:
        greet = i + 1
        i += 2
    if greet is not None:
        return greet, _addressee(doc, i)
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    if is_capitalised(first) and first.is_alpha and nxt is not None and nxt.lower_ in greeting.words:
        return nxt.i, [i]  # "Peter Hi!"
    if is_capitalised(first) and first.is_alpha and nxt is not None and nxt.text in {",", "-", "–", "—", ":", "!"}:
        return None, [i]
    return None, []


def _addressee(doc: Doc, i: int) -> list[int]:
    """The capitalised name tokens right after a greeting word (honorifics skipped), at most four.

    "Hello, Kim." counts when the name stands alone before the next punctuation ("Hello, Globex's
    team is great" does not); an initial after a name is part of it ("Hi Irina K.").
    """
    greeting = lexicon().greeting
    after_comma = i < len(doc) and doc[i].text == ","
    i += after_comma
    names: list[int] = []
    while i < len(doc) and len(names) < 4:
        token = doc[i]
        if token.is_space or token.lower_ in greeting.honorifics or (token.text in {".", "/"} and not names):
            i += 1  # "Hi Dr. Ana": the honorific's dot; after a name a full stop ends it ("Hi Ana. Loved ...")
            continue
        initial = bool(names) and re.fullmatch(r"[A-Z]\.", token.text) is not None
        if initial or (is_capitalised(token) and token.is_alpha and token.lower_ not in greeting.not_names):
            names.append(i)
            i += 1
            continue
        break
    if after_comma and i < len(doc) and not (doc[i].is_punct or doc[i].is_space):
        return []
    return names
