"""The batch rules: `batch-duplicate`, near-identical notes within one merge; `name-cleaned`, what the
merge cleaned in a row's name cells before using them.

A `Batch` is every note of one run, each with its skeleton (the text with the recipient's own
details set aside, `composer.similarity.skeleton`). The groups of near-identical notes are worked
out once and kept (`Batch.groups`), so the merge can list them after the rule has reported them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from composer.lint.context import Hit
from composer.lint.rules.registry import register, whole_note
from composer.names import clean_name, describe
from composer.similarity import clusters, shingles


@dataclass
class Batch:
    """The notes of one run (texts and skeletons, in the same order) and how similar is a duplicate."""

    texts: Sequence[str]
    skeletons: Sequence[str]
    #: Jaccard similarity of the skeletons' shingles at which two notes count as near-identical.
    similarity: float
    #: each note's recipient name cells as the CSV gives them ({column: value}), before cleaning
    names: Sequence[Mapping[str, str]] = field(default_factory=list)

    @cached_property
    def groups(self) -> list[list[int]]:
        """Indices of the notes that are near-identical to one another, group by group."""
        return clusters([shingles(skel) for skel in self.skeletons], self.similarity)


@register("batch-duplicate", "batch")
def check_batch_duplicate(batch: Batch) -> list[tuple[int, Hit]]:
    """A finding on every member of every group, naming its group and how much of the batch it is."""
    hits = []
    total = len(batch.texts)
    for number, members in enumerate(batch.groups, start=1):
        size = len(members)
        share = round(size * 100 / total)
        values = {"others": size - 1, "s": "" if size == 2 else "s", "group": number, "size": size, "share": share}
        hits += [(i, whole_note(batch.texts[i], values)) for i in members]
    return hits


@register("name-cleaned", "batch")
def check_name_cleaned(batch: Batch) -> list[tuple[int, Hit]]:
    """A finding per name cell the merge cleaned, saying what it read and what it used."""
    hits = []
    for i, cells in enumerate(batch.names):
        for column, raw in cells.items():
            cleaned = clean_name(raw)
            if cleaned.changed:
                hits.append((i, whole_note(batch.texts[i], {"column": column, "cleaned": describe(raw, cleaned)})))
    return hits
