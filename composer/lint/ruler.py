"""`invite_ruler`: the canned phrases, sales lines and hook phrases of `patterns.jsonl`, as spans.

It marks them in `doc.spans[SPANS_KEY]` exactly as spaCy's `SpanRuler` would (same spans, labels,
ids and order), but only runs the patterns a note can match. spaCy's `Matcher` tries every pattern
at every token and evaluates each `{"IN": [...]}` set in Python, which made the ruler cost more than
the rest of the lint. Here each token pattern gets its own matcher and its *requirements*: for every
token it cannot match without (no `?`, `*`, `!` or `{0,n}`), the words that token allows (`LOWER`,
`NORM` or `ORTH`, one value or an `IN` list). A note only runs the patterns whose requirements its
words all meet (a few of 150); patterns without any always run. The test suite checks the spans
against `SpanRuler` on every labeled note.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from composer.lint.keys import RULER_PIPE, SPANS_KEY
from composer.resources import data_path

PATTERNS_PATH = data_path("lint", "patterns.jsonl")

_ANCHOR_ATTRS = {"LOWER": "LOWER", "NORM": "NORM", "ORTH": "ORTH", "TEXT": "ORTH"}
_ATTR_COLUMNS = ("LOWER", "NORM", "ORTH")
_REPEAT = re.compile(r"\{\s*(\d*)\s*(?:,\s*\d*\s*)?\}")


def _required(op: str | None) -> bool:
    """Whether a token with this `OP` must match at least once."""
    if op is None or op in ("+", "1"):
        return True
    repeat = _REPEAT.fullmatch(op)
    return bool(repeat and repeat.group(1) and int(repeat.group(1)) >= 1)


def requirements(pattern: list[dict[str, Any]]) -> frozenset[tuple[str, frozenset[str]]]:
    """What a doc must contain for a token pattern to match it: (attribute, words), each at least once.

    One entry per constraint on a required token (`LOWER`, `NORM`, `ORTH`/`TEXT`, one value or an
    `IN` list); optional tokens and other attributes or operators add nothing (they only narrow).
    """
    found = set()
    for token in pattern:
        if not _required(token.get("OP")):
            continue
        for key, value in token.items():
            attr = _ANCHOR_ATTRS.get(key.upper())
            if attr is None:
                continue
            if isinstance(value, str):
                found.add((attr, frozenset([value])))
            elif isinstance(value, dict) and isinstance(value.get("IN"), list) and all(isinstance(v, str) for v in value["IN"]):
                found.add((attr, frozenset(value["IN"])))
    return frozenset(found)


class AnchoredSpanRuler:
    """A span ruler (spans only, overwriting `doc.spans[spans_key]`) that runs only the patterns a doc can match."""

    def __init__(self, nlp: Language, name: str = RULER_PIPE, spans_key: str = SPANS_KEY, validate: bool = False) -> None:
        self.vocab = nlp.vocab
        self.make_doc = nlp.make_doc
        self.name = name
        self.spans_key = spans_key
        self.validate = validate
        self.labels: dict[int, tuple[str, str]] = {}
        self.always = Matcher(self.vocab, validate=validate)  # token patterns without requirements
        self.phrases = PhraseMatcher(self.vocab)
        self.matchers: list[Matcher] = []  # one per token pattern with requirements
        self.needs: list[frozenset[int]] = []  # the requirement ids of each of those patterns
        self._requirement_ids: dict[tuple[str, frozenset[str]], int] = {}
        self._index: dict[str, dict[int, list[int]]] = {attr: {} for attr in _ATTR_COLUMNS}
        self.patterns: list[dict[str, Any]] = []

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        """Patterns as for `SpanRuler`: `label`, optional `id`, and a token list or a phrase string."""
        for entry in patterns:
            label, pattern_id = str(entry["label"]), str(entry.get("id", ""))
            key = repr((label, pattern_id))
            self.labels[self.vocab.strings.add(key)] = (label, pattern_id)
            pattern = entry["pattern"]
            if isinstance(pattern, str):
                self.phrases.add(key, [self.make_doc(pattern)])
            elif isinstance(pattern, list):
                needs = requirements(pattern)
                if not needs:
                    self.always.add(key, [pattern])
                else:
                    matcher = Matcher(self.vocab, validate=self.validate)
                    matcher.add(key, [pattern])
                    self.matchers.append(matcher)
                    self.needs.append(frozenset(self._requirement_id(need) for need in needs))
            else:
                raise ValueError(f"pattern {pattern_id or label!r}: expected a token list or a phrase string")
            self.patterns.append(entry)

    def _requirement_id(self, need: tuple[str, frozenset[str]]) -> int:
        found = self._requirement_ids.get(need)
        if found is None:
            found = self._requirement_ids[need] = len(self._requirement_ids)
            attr, words = need
            for word in words:
                self._index[attr].setdefault(self.vocab.strings.add(word), []).append(found)
        return found

    def candidates(self, doc: Doc) -> list[int]:
        """The token patterns (indices into `self.matchers`) whose every requirement the doc meets."""
        if not len(doc) or not self.matchers:
            return []
        columns = doc.to_array(list(_ATTR_COLUMNS)).T.tolist()
        met: set[int] = set()
        for attr, column in zip(_ATTR_COLUMNS, columns, strict=True):
            index = self._index[attr]
            if index:
                for value in set(column):
                    met.update(index.get(value, ()))
        return [i for i, needs in enumerate(self.needs) if needs <= met]

    def match(self, doc: Doc) -> list[Span]:
        """The spans, deduplicated and sorted as `SpanRuler.match` returns them."""
        matches = list(self.always(doc)) if len(self.always) else []
        for i in self.candidates(doc):
            matches.extend(self.matchers[i](doc))
        if len(self.phrases):
            matches.extend(self.phrases(doc))
        spans = {
            Span(doc, start, end, label=self.labels[key][0], span_id=self.labels[key][1])
            for key, start, end in matches
            if start != end
        }
        return sorted(spans)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = self.match(doc)
        return doc


@Language.factory(RULER_PIPE, default_config={"spans_key": SPANS_KEY, "validate": False})
def make_ruler(nlp: Language, name: str, spans_key: str, validate: bool) -> AnchoredSpanRuler:
    return AnchoredSpanRuler(nlp, name=name, spans_key=spans_key, validate=validate)


def load_patterns(path: Path = PATTERNS_PATH) -> list[dict[str, Any]]:
    """The SpanRuler patterns: one JSON object a line with `label`, `id` and `pattern`."""
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            patterns.append(json.loads(line))
        except json.JSONDecodeError as exc:  # a packaging bug, not a user error
            raise RuntimeError(f"{path}:{number}: bad pattern line: {exc}") from None
    return patterns
