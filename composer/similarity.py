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
`Signatures` gathers a merge's skeletons as they stream by, in little memory (each distinct
skeleton once, then a number per note), and groups them as `clusters` would (`Groups`), or with
the candidate pairs a caller finds another way (`pairs`: a merge narrows them in SQL).

A note's *band keys* (`band_keys`, `band_keys_many`) are what a database can index instead: a MinHash
signature of its shingles (`SIGNATURE_ROWS` x `SIGNATURE_BANDS` hash functions, numpy, in bulk) cut
into bands, each band hashed to one 64-bit key. Two notes at the threshold share a key with
probability 1 - (1 - s^4)^16: 0.9998 at 0.8, so `composer.history.store` stores the keys once per
skeleton (`skeleton_key`) and a lookup reads the few notes that share one, never the whole history.
Under `BANDED_FROM` the net misses too much (0.89 at 0.6), and callers scan instead.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
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
    roots = _roots(list(distinct), threshold)
    grouped: dict[int, list[int]] = {}
    for k, members in enumerate(distinct.values()):
        grouped.setdefault(roots[k], []).extend(members)
    result = [sorted(members) for members in grouped.values() if len(members) > 1]
    return sorted(result, key=lambda members: members[0])


#: Finds the pairs (indices) of distinct notes at or above a threshold: `lsh_pairs`, or a caller's (`Signatures.groups`).
PairFinder = Callable[[Sequence[Shingles], float], Iterable[tuple[int, int]]]


def _roots(keys: list[Shingles], threshold: float, pairs: PairFinder | None = None) -> list[int]:
    """For each distinct note, the first of the notes it is (transitively) near-identical to: its group's id."""
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(keys) > 1:
        for a, b in (pairs or lsh_pairs)(keys, threshold):
            parent[root(a)] = root(b)
    return [root(k) for k in range(len(keys))]


class Signatures:
    """A batch's skeletons as they stream by, kept small: each distinct skeleton once, then its number per note.

    A merge of 50,000 rows made from a few templates has a few hundred distinct skeletons, so this
    holds those and four bytes a note, where a list of shingle sets would hold a kilobyte a note.
    `groups` then finds the same groups as `clusters` of every note's shingles.
    """

    def __init__(self) -> None:
        self._distinct: dict[str, int] = {}
        self._notes = array("I")

    def __len__(self) -> int:
        return len(self._notes)

    def add(self, skel: str) -> None:
        """The next note's skeleton."""
        self._notes.append(self._distinct.setdefault(skel, len(self._distinct)))

    def groups(self, threshold: float, listed: int = 0, pairs: PairFinder | None = None) -> Groups:
        """The near-identical groups, numbered by their first note; each keeps its first `listed` notes. The pairs of
        distinct skeletons come from `pairs` when given (else `lsh_pairs`)."""
        by_shingles: dict[Shingles, int] = {}
        key_of = [by_shingles.setdefault(shingles(skel), len(by_shingles)) for skel in self._distinct]
        roots = _roots(list(by_shingles), threshold, pairs)
        of_distinct = [roots[key] for key in key_of]  # distinct skeleton -> its group's id (a root)
        sizes: dict[int, int] = {}
        for distinct in self._notes:
            sizes[of_distinct[distinct]] = sizes.get(of_distinct[distinct], 0) + 1
        numbers: dict[int, int] = {}
        found = Groups(len(self._notes), [], [], [0] * len(of_distinct), self._notes)
        for index, distinct in enumerate(self._notes):
            group = of_distinct[distinct]
            if sizes[group] < 2:
                continue
            if group not in numbers:
                numbers[group] = len(numbers) + 1
                found.sizes.append(sizes[group])
                found.listed.append([])
            if len(found.listed[numbers[group] - 1]) < listed:
                found.listed[numbers[group] - 1].append(index)
        for distinct, group in enumerate(of_distinct):
            found.number_of[distinct] = numbers.get(group, 0)
        return found


