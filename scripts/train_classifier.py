#!/usr/bin/env python3
"""Train the note classifier and ship it: one command, fixed seed, a few minutes on 2 cores.

    python scripts/train_classifier.py                      # corpus/notes.jsonl -> composer/data/lint/classifier/
    python scripts/train_classifier.py --config training/classifier.cfg --output /tmp/ensemble

1. builds `.spacy` DocBins from the corpus's `train` and `dev` splits (English notes only: the
   linter never asks the classifier about a note in another language), with `doc.cats` for
   `generic`, `sales_pitch` and `personal_specific` (`placeholder` stays with the exact rules);
2. runs `spacy train` on the config (the seed is in it: `[system] seed`), keeping the best model
   on the dev split;
3. copies only the trained component (its config, labels and weights, no vocab or tokenizer) into
   `--output`, where the linter loads it from (`composer/lint/classifier.py`).

The test split is never read here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import spacy  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

from composer.lint.classifier import CLASSIFIER_DIR, TRAINED_NAME  # noqa: E402  (registers invite.TextCatBOW.v1)

LABELS = ("generic", "sales_pitch", "personal_specific")
DEFAULT_CONFIG = REPO / "training" / "classifier-bow.cfg"
CORPUS = REPO / "corpus" / "notes.jsonl"
WORKDIR = REPO / "training" / "output"
MAX_BYTES = 10 * 1024 * 1024
#: The languages whose notes the classifier judges (composer/data/lint/languages.yaml: `judged`).
JUDGED = frozenset({"en", "es", "pt", "de", "fr", "nl", "it"})


def read_corpus(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_docbin(notes: list[dict], path: Path) -> int:
    """Write the notes as a DocBin with their three classifier labels; returns how many."""
    nlp = spacy.blank("en")
    docbin = DocBin()
    for note in notes:
        doc = nlp.make_doc(note["text"])
        doc.cats = {label: float(note["labels"][label]) for label in LABELS}
        docbin.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return len(notes)


def build_data(corpus: Path, workdir: Path, languages: frozenset[str] = JUDGED) -> dict[str, Path]:
    """train.spacy and dev.spacy from the corpus's train and dev notes in the judged languages."""
    notes = [n for n in read_corpus(corpus) if n["lang"] in languages]
    paths = {}
    for split in ("train", "dev"):
        paths[split] = workdir / f"{split}.spacy"
        count = build_docbin([n for n in notes if n["split"] == split], paths[split])
        print(f"{split}: {count} notes -> {paths[split]}", file=sys.stderr)
    return paths


def ship(model: Path, output: Path) -> None:
    """Copy only the trained component from a spaCy model folder, with a path-free config."""
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    shutil.copytree(model / TRAINED_NAME, output / TRAINED_NAME)
    config = spacy.util.load_config(model / "config.cfg", interpolate=False)
    config["paths"]["train"] = config["paths"]["dev"] = None
    config.to_disk(output / "config.cfg")
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    keep = {k: meta[k] for k in ("spacy_version", "performance", "labels") if k in meta}
    (output / "meta.json").write_text(json.dumps(keep, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    if size > MAX_BYTES:
        raise SystemExit(f"the shipped classifier is {size / 1e6:.1f} MB, over the 10 MB budget")
    print(f"shipped {output} ({size / 1e6:.2f} MB)", file=sys.stderr)


def train(
    config: Path, corpus: Path, workdir: Path, output: Path, overrides: dict[str, object], languages: frozenset[str] = JUDGED
) -> Path:
    from spacy.cli.train import train as spacy_train

    paths = build_data(corpus, workdir, languages)
    settings = {"paths.train": str(paths["train"]), "paths.dev": str(paths["dev"]), **overrides}
    spacy_train(config, workdir / "model", overrides=settings, use_gpu=-1)
    ship(workdir / "model" / "model-best", output)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--workdir", type=Path, default=WORKDIR, help="DocBins and spaCy's training output")
    parser.add_argument("--output", type=Path, default=CLASSIFIER_DIR, help="where the trained component goes")
    parser.add_argument("--max-epochs", type=int, default=None, help="override [training] max_epochs (tests)")
    parser.add_argument("--languages", default=",".join(sorted(JUDGED)), help="train on notes in these languages")
    args = parser.parse_args(argv)
    overrides: dict[str, object] = {}
    if args.max_epochs is not None:
        overrides["training.max_epochs"] = args.max_epochs
    train(args.config, args.corpus, args.workdir, args.output, overrides, frozenset(args.languages.split(",")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
