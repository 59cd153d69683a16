"""`batch-duplicate`'s pairs for a merge: candidates narrowed by band keys in SQL before any is compared.

A merge gathers its distinct skeletons as the rows stream by (`composer.similarity.Signatures`) and
groups them once at the end; `similar_pairs` is how it finds the pairs: each distinct note's band
keys go into a `BatchBands` (a private temporary database), then each note not yet in a group asks
SQL for the notes sharing a key with it (and of a size that can reach the threshold), and a
candidate is a pair when its exact similarity reaches the threshold. The same answer as the
in-memory LSH (`composer.similarity.lsh_pairs`), which stays the way for thresholds under
`BANDED_FROM`, where band keys would miss too many pairs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from composer.history.store import BatchBands
from composer.similarity import BANDED_FROM, Shingles, jaccard, lsh_pairs


def similar_pairs(keys: Sequence[Shingles], threshold: float) -> Iterator[tuple[int, int]]:
    """Pairs (indices into `keys`) of distinct notes at or above the threshold."""
    if threshold < BANDED_FROM:
        yield from lsh_pairs(keys, threshold)
        return
    with BatchBands() as batch:
        batch.add(keys)
        grouped = [False] * len(keys)
        for k, note in enumerate(keys):
            if grouped[k]:
                continue  # already joined by an earlier note's candidates; its own neighbours reach it from theirs
            for other in batch.candidates(k, threshold):
                if jaccard(note, keys[other]) >= threshold:
                    grouped[k] = grouped[other] = True
                    yield k, other