@dataclass
class Groups:
    """A batch's near-identical groups: numbered 1, 2, ... by their first note (a note index), with their sizes."""

    #: notes in the batch
    notes: int
    #: group number - 1 -> how many notes it has
    sizes: list[int]
    #: group number - 1 -> its first few notes (`Signatures.groups(listed=...)`)
    listed: list[list[int]]
    #: distinct skeleton -> its group's number (0: in none)
    number_of: list[int]
    #: note -> its distinct skeleton
    distinct: Sequence[int]

    def of(self, note: int) -> int | None:
        """The number of the group a note is in, or None."""
        return self.number_of[self.distinct[note]] or None

    def members(self) -> list[list[int]]:
        """Every group's notes, in order (a list of every note: for a batch small enough to list)."""
        found: list[list[int]] = [[] for _ in self.sizes]
        for note in range(self.notes):
            number = self.of(note)
            if number is not None:
                found[number - 1].append(note)
        return found


def lsh_pairs(keys: Sequence[Shingles], threshold: float) -> Iterable[tuple[int, int]]:
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


#: Bands of a signature and hash functions (rows) per band: 64 functions, keys shared at 0.8 with p = 0.9998.
SIGNATURE_BANDS = 16
SIGNATURE_ROWS = 4
#: Thresholds from which band keys find (nearly) every pair; below it a lookup must scan instead.
BANDED_FROM = 0.7
#: Notes signed per numpy call in `band_keys_many`: bounded memory whatever the batch.
SIGN_CHUNK = 1000
_MERSENNE = (1 << 61) - 1
_MASK32 = (1 << 32) - 1


def skeleton_key(skel: str) -> int:
    """A skeleton's 64-bit key (signed, as SQLite stores integers): notes with the same skeleton share their bands."""
    return int.from_bytes(hashlib.blake2b(skel.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def band_keys(note: Shingles) -> list[int]:
    """A note's `SIGNATURE_BANDS` band keys (signed 64-bit integers)."""
    return band_keys_many([note])[0]


def band_keys_many(notes: Sequence[Shingles]) -> list[list[int]]:
    """Band keys of many notes, signed in chunks of `SIGN_CHUNK` with numpy (a note a few microseconds)."""
    keys: list[list[int]] = []
    for start in range(0, len(notes), SIGN_CHUNK):
        keys += _band_chunk(notes[start : start + SIGN_CHUNK])
    return keys


def _shingle_hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=4).digest(), "little")


@cache
def _permutations() -> tuple[Any, Any]:
    """The hash functions' (a, b) of `(a * h + b) mod 2^61-1`, from a fixed derivation (never numpy's RNG)."""
    import numpy as np

    count = SIGNATURE_BANDS * SIGNATURE_ROWS
    derived = [
        int.from_bytes(hashlib.blake2b(f"invite-minhash-{k}".encode(), digest_size=16).digest(), "little") for k in range(count)
    ]
    a = np.array([1 + d % (_MERSENNE - 1) for d in derived], dtype=np.uint64)
    b = np.array([(d >> 64) % _MERSENNE for d in derived], dtype=np.uint64)
    return a, b


def _band_chunk(notes: Sequence[Shingles]) -> list[list[int]]:
    """MinHash each note (min over its shingles of each hash function), then hash each band of rows to one key."""
    import numpy as np

    a, b = _permutations()
    known: dict[str, int] = {}
    hashes: list[int] = []
    starts: list[int] = []
    for note in notes:
        starts.append(len(hashes))
        for shingle in note or ("",):
            value = known.get(shingle)
            if value is None:
                value = known[shingle] = _shingle_hash(shingle)
            hashes.append(value)
    values = np.array(hashes, dtype=np.uint64)[:, None]
    permuted = np.bitwise_and((values * a + b) % np.uint64(_MERSENNE), np.uint64(_MASK32))
    signatures = np.minimum.reduceat(permuted, np.array(starts, dtype=np.int64), axis=0)
    bands = signatures.reshape(len(notes), SIGNATURE_BANDS, SIGNATURE_ROWS)
    mixed = np.zeros((len(notes), SIGNATURE_BANDS), dtype=np.uint64)
    for row in range(SIGNATURE_ROWS):
        mixed = _mix(mixed ^ bands[:, :, row] ^ np.uint64(row + 1))
    mixed = _mix(mixed ^ np.arange(1, SIGNATURE_BANDS + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    return mixed.view(np.int64).tolist()  # type: ignore[no-any-return]


def _mix(x: Any) -> Any:
    """splitmix64's finaliser: every input bit moves every output bit (wrapping uint64 arithmetic)."""
    import numpy as np

    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))
