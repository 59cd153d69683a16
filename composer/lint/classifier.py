"""The trained note classifier: its model architecture and how the lint pipeline loads it.

A spaCy `textcat_multilabel` trained on the project's corpus (`corpus/notes.jsonl`, by
`scripts/train_classifier.py` from `training/*.cfg`) scores every note for `generic`,
`sales_pitch` and `personal_specific`; the scores land in `doc.cats`, which `Doc.to_bytes` carries
to and from `--jobs` worker processes. Only the trained component ships
(`composer/data/lint/classifier/`: its config, labels and weights), and `add_classifier` builds it
inside whichever pipeline the linter loaded (the trained English one or `spacy.blank("en")`) so
each note is tokenized once. Nothing is downloaded.

`invite.TextCatBOW.v1` is spaCy's bag-of-n-grams classifier (`spacy.TextCatBOW.v3`) on a chosen
token attribute: spaCy's own reads `ORTH`, so "Open to a quick call" and "open to a quick call"
would be different features; on `LOWER` a lower-case or shouted note reads like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.attrs import IDS
from spacy.language import Language
from spacy.ml.models.textcat import resize_and_set_ref, resize_linear_weighted
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc
from thinc.api import Logistic, Model, SparseLinear_v2, chain, with_cpu
from thinc.layers.resizable import resizable
from thinc.types import Floats2d

from composer.lint.catalog import DATA_DIR
from composer.lint.keys import CLASSIFIER_PIPE

#: The shipped component: `config.cfg` (its settings), `meta.json` (how it was trained) and its weights.
CLASSIFIER_DIR = DATA_DIR / "classifier"
#: The component's name inside the training pipeline (and so its folder in CLASSIFIER_DIR).
TRAINED_NAME = "textcat_multilabel"
#: Logit bias of the labels no n-gram has been seen with (spaCy's NEG_VALUE).
_NEG_VALUE = -5000


def extract_ngrams(ngram_size: int, attr: int) -> Model[list[Doc], Any]:
    """spaCy's n-gram extraction (`spacy.ml.extract_ngrams`), with two differences.

    Each n-gram counts once however often it occurs (spaCy's counts them, so a sentence repeated
    eight times weighs eight times as much and pushes every score to 0 or 1); and a doc shorter
    than n adds no n-grams (spaCy's asks thinc for the 2-grams of an empty doc, which fails on the
    whole batch: one empty note in a `--jsonl` batch would stop it).
    """
    model: Model[list[Doc], Any] = Model("extract_ngrams", _ngrams_forward)
    model.attrs["ngram_size"] = ngram_size
    model.attrs["attr"] = attr
    return model


def _ngrams_forward(model: Model[list[Doc], Any], docs: list[Doc], is_train: bool) -> tuple[Any, Callable[[Any], list[Any]]]:
    xp = model.ops.xp
    batch_keys, batch_vals = [], []
    for doc in docs:
        unigrams: Any = model.ops.asarray(cast(Any, doc.to_array([model.attrs["attr"]])))
        ngrams = [unigrams] + [
            model.ops.ngrams(n, unigrams) for n in range(2, model.attrs["ngram_size"] + 1) if len(unigrams) >= n
        ]
        keys = xp.unique(xp.concatenate(ngrams))
        batch_keys.append(keys)
        batch_vals.append(xp.ones(keys.shape[0], dtype="f"))
    lengths = model.ops.asarray([keys.shape[0] for keys in batch_keys], dtype="int32")
    output = (xp.concatenate(batch_keys), model.ops.asarray(xp.concatenate(batch_vals), dtype="f"), lengths)
    return output, lambda d_output: []


@spacy.registry.architectures("invite.TextCatBOW.v1")
def build_bow_classifier(
    ngram_size: int, attr: str = "LOWER", length: int = 262144, nO: int | None = None
) -> Model[list[Doc], Floats2d]:
    """Multi-label bag of n-grams over one token attribute (hashed into `length` rows), with a logistic output."""
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    resizable_layer: Model[Floats2d, Floats2d] = resizable(
        sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults={"b": _NEG_VALUE, "W": 0})
    )
    model: Model[list[Doc], Floats2d] = chain(
        with_cpu(chain(extract_ngrams(ngram_size, attr=IDS[attr.upper()]), resizable_layer), sparse_linear.ops),
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
