#!/usr/bin/env python3
"""Assemble the project's note corpus, `corpus/notes.jsonl`, from labeled JSONL sources.

Every note gets `id`, `text`, `labels` (generic, sales_pitch, placeholder, personal_specific), `lang`,
`writer` and `split`; a note of a minimal pair (docs/labeling.md) keeps `voice`, `kind` and `pair`
too. A source without `lang` gets the linter's own language detector's answer, and one without
`writer` gets "unknown". Near-duplicates (scripts/near_duplicates.py) are dropped: of
each pair the later note goes, and a note close to one of the evaluation sets in tests/data/ goes
whatever its order (those sets are never trained on).

The split is stratified by label combination and by language (English or not): in each stratum,
shuffled with a fixed seed, 20 % (rounded up) is `test`, 15 % `dev` and the rest `train`. Notes
already in the output keep their split, so adding notes later never moves a test note into training.
The two notes of a minimal pair differ by a few words on purpose: they are never dropped as
near-duplicates of each other, and they always share a split (a test note's twin in training would
measure nothing), chosen by the stratum of the pair's first note.

    python scripts/build_corpus.py SOURCE.jsonl [SOURCE.jsonl ...]       # writes corpus/notes.jsonl
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from near_duplicates import find_pairs  # noqa: E402

from composer.lint.language import detect_language  # noqa: E402

LABELS = ("generic", "sales_pitch", "placeholder", "personal_specific")
#: Fields only the notes of a minimal pair have, kept in this order after the others.
PAIR_FIELDS = ("voice", "kind", "pair")
CORPUS = REPO / "corpus" / "notes.jsonl"
EVAL_SETS = sorted((REPO / "tests" / "data").glob("*.jsonl"))
SEED = 11
TEST_SHARE, DEV_SHARE = 0.20, 0.15


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def normalise(record: dict) -> dict:
    """One corpus record in the corpus's field order; missing lang and writer filled in."""
    labels = {name: bool(record["labels"][name]) for name in LABELS}
    if labels["generic"] and labels["personal_specific"]:
        raise SystemExit(f"{record['id']}: generic and personal_specific cannot both be true (docs/labeling.md)")
    note = {
        "id": record["id"],
        "text": record["text"],
        "labels": labels,
        "lang": record.get("lang") or detect_language(record["text"]),
        "writer": record.get("writer") or "unknown",
        "split": record.get("split"),
    }
    if record.get("pair"):
        note.update({name: record[name] for name in PAIR_FIELDS})
    return note


def drop_near_duplicates(notes: list[dict]) -> list[dict]:
    """The notes without the later note of each near-duplicate pair, nor any close to an evaluation set."""
    evaluation = [(f"eval:{path.name}:{r['id']}", r["text"]) for path in EVAL_SETS for r in read_jsonl(path)]
    pairs = find_pairs([*evaluation, *((n["id"], n["text"]) for n in notes)])
    twin = {n["id"]: n["pair"] for n in notes if n.get("pair")}
    dropped = set()
    for pair in pairs:
        if pair.second.startswith("eval:"):
            continue  # both in the evaluation sets: not ours to change
        if pair.first in twin and twin[pair.first] == twin.get(pair.second):
            continue  # the two notes of a minimal pair: alike on purpose
        if pair.first.startswith("eval:") or pair.first not in dropped:
            dropped.add(pair.second)
            print(f"dropped {pair.second}: near-duplicate of {pair.first}", file=sys.stderr)
    return [n for n in notes if n["id"] not in dropped]


def stratum(note: dict) -> tuple:
    return (tuple(note["labels"][name] for name in LABELS), note["lang"] == "en")


def units(notes: list[dict]) -> list[list[dict]]:
    """The notes as units that share a split: a minimal pair together, any other note alone."""
    by_pair: dict[str, list[dict]] = defaultdict(list)
    result = []
    for note in notes:
        if note.get("pair"):
            by_pair[note["pair"]].append(note)
        else:
            result.append([note])
    return result + list(by_pair.values())


def assign_splits(notes: list[dict]) -> None:
    """Give every unit without a split one, stratified by its first note; units with a split keep it."""
    groups: dict[tuple, list[list[dict]]] = defaultdict(list)
    for unit in units(notes):
        groups[stratum(unit[0])].append(unit)
    rng = random.Random(SEED)
    for key in sorted(groups, key=repr):
        members = groups[key]
        counts = Counter(unit[0]["split"] for unit in members if unit[0]["split"])
        new = [unit for unit in members if not unit[0]["split"]]
        rng.shuffle(new)
        want_test = math.ceil(TEST_SHARE * len(members)) - counts["test"]
        want_dev = round(DEV_SHARE * len(members)) - counts["dev"]
        for index, unit in enumerate(new):
            split = "test" if index < want_test else "dev" if index < want_test + want_dev else "train"
            for note in unit:
                note["split"] = split


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", type=Path, nargs="+", help="labeled JSONL files, in order")
    parser.add_argument("--output", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    existing = {r["id"]: r for r in read_jsonl(args.output)} if args.output.exists() else {}
    notes = []
    seen = set()
    for source in args.sources:
        for record in read_jsonl(source):
            if record["id"] in seen:
                raise SystemExit(f"{source}: duplicate id {record['id']}")
            seen.add(record["id"])
            note = normalise({**record, "split": existing.get(record["id"], {}).get("split")})
            notes.append(note)
    notes = drop_near_duplicates(notes)
    assign_splits(notes)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("".join(json.dumps(n, ensure_ascii=False) + "\n" for n in notes), encoding="utf-8")
    splits = Counter(n["split"] for n in notes)
    languages = Counter(n["lang"] == "en" for n in notes)
    print(f"{len(notes)} notes: {dict(splits)}; English {languages[True]}, other {languages[False]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
