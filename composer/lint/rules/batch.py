"""The batch rules: `batch-duplicate`, near-identical notes within one merge; `name-cleaned`, what the
merge cleaned in a row's name cells before using them.

A `Batch` is every note of one run, each with its skeleton (the text with the recipient's own
details set aside, `composer.similarity.skeleton`). The groups of near-identical notes are worked
out once and kept (`Batch.groups`), so the merge can list them after the rule has reported them.
A merge too big to hold at once checks its notes a window at a time: it gathers every skeleton
first (`composer.similarity.Signatures`), groups them, and gives each window those groups (`found`)
and where the window starts (`first`), so a copy in row 1 and row 40,000 is still one group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from composer.lint.context import Hit
from composer.lint.rules.registry import register, whole_note
from composer.names import clean_name, describe
from composer.similarity import Groups, Signatures


@dataclass
class Batch:
    """The notes of one run, or a window of them (texts and skeletons, in the same order), and how similar is a duplicate."""

    texts: Sequence[str]
    skeletons: Sequence[str]
    #: Jaccard similarity of the skeletons' shingles at which two notes count as near-identical.
    similarity: float
    #: each note's recipient name cells as the CSV gives them ({column: value}), before cleaning
    names: Sequence[Mapping[str, str]] = field(default_factory=list)
    #: for a window of a bigger run: the run's groups (then `skeletons` may be empty), and the run's index of `texts[0]`
    found: Groups | None = None
    first: int = 0

    @cached_property
    def grouping(self) -> Groups:
        """The run's near-identical groups: as given, or found among these notes' skeletons."""
        if self.found is not None:
            return self.found
        signatures = Signatures()
        for skel in self.skeletons:
            signatures.add(skel)
        return signatures.groups(self.similarity)

    @property
    def groups(self) -> list[list[int]]:
        """Indices of the notes that are near-identical to one another, group by group (a whole run)."""
        return self.grouping.members()


@register("batch-duplicate", "batch")
def check_batch_duplicate(batch: Batch) -> list[tuple[int, Hit]]:
    """A finding on every note in a group, naming its group and how much of the run it is."""
    hits = []
    grouping = batch.grouping
    for i, text in enumerate(batch.texts):
        number = grouping.of(batch.first + i)
        if number is None:
            continue
        size = grouping.sizes[number - 1]
        share = round(size * 100 / grouping.notes)
        values = {"others": size - 1, "s": "" if size == 2 else "s", "group": number, "size": size, "share": share}
        hits.append((i, whole_note(text, values)))
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
