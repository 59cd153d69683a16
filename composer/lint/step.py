"""`invite_lint`: the pipeline step that runs the checks on each doc.

Findings are stored as plain tuples in `doc.user_data[FINDINGS_KEY]` and the note's language in
`doc.user_data[LANGUAGE_KEY]`, where `composer.lint.pipeline` reads them back (with the classifier's
scores, `doc.cats`, which the checks read too). The recipient's name comes in through
`doc.user_data[NAME_KEY]`.

Named entities only ever add hooks, so they can only clear a `no-specifics` finding: the `ner`
component (disabled in the pipeline) runs, batched, on just the notes where an entity-dependent rule
fired without entities and a named hook could still clear it (`ENTITIES_MOOT_KEY`: not a template with
an unfilled field, nor a pitch whose names read as the sender's own), and the rules run again on those.
The findings are the same as with NER on every note (the test suite checks that too) at a fraction of
the NER cost, and only the entity rules run again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from composer.lint.catalog import SIGNALS, rule_ids
from composer.lint.context import Context
from composer.lint.findings import Finding
from composer.lint.keys import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_LIMIT,
    ENTITIES_MOOT_KEY,
    FINDINGS_KEY,
    LANGUAGE_KEY,
    LINT_PIPE,
    NAME_KEY,
    TEXT_KEY,
)
from composer.lint.language import detect_language
from composer.lint.rules import run_note_rules
from composer.lint.rules.registry import sorted_findings

#: Rules whose result can change once the doc has named entities (they may only stop firing).
ENTITY_RULES = frozenset({"no-specifics"})
#: NER runs on notes up to this many tokens; a longer "note" (already far over any limit) is judged
#: without entities, so pasting a whole file costs time in proportion to it, and little.
MAX_NER_TOKENS = 1_000
#: Finding fields in order: a finding travels between processes as a tuple of these.
FINDING_FIELDS = tuple(f.name for f in fields(Finding))


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
        batch_size: int = DEFAULT_BATCH_SIZE,
        limit: int | None = None,
        rules: list[str] | None = None,
        lazy_entities: bool = True,
        signals: str = "both",
    ) -> Iterator[Doc]:
        if signals not in SIGNALS:
            raise ValueError(f"signals must be one of {SIGNALS}, got {signals!r}")
        chosen = list(rules) if rules is not None else rule_ids()
        limit = DEFAULT_LIMIT if limit is None else limit
        ner = self.ner if self.trained else None
        entity_rules = ENTITY_RULES.intersection(chosen)
        for batch in minibatch(docs, batch_size):
            if ner is not None and not lazy_entities:
                batch = list(ner.pipe(batch, batch_size=len(batch)))
            pending, kept = [], []
            for doc in batch:
                findings = self._check(doc, limit, chosen, signals)
                needs_entities = (
                    entity_rules
                    and len(doc) <= MAX_NER_TOKENS
                    and any(f.rule in entity_rules for f in findings)
                    and not doc.user_data.get(ENTITIES_MOOT_KEY)
                )
                if ner is not None and lazy_entities and needs_entities:
                    pending.append(doc)
                    kept.append([f for f in findings if f.rule not in entity_rules])
                else:
                    doc.user_data[FINDINGS_KEY] = encode(findings)
            if pending and ner is not None:
                again = sorted(entity_rules)  # only these read entities: the other findings stand
                for doc, others in zip(ner.pipe(pending, batch_size=len(pending)), kept, strict=True):
                    doc.user_data[FINDINGS_KEY] = encode(sorted_findings([*others, *self._check(doc, limit, again, signals)]))
            yield from batch

    def _check(self, doc: Doc, limit: int, chosen: list[str], signals: str) -> list[Finding]:
        text = doc.user_data.get(TEXT_KEY)
        if text is None:  # a doc made elsewhere than `lint_stream`
            text = doc.user_data[TEXT_KEY] = doc.text
        language = doc.user_data.get(LANGUAGE_KEY)
        if language is None:
            language = doc.user_data[LANGUAGE_KEY] = detect_language(text)
        ctx = Context(
            text=text,
            doc=doc,
            limit=limit,
            name=doc.user_data.get(NAME_KEY),
            trained=self.trained,
            scores=dict(doc.cats),
            language=language,
            signals=signals,
        )
        return run_note_rules(ctx, chosen)


@Language.factory(LINT_PIPE, default_config={"trained": False})
def make_lint_step(nlp: Language, name: str, trained: bool) -> LintStep:
    return LintStep(name=name, trained=trained)
