#!/usr/bin/env python3
"""Find near-duplicate notes in labeled JSONL files, in any script.

A classifier trained on near-copies of its test notes measures nothing, so the corpus must not
hold two notes that differ only by a name, a number or punctuation. Notes are compared on their
Unicode letters and digits after NFKC normalisation and case folding (so Arabic, Devanagari, Cyrillic
or Han notes compare as themselves, not as empty strings), by two Jaccard similarities:

* word 3-grams (the family the corpus writers' validator used): similar wording; in scripts written
  without spaces (Chinese, Japanese, Thai) each character is a word;
* character 5-grams of the letters-and-digits text: the same note with small edits.

Pairs are found with MinHash LSH on the character shingles (an inverted index would compare every
note that says "would love to connect" with every other), then verified exactly.

The two notes of a minimal pair (the same `pair` field; docs/labeling.md) differ by a few words on
purpose and are not reported.

    python scripts/near_duplicates.py corpus/notes.jsonl tests/data/*.jsonl   # exit 1 when any pair
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WORD_THRESHOLD = 0.5
CHAR_THRESHOLD = 0.65
CHAR_N = 5
WORD_N = 3
BANDS, ROWS = 32, 4  # 128 hash functions; a pair at char-Jaccard 0.65 becomes a candidate with p > 0.99
PRIME = (1 << 31) - 1
WORD = re.compile(r"[^\W_]+")


#: Scripts written without spaces between words: each character counts as a word.
UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR")


def _unspaced(char: str) -> bool:
    return unicodedata.name(char, "").startswith(UNSPACED)


def normalise(text: str) -> list[str]:
    """The note's words: NFKC, case-folded, letters and digits of every script, nothing else.

    Chinese, Japanese or Thai runs are split into characters, so one changed word changes a few
    shingles, not the whole clause.
    """
    words = []
    for word in WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
        if any(_unspaced(c) for c in word):
            words.extend(word)
        else:
            words.append(word)
    return words


def word_shingles(words: Sequence[str]) -> frozenset[str]:
    if len(words) < WORD_N:
        return frozenset([" ".join(words)])
    return frozenset(" ".join(words[i : i + WORD_N]) for i in range(len(words) - WORD_N + 1))


def char_shingles(words: Sequence[str]) -> frozenset[str]:
    joined = " ".join(words)
    if len(joined) <= CHAR_N:
        return frozenset([joined])
    return frozenset(joined[i : i + CHAR_N] for i in range(len(joined) - CHAR_N + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


@dataclass(frozen=True)
class Pair:
    """Two near-duplicate notes, by their labels (`file:id`), and why."""

    first: str
    second: str
    word_jaccard: float
    char_jaccard: float


def _signatures(shingle_sets: list[frozenset[str]], seed: int = 1) -> np.ndarray:
    """MinHash signatures, one row of BANDS * ROWS values per note."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, PRIME, size=BANDS * ROWS, dtype=np.uint64)
    b = rng.integers(0, PRIME, size=BANDS * ROWS, dtype=np.uint64)
    rows = np.empty((len(shingle_sets), BANDS * ROWS), dtype=np.uint64)
    for i, shingles in enumerate(shingle_sets):
        x = np.fromiter((zlib.crc32(s.encode("utf-8")) % PRIME for s in shingles), dtype=np.uint64, count=len(shingles))
        rows[i] = ((np.outer(x, a) + b) % PRIME).min(axis=0)
    return rows


def _candidates(signatures: np.ndarray) -> set[tuple[int, int]]:
    """Note pairs that share at least one LSH band."""
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = {}
        for i, row in enumerate(signatures[:, band * ROWS : (band + 1) * ROWS]):
            buckets.setdefault(row.tobytes(), []).append(i)
        for members in buckets.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    return pairs


def find_pairs(notes: Sequence[tuple[str, str]]) -> list[Pair]:
    """Every near-duplicate pair among `(label, text)` notes, in input order."""
    words = [normalise(text) for _, text in notes]
    by_words = [word_shingles(w) for w in words]
    by_chars = [char_shingles(w) for w in words]
    found = []
    for i, j in sorted(_candidates(_signatures(by_chars)) | _identical(words)):
        word_j, char_j = jaccard(by_words[i], by_words[j]), jaccard(by_chars[i], by_chars[j])
        if word_j >= WORD_THRESHOLD or char_j >= CHAR_THRESHOLD:
            found.append(Pair(notes[i][0], notes[j][0], round(word_j, 3), round(char_j, 3)))
    return found


def _identical(words: list[list[str]]) -> set[tuple[int, int]]:
    """Pairs whose normalised words are the same (LSH finds them too; this makes it certain)."""
    seen: dict[tuple[str, ...], int] = {}
    pairs = set()
    for i, w in enumerate(words):
        key = tuple(w)
        if key in seen:
            pairs.add((seen[key], i))
        else:
            seen[key] = i
    return pairs


def load_records(paths: Iterable[Path]) -> list[tuple[str, dict]]:
    """Every record of the files, keyed `file:id`."""
    records = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                records.append((f"{path.name}:{record['id']}", record))
    return records


def load_notes(paths: Iterable[Path]) -> list[tuple[str, str]]:
    return [(key, record["text"]) for key, record in load_records(paths)]


def twins(pair: Pair, records: dict[str, dict]) -> bool:
    """The two notes of one minimal pair (docs/labeling.md): alike on purpose, not a duplicate."""
    first, second = records[pair.first].get("pair"), records[pair.second].get("pair")
    return first is not None and first == second


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", type=Path, nargs="+", help="labeled JSONL files, compared together")
    args = parser.parse_args(argv)
    records = dict(load_records(args.paths))
    notes = [(key, record["text"]) for key, record in records.items()]
    pairs = [pair for pair in find_pairs(notes) if not twins(pair, records)]
    for pair in pairs:
        print(f"{pair.first}  {pair.second}  words {pair.word_jaccard:.2f}  chars {pair.char_jaccard:.2f}")
    print(f"{len(notes)} notes, {len(pairs)} near-duplicate pairs", file=sys.stderr)
    return 1 if pairs else 0


if __name__ == "__main__":
    raise SystemExit(main())
