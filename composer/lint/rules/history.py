"""The history rules: `already-invited`, `repeated-note` and `note-quota`.

They cannot be judged from one note's text: they compare the note with the notes sent before it
(the local history, and the earlier notes of the same merge). The linter does not read the history
itself (`composer.lint` never imports `composer.history`): a rule asks a `NoteHistory`, the small
protocol below, which the history package implements (`composer.history.checks`) with the store's
queries. The rule decides and words the finding; the history only answers what it knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from composer.lint.context import Hit
from composer.lint.rules.registry import register, whole_note


@dataclass(frozen=True)
class Invitation:
    """An earlier invitation to the same person: to whom, when ("on 2024-05-01", "in row 3") and matched by what."""

    who: str
    when: str
    by: str
    #: the imported export shows them connected to you: they accepted, there is nothing pending to withdraw
    connected: bool = False


@dataclass(frozen=True)
class Similar:
    """A recent note to someone else that this one nearly repeats (`similarity` from 0 to 1)."""

    similarity: float
    who: str
    date: str


@dataclass(frozen=True)
class Quota:
    """The monthly note quota of a free account: notes counted so far this month, the allowance, the month's dates."""

    used: int
    allowed: int
    since: str
    reset: str


class NoteHistory(Protocol):
    """What the history rules ask about one note about to be sent (implemented by `composer.history.checks`)."""

    @property
    def text(self) -> str:
        """The note's text."""
        ...

    @property
    def counts_for_quota(self) -> bool:
        """Whether the note uses the free account's monthly quota (a free account, and a note with text)."""
        ...

    def earlier_invitation(self) -> Invitation | None:
        """The invitation already sent to this person (history, LinkedIn export, or earlier in this run)."""
        ...

    def similar_note(self) -> Similar | None:
        """A recent note to someone else that this one nearly repeats."""
        ...

    def quota(self) -> Quota:
        """The quota month so far, this run's earlier notes included."""
        ...


@register("already-invited", "history")
def check_already_invited(note: NoteHistory) -> list[Hit]:
    found = note.earlier_invitation()
    if found is None:
        return []
    values = {"who": found.who, "when": found.when, "by": found.by}
    if found.connected:
        values |= {"state": "; you are already connected", "advice": "you are already connected, so send a message instead"}
    else:
        values |= {"state": "", "advice": "withdraw a pending invitation rather than send a second one"}
    return [whole_note(note.text, values)]


@register("repeated-note", "history")
def check_repeated_note(note: NoteHistory) -> list[Hit]:
    found = note.similar_note()
    if found is None:
        return []
    values = {"similarity": int(found.similarity * 100), "who": found.who, "when": f"on {found.date}"}
    return [whole_note(note.text, values)]


@register("note-quota", "history")
def check_note_quota(note: NoteHistory) -> list[Hit]:
    if not note.counts_for_quota:
        return []
    quota = note.quota()
    number = quota.used + 1
    if number <= quota.allowed:
        return []
    return [whole_note(note.text, {"number": number, "since": quota.since, "quota": quota.allowed, "reset": quota.reset})]
