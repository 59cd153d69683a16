"""The linter's two spaCy components; this module imports spaCy, so only `pipeline.get_pipeline` imports it.

* `invite_ruler` marks the canned phrases, sales lines and hook phrases of `patterns.jsonl` in
  `doc.spans[SPANS_KEY]`, exactly as spaCy's `SpanRuler` would (same spans, labels, ids and order),
  but only runs the patterns a note can match. spaCy's `Matcher` tries every pattern at every token
  and evaluates each `{"IN": [...]}` set in Python, which made the ruler cost more than the rest of
  the lint. Here each token pattern gets its own matcher and its *requirements*: for every token it
  cannot match without (no `?`, `*`, `!` or `{0,n}`), the words that token allows (`LOWER`, `NORM`
  or `ORTH`, one value or an `IN` list). A note only runs the patterns whose requirements its words
  all meet (a few of 150); patterns without any always run. The test suite checks the spans
  against `SpanRuler` on every labeled note.
* `invite_lint` runs the rules on each doc and stores the findings (as plain tuples, so they survive
  `Doc.to_bytes` when `nlp.pipe(n_process=...)` runs it in worker processes) in
  `doc.user_data[FINDINGS_KEY]`. It reads the recipient's name from `doc.user_data[NAME_KEY]`.
  Named entities only ever add hooks, so they can only clear a `no-specifics` finding: the `ner`
  component (disabled in the pipeline) runs, batched, on just the notes where an entity-dependent
  rule fired without entities, and the rules run again on those. The findings are the same as with
  NER on every note (the test suite checks that too) at a quarter of the NER cost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from composer.lint.findings import Finding
from composer.lint.pipeline import FINDINGS_KEY, LINT_PIPE, NAME_KEY, RULER_PIPE, SPANS_KEY

#: Rules whose result can change once the doc has named entities (they may only stop firing).
ENTITY_RULES = frozenset({"no-specifics"})
#: Finding fields in order: a finding travels between processes as a tuple of these.
FINDING_FIELDS = tuple(f.name for f in fields(Finding))

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


def encode(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return [tuple(getattr(f, name) for name in FINDING_FIELDS) for f in findings]


def decode(values: list[Any] | None) -> list[Finding]:
    return [Finding(*item) for item in values or ()]


class LintStep:
    """Runs the rules on each doc; NER (when there is one) only on the docs that need entities."""

    def __init__(self, name: str = LINT_PIPE, trained: bool = False) -> None:
        self.name = name
        self.trained = trained
        self.ner: Any = None  # the pipeline's own (disabled) ner component, set by get_pipeline

    def __call__(self, doc: Doc, **options: Any) -> Doc:
        for done in self.pipe([doc], **options):
            return done
        return doc

    def pipe(
        self,
        docs: Iterable[Doc],
        *,
        batch_size: int = 256,
        limit: int | None = None,
        rules: list[str] | None = None,
        lazy_entities: bool = True,
    ) -> Iterator[Doc]:
        from composer.lint import DEFAULT_LIMIT
        from composer.lint.rules import load_rules

        chosen = list(rules) if rules is not None else list(load_rules())
        limit = DEFAULT_LIMIT if limit is None else limit
        ner = self.ner if self.trained else None
        entity_rules = ENTITY_RULES.intersection(chosen)
        for batch in minibatch(docs, batch_size):
            if ner is not None and not lazy_entities:
                batch = list(ner.pipe(batch, batch_size=len(batch)))
            pending = []
            for doc in batch:
                findings = self._check(doc, limit, chosen)
                if ner is not None and lazy_entities and entity_rules and any(f.rule in entity_rules for f in findings):
                    pending.append(doc)
                else:
                    doc.user_data[FINDINGS_KEY] = encode(findings)
            if pending:
                for doc in ner.pipe(pending, batch_size=len(pending)):
                    doc.user_data[FINDINGS_KEY] = encode(self._check(doc, limit, chosen))
            yield from batch

    def _check(self, doc: Doc, limit: int, chosen: list[str]) -> list[Finding]:
        from composer.lint.rules import Context, run_checks

        ctx = Context(text=doc.text, doc=doc, limit=limit, name=doc.user_data.get(NAME_KEY), trained=self.trained)
        return run_checks(ctx, chosen)


@Language.factory(RULER_PIPE, default_config={"spans_key": SPANS_KEY, "validate": False})
def make_ruler(nlp: Language, name: str, spans_key: str, validate: bool) -> AnchoredSpanRuler:
    return AnchoredSpanRuler(nlp, name=name, spans_key=spans_key, validate=validate)


@Language.factory(LINT_PIPE, default_config={"trained": False})
def make_lint_step(nlp: Language, name: str, trained: bool) -> LintStep:
    return LintStep(name=name, trained=trained)
