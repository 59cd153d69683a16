"""When two notes are "near-identical": the recipient's own details set aside, most word pairs shared.

Identical notes across sends are what LinkedIn and recipients read as a bot, but a mail-merged note
is never byte-identical: each one says "Hi Ana" or "Hi Ben". So a note is compared by its
*skeleton*: lower-cased words with the recipient's own fields (their name, company, title) replaced
by one marker. Two skeletons are near-identical when the Jaccard similarity of their word-pair sets
(bigrams) reaches a threshold (0.8 by default, in config): changing one hook word in a 20-word note
keeps about 0.8, naming a different event and topic drops it near 0.5.

Two ways to find near-identical pairs, one answer: `Index` finds a note's matches in a list (a
draft or a merge against the recent history), and `clusters` groups a whole batch with
MinHash LSH from `datasketch` (imported on first use, ~0.4 s), verifying every candidate pair with
the exact similarity, so 10,000 notes take seconds, not the hours of an all-pairs loop.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: Answer names that hold the recipient's own details; their values are set aside in a skeleton.
RECIPIENT_FIELDS = ("first_name", "last_name", "name", "full_name", "company", "position", "title", "job_title", "headline")
#: Of those, the ones whose single words stand alone too ("Hi Ana" for full_name "Ana Lima").
NAME_FIELDS = frozenset({"first_name", "last_name", "name", "full_name"})
#: What a set-aside value becomes in the skeleton (a word token no note contains).
MARKER = "_r_"
_WORD = re.compile(r"\w+")
#: MinHash permutations: 64 keeps the estimate within about 0.05 of the truth, and candidates are verified exactly.
NUM_PERM = 64
#: How far below the threshold the LSH casts its net, and how much more a missed pair weighs than a
#: spurious candidate when it chooses its bands: candidates are verified exactly, misses are lost.
LSH_SLACK = 0.15
LSH_WEIGHTS = (0.2, 0.8)

Shingles = frozenset[str]


def fold(text: str) -> str:
    """Unicode-normalised, case-folded text with single spaces: how names and words are compared."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def recipient_values(answers: Mapping[str, str | None]) -> list[str]:
    """The recipient's own details among a note's answers, longest first (so "Ana Lima" goes before "Ana")."""
    values: set[str] = set()
    for name in RECIPIENT_FIELDS:
        value = fold(answers.get(name) or "")
        if len(value) < 2:
            continue
        values.add(value)
        if name in NAME_FIELDS:
            values.update(word for word in value.split() if len(word) >= 2)
    return sorted(values, key=len, reverse=True)


def skeleton(text: str, recipient: Iterable[str] = ()) -> str:
    """The note's words, lower-cased, with each of the recipient's values replaced by one marker."""
    folded = fold(text)
    for value in recipient:
        folded = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", f" {MARKER} ", folded)
    words = _WORD.findall(folded)
    # "Ana Lima" and "Ana" are one recipient either way: a run of markers counts once.
    return " ".join(w for i, w in enumerate(words) if not (w == MARKER and i and words[i - 1] == MARKER))


def shingles(skel: str) -> Shingles:
    """The skeleton's word pairs (its single word, for a one-word note)."""
    words = skel.split()
    if len(words) < 2:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))


def jaccard(a: Shingles, b: Shingles) -> float:
    """|a ∩ b| / |a ∪ b|; two empty notes are identical."""
    if not a and not b:
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def clusters(notes: Sequence[Shingles], threshold: float) -> list[list[int]]:
    """Groups (of two or more indices, in input order) of notes near-identical to one another.

    Identical skeletons are grouped first (a mail merge makes many), so MinHash and the LSH only
    see distinct ones. Each distinct note not yet in a group asks the LSH for candidates, and a
    candidate joins when its exact similarity reaches the threshold; groups that share a note merge.
    """
    distinct: dict[Shingles, list[int]] = {}
    for index, note in enumerate(notes):
        distinct.setdefault(note, []).append(index)
    keys = list(distinct)
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(keys) > 1:
        for a, b in _similar_pairs(keys, threshold):
            parent[root(a)] = root(b)
    grouped: dict[int, list[int]] = {}
    for k, key in enumerate(keys):
        grouped.setdefault(root(k), []).extend(distinct[key])
    result = [sorted(members) for members in grouped.values() if len(members) > 1]
    return sorted(result, key=lambda members: members[0])


def _similar_pairs(keys: list[Shingles], threshold: float) -> Iterable[tuple[int, int]]:
    """Pairs of distinct notes at or above the threshold, found through MinHash LSH candidates."""
    lsh, hashes = _lsh(keys, threshold)
    grouped = [False] * len(keys)
    for k, minhash in enumerate(hashes):
        if grouped[k]:
            continue  # already joined by an earlier note's query; its own neighbours reach it from theirs
        candidates: Any = lsh.query(minhash)
        for other in candidates:
            if other != k and jaccard(keys[k], keys[other]) >= threshold:
                grouped[k] = grouped[other] = True
                yield k, other


class Index:
    """Near-identical lookups in a fixed list of notes: a scan for a few queries, MinHash LSH for many.

    A draft asks once, so scanning the recent history is cheapest (and needs no extra import); a
    merge asks once per row, so past `LSH_WORK` comparisons the list goes into an LSH first. Either
    way every match is verified with the exact similarity, so both give the same answer.
    """

    def __init__(self, items: Sequence[Shingles], threshold: float, *, queries: int = 1) -> None:
        self.items = list(items)
        self.threshold = threshold
        self._lsh: Any = None
        if queries * len(self.items) > LSH_WORK:
            self._lsh, _ = _lsh(self.items, threshold)

    def matches(self, note: Shingles) -> list[tuple[int, float]]:
        """Indices of the items at or above the threshold, with their similarity, most similar first."""
        if self._lsh is None:
            candidates: Iterable[int] = range(len(self.items))
        else:
            from datasketch import MinHash

            minhash = MinHash(num_perm=NUM_PERM)
            minhash.update_batch(_tokens(note))
            candidates = self._lsh.query(minhash)
        found = [(k, jaccard(note, self.items[k])) for k in candidates if _may_reach(note, self.items[k], self.threshold)]
        return sorted(((k, score) for k, score in found if score >= self.threshold), key=lambda m: (-m[1], m[0]))


#: Comparisons (queries x items) past which `Index` builds an LSH instead of scanning.
LSH_WORK = 200_000


def _lsh(items: Sequence[Shingles], threshold: float) -> tuple[Any, list[Any]]:
    """A MinHash LSH holding every item under its index (datasketch, imported here), and their MinHashes.

    It casts its net `LSH_SLACK` below the threshold and weighs misses over spurious candidates:
    every candidate is verified with the exact similarity afterwards.
    """
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=max(0.3, threshold - LSH_SLACK), num_perm=NUM_PERM, weights=LSH_WEIGHTS)
    hashes = MinHash.bulk([_tokens(item) for item in items], num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for k, minhash in enumerate(hashes):
            session.insert(k, minhash, check_duplication=False)
    return lsh, hashes


def _tokens(note: Shingles) -> list[bytes]:
    return [s.encode("utf-8") for s in note] or [b""]


def _may_reach(a: Shingles, b: Shingles, threshold: float) -> bool:
    """Jaccard is at most the smaller size over the larger, so most pairs are ruled out without a set operation."""
    small, large = sorted((len(a), len(b)))
    return large == 0 or small / large >= threshold
