"""The trained note classifier: its model architecture and how the lint pipeline loads it.

A spaCy `textcat_multilabel` trained on the project's corpus (`corpus/notes.jsonl`, by
`scripts/train_classifier.py` from `training/*.cfg`) scores every note for `generic`,
`sales_pitch` and `personal_specific`; the scores land in `doc.cats` (and, from a `--jobs` worker
process, come back with the note's results). Only the trained component ships
(`composer/data/lint/classifier/`: its config, labels and weights), and `add_classifier` builds it
inside whichever pipeline the linter loaded (the trained English one or `spacy.blank("en")`) so
each note is tokenized once. Nothing is downloaded.

`invite.TextCatBOW.v1` is spaCy's bag-of-n-grams classifier (`spacy.TextCatBOW.v3`) on a chosen
token attribute: spaCy's own reads `ORTH`, so "Open to a quick call" and "open to a quick call"
would be different features; on `LOWER` a lower-case or shouted note reads like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.attrs import IDS
from spacy.language import Language
from spacy.ml.models.textcat import resize_and_set_ref, resize_linear_weighted
from spacy.pipeline import TextCategorizer
from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, no stub
from spacy.tokens import Doc
from thinc.api import Logistic, Model, SparseLinear_v2, chain, with_cpu
from thinc.layers.resizable import resizable
from thinc.types import Floats2d

from composer.lint.catalog import DATA_DIR
from composer.lint.keys import CLASSIFIER_PIPE, HOOK_FEATURE_KEY, RULER_PIPE, SPANS_KEY, TEXT_KEY

#: The shipped component: `config.cfg` (its settings), `meta.json` (how it was trained) and its weights.
CLASSIFIER_DIR = DATA_DIR / "classifier"
#: The component's name inside the training pipeline (and so its folder in CLASSIFIER_DIR).
TRAINED_NAME = "textcat_multilabel"
#: Added to the hashes of an extra attribute's n-grams, so "x" the shape and "x" the word differ.
_ATTR_SALT = 0x9E3779B97F4A7C15
#: Logit bias of the labels no n-gram has been seen with (spaCy's NEG_VALUE).
_NEG_VALUE = -5000


def extract_ngrams(ngram_size: int, attr: int, extra_attrs: tuple[int, ...] = ()) -> Model[list[Doc], Any]:
    """spaCy's n-gram extraction (`spacy.ml.extract_ngrams`), with two differences.

    Each n-gram counts once however often it occurs (spaCy's counts them, so a sentence repeated
    eight times weighs eight times as much and pushes every score to 0 or 1); and a doc shorter
    than n adds no n-grams (spaCy's asks thinc for the 2-grams of an empty doc, which fails on the
    whole batch: one empty note in a `--jsonl` batch would stop it).

    `extra_attrs` add the n-grams of more token attributes (`SHAPE`: "Xxxxx Xxxxx" is a name in the
    middle of a sentence, which `LOWER` cannot see), each in its own part of the hash space.
    """
    model: Model[list[Doc], Any] = Model("extract_ngrams", _ngrams_forward)
    model.attrs["ngram_size"] = ngram_size
    model.attrs["attr"] = attr
    model.attrs["extra_attrs"] = extra_attrs
    return model


def _ngrams_forward(model: Model[list[Doc], Any], docs: list[Doc], is_train: bool) -> tuple[Any, Callable[[Any], list[Any]]]:
    xp = model.ops.xp
    batch_keys, batch_vals = [], []
    for doc in docs:
        ngrams = []
        for salt, attr in enumerate((model.attrs["attr"], *model.attrs["extra_attrs"])):
            unigrams: Any = model.ops.asarray(cast(Any, doc.to_array([attr])))
            grams = [unigrams] + [
                model.ops.ngrams(n, unigrams) for n in range(2, model.attrs["ngram_size"] + 1) if len(unigrams) >= n
            ]
            ngrams += [g + xp.uint64((salt * _ATTR_SALT) % 2**64) if salt else g for g in grams]
        if model.attrs.get("span_labels"):
            ngrams.append(xp.asarray(span_keys(doc, model.attrs["span_labels"]), dtype="uint64"))
        if model.attrs.get("hook_features"):
            ngrams.append(xp.asarray(hook_keys(doc), dtype="uint64"))
        keys = xp.unique(xp.concatenate(ngrams)) if ngrams else xp.zeros((0,), dtype="uint64")
        batch_keys.append(keys)
        batch_vals.append(xp.ones(keys.shape[0], dtype="f"))
    lengths = model.ops.asarray([keys.shape[0] for keys in batch_keys], dtype="int32")
    output = (xp.concatenate(batch_keys), model.ops.asarray(xp.concatenate(batch_vals), dtype="f"), lengths)
    return output, lambda d_output: []


def span_keys(doc: Doc, labels: frozenset[str]) -> list[int]:
    """One feature per pattern kind with one of `labels` the ruler found ("sales-pitch:we-help", "hook").

    In the lint pipeline the ruler has run before the classifier; on training docs (made from text
    alone) the same patterns are run here.
    """
    spans = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else _training_ruler()(doc).spans.get(SPANS_KEY, [])
    spans = [span for span in spans if span.label_ in labels]
    names = {f"{span.label_}:{span.id_}" for span in spans} | {span.label_ for span in spans}
    return sorted(hash_string("span:" + name) for name in names)


def hook_keys(doc: Doc) -> list[int]:
    """One feature for the strongest hook the hook finder sees ("hook:stated", "hook:named", "hook:none"):
    whether a name is the recipient's business or the sender's own is the hook finder's reading, which
    a bag of words cannot make. Entities are not read (NER runs after the classifier), in training and
    in the linter alike; the answer is kept in the doc (`HOOK_FEATURE_KEY`) for the lint step, which
    would ask the same question. Needs the ruler's spans (`span_keys` first).
    """
    from composer.lint.context import Context
    from composer.lint.hooks import strongest_hook

    text = doc.user_data.get(TEXT_KEY)  # the lint pipeline keeps it: `Doc.text` joins the tokens again
    if text is None:  # a training doc
        text = doc.text
    ctx = Context(text=text, doc=doc, limit=1_000_000, name=None, trained=False)
    strongest = doc.user_data[HOOK_FEATURE_KEY] = strongest_hook(ctx)
    return [hash_string(f"hook:{strongest or 'none'}")]


@cache
def _training_ruler() -> Any:
    from composer.lint.ruler import AnchoredSpanRuler, load_patterns  # registers the ruler's factory too

    ruler = cast(AnchoredSpanRuler, spacy.blank("en").add_pipe(RULER_PIPE))
    ruler.add_patterns(load_patterns())
    return ruler


@spacy.registry.architectures("invite.TextCatBOW.v1")
def build_bow_classifier(
    ngram_size: int,
    attr: str = "LOWER",
    length: int = 262144,
    nO: int | None = None,
    extra_attrs: list[str] | None = None,
    span_labels: list[str] | None = None,
    hook_features: bool = False,
) -> Model[list[Doc], Floats2d]:
    """Multi-label bag of n-grams over token attributes (hashed into `length` rows), with a logistic output."""
    length = 2 ** (length - 1).bit_length()
    extra = tuple(IDS[name.upper()] for name in extra_attrs or ())
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    resizable_layer: Model[Floats2d, Floats2d] = resizable(
        sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults={"b": _NEG_VALUE, "W": 0})
    )
    features = extract_ngrams(ngram_size, IDS[attr.upper()], extra)
    features.attrs["span_labels"] = frozenset(span_labels or ())
    features.attrs["hook_features"] = hook_features
    model: Model[list[Doc], Floats2d] = chain(
        with_cpu(chain(features, resizable_layer), sparse_linear.ops),
        with_cpu(Logistic(), sparse_linear.ops),
    )
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = True
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


def component_config(folder: Path = CLASSIFIER_DIR) -> dict[str, Any]:
    """The trained component's settings (factory and model) from the shipped `config.cfg`."""
    config = spacy.util.load_config(folder / "config.cfg", interpolate=True)
    return dict(config["components"][TRAINED_NAME])


def add_classifier(nlp: Language, folder: Path = CLASSIFIER_DIR, before: str | None = None) -> TextCategorizer:
    """Build the trained classifier in `nlp` (as CLASSIFIER_PIPE) and load its weights from `folder`."""
    settings = component_config(folder)
    factory = settings.pop("factory")
    pipe = cast(TextCategorizer, nlp.add_pipe(factory, name=CLASSIFIER_PIPE, config=settings, before=before))
    pipe.from_disk(folder / TRAINED_NAME, exclude=["vocab"])
    return pipe
