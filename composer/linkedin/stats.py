"""`invite stats`: which of your sent invitations were accepted, and answered, by what their notes were like.

Only the export knows what was accepted, so the groups are over the sent invitations it lists
(`invite import`): with a note and without; then, for notes, by length band, by the linter's
verdict (generic or specific; a sales pitch or not; notes in a language the linter does not judge
kept apart as "not judged", counted as neither and never compared), and by the template and
relationship that made them, for notes the history recorded from `draft`/`merge` (matched to the
export by text, since LinkedIn may normalise whitespace, and by recipient when both sides say who).

When the export had `messages.csv`, the accepted invitations are counted again for replies after
connecting (a message from them dated on or after the connection), with and without a note and by
the linter's verdict: a note may change replies more than acceptance.

Every rate comes with its count and a 95 % Wilson score interval; two groups of a dimension are
compared by the difference of their rates with Newcombe's interval (`intervals`). A group smaller
than `min_group` gets a plain sentence instead of a rate. Invitations still pending count as not
(yet) accepted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from composer.history.people import is_full_name
from composer.history.store import History, Invitation, Recorded, open_history
from composer.length import note_length
from composer.linkedin.accounts import chosen_accounts
from composer.linkedin.intervals import difference, wilson
from composer.linkedin.settings import settings
from composer.similarity import Index, shingles, skeleton

#: The row of notes in a language the linter does not judge (`judged` in the linter's languages.yaml).
NOT_JUDGED = "notes not judged (other languages)"
#: The dimensions replies after connecting are counted by (the rest have too few accepted notes to say much).
REPLY_DIMENSIONS = ("all", "note", "verdict", "pitch")
#: (dimension, group) an invitation is counted in.
Label = tuple[str, str]


@dataclass(frozen=True)
class Measure:
    """What a group counts: out of `total` (e.g. sent), how many `hits` (e.g. accepted); words for both."""

    name: str
    total: str
    hits: str
    everyone: str


ACCEPTANCE = Measure("acceptance", "sent", "accepted", "all sent invitations")
REPLIES = Measure("replies after connecting", "accepted", "replied", "all accepted invitations")


@dataclass(frozen=True)
class Sent:
    """One sent invitation from the export: its note, whether it was accepted and answered, and who it went to."""

    sent_at: datetime
    message: str
    accepted: bool
    person_key: str | None
    profile_key: str | None
    #: a message from them after connecting; None when unknown (no messages.csv, or not accepted)
    replied: bool | None = None


@dataclass
class Group:
    """One group's rate: counts, rate and interval (or why there is none)."""

    dimension: str
    label: str
    measure: Measure = ACCEPTANCE
    total: int = 0
    hits: int = 0
    #: False for the notes the linter did not judge (their language): shown, never compared with the others.
    judged: bool = True

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.hits, self.total)

    @property
    def enough(self) -> bool:
        return self.total >= int(settings()["stats"]["min_group"])

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "dimension": self.dimension,
            "group": self.label,
            self.measure.total: self.total,
            self.measure.hits: self.hits,
            "rate": round(self.rate, 4) if self.total else None,
            "low": round(low, 4),
            "high": round(high, 4),
            "enough": self.enough,
        }


def compare(a: Group, b: Group) -> str:
    """Rate a minus rate b in plain words, with its 95 % interval (Newcombe's), and whether that tells them apart."""
    shown = difference(a.hits, a.total, b.hits, b.total)
    line = f"{a.measure.name.capitalize()}, {a.label} ({a.rate:.0%} vs {b.rate:.0%}): {shown.versus(b.label)}"
    if shown.differs:
        return line + "."
    return line + "; the interval includes 0, so these invitations cannot tell them apart."


def comparisons(groups: list[Group]) -> list[str]:
    """For each dimension with exactly two judged groups, both big enough: their difference, in words.

    A "not judged" group is unknown, so it is left out: generic against specific stays the comparison.
    """
    lines = []
    for name in dict.fromkeys(g.dimension for g in groups):
        pair = [g for g in groups if g.dimension == name and g.judged]
        if len(pair) == 2 and all(g.enough for g in pair):
            lines.append(compare(*pair))
    return lines


@dataclass
class Report:
    """Every group (acceptance, and replies when known), the period covered and the comparisons."""

    groups: list[Group] = field(default_factory=list)
    #: replies after connecting, by group; empty when no export with messages.csv was imported
    replies: list[Group] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None
    pending: int = 0
    notes: int = 0
    matched: int = 0

    def dimension(self, name: str) -> list[Group]:
        return [g for g in self.groups if g.dimension == name]

    def comparisons(self) -> list[str]:
        return comparisons(self.groups) + comparisons(self.replies)

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first.isoformat(timespec="minutes") if self.first else None,
            "last": self.last.isoformat(timespec="minutes") if self.last else None,
            "pending_count_as_not_accepted": self.pending,
            "notes": self.notes,
            "matched_to_history": self.matched,
            "groups": [g.to_dict() for g in self.groups],
            "replies": [g.to_dict() for g in self.replies] if self.replies else None,
            "comparisons": self.comparisons(),
        }


def sent_invitations(history: History, since: datetime | None, profiles: Sequence[str] | None = None) -> list[Sent]:
    """The sent invitations the imported exports of the accounts asked for (yours by default) list, oldest first
    (naive local times, as exported)."""
    return [_sent(row) for row in history.sent_invitations(since, chosen_accounts(history, profiles))]


def _sent(row: Invitation) -> Sent:
    return Sent(row.sent_at, row.message or "", row.connected, row.person_key, row.profile_key, row.replied)


def stats(since: datetime | None, *, limit: int, profiles: Sequence[str] | None = None) -> Report | None:
    """`invite stats`: acceptance by group since a moment (as local time, which exports give); None when there is no
    history yet."""
    history = open_history(create=False)
    if history is None:
        return None
    with history:
        local = since.astimezone().replace(tzinfo=None) if since else None
        return report(history, local, limit=limit, profiles=profiles)


def report(history: History, since: datetime | None, *, limit: int, profiles: Sequence[str] | None = None) -> Report:
    """Acceptance (and replies) by group over the sent invitations since a date; notes are linted in one batch."""
    sent = sent_invitations(history, since, profiles)
    result = Report(first=sent[0].sent_at if sent else None, last=sent[-1].sent_at if sent else None)
    result.pending = sum(not s.accepted for s in sent)
    notes = [s for s in sent if s.message.strip()]
    result.notes = len(notes)
    labels: dict[int, list[Label]] = {
        id(s): [("all", ""), ("note", "with a note" if s.message.strip() else "without a note")] for s in sent
    }
    matched = _by_template(history, notes)
    for item, found in _by_length(notes) + _by_verdict(notes, limit) + matched:
        labels[id(item)] += found
    result.matched = len(matched)
    result.groups = _grouped(ACCEPTANCE, [(s.accepted, labels[id(s)]) for s in sent])
    answered = [(bool(s.replied), labels[id(s)]) for s in sent if s.accepted and s.replied is not None]
    if answered:
        result.replies = [g for g in _grouped(REPLIES, answered) if g.dimension in REPLY_DIMENSIONS]
    return result


def _seeds(measure: Measure) -> dict[str, tuple[str, ...]]:
    """Each fixed dimension's groups, in the order shown (an empty group still gets its row)."""
    short, long_ = settings()["stats"]["length_bands"]
    return {
        "all": (measure.everyone,),
        "note": ("with a note", "without a note"),
        "length": (f"notes under {short} characters", f"notes of {short}-{long_} characters", f"notes over {long_} characters"),
        "verdict": ("specific notes", "generic notes"),
        "pitch": ("notes without a pitch", "sales pitches"),
    }


def _grouped(measure: Measure, items: Iterable[tuple[bool, list[Label]]]) -> list[Group]:
    """Groups by dimension, each counting the items labelled with it; a "not judged" row last in its dimension."""
    seeds = _seeds(measure)
    groups = {(name, label): Group(name, label, measure) for name, labels in seeds.items() for label in labels}
    for hit, labels in items:
        for name, label in labels:
            key = (name, measure.everyone if name == "all" else label)
            group = groups.setdefault(key, Group(name, key[1], measure, judged=key[1] != NOT_JUDGED))
            group.total += 1
            group.hits += hit
    order = [*seeds, "template", "relationship"]
    return sorted(groups.values(), key=lambda g: (order.index(g.dimension), not g.judged))


def _by_length(notes: list[Sent]) -> list[tuple[Sent, list[Label]]]:
    labels = _seeds(ACCEPTANCE)["length"]
    short, long_ = settings()["stats"]["length_bands"]

    def band(text: str) -> str:
        length = note_length(text)
        return labels[0] if length < short else labels[1] if length <= long_ else labels[2]

    return [(s, [("length", band(s.message))]) for s in notes]


def _by_verdict(notes: list[Sent], limit: int) -> list[tuple[Sent, list[Label]]]:
    """The linter's judgement: generic (canned or nothing specific) or specific; a sales pitch or not.

    A note in a language the linter does not judge is neither: it goes to a separate "not judged"
    row in both dimensions (only when there is one), not counted as specific or as without a pitch.
    """
    from composer.lint import lint_results

    generic_rules = set(settings()["inbox"]["generic_rules"])
    pitch_rules = set(settings()["inbox"]["pitch_rules"])
    labelled: list[tuple[Sent, list[Label]]] = []
    for result in lint_results(((i, s.message, None) for i, s in enumerate(notes)), limit=limit):
        item, rules = notes[result.id], {f.rule for f in result.findings}
        if not result.judged:
            labelled.append((item, [("verdict", NOT_JUDGED), ("pitch", NOT_JUDGED)]))
            continue
        verdict = "generic notes" if rules & generic_rules else "specific notes"
        pitch = "sales pitches" if rules & pitch_rules else "notes without a pitch"
        labelled.append((item, [("verdict", verdict), ("pitch", pitch)]))
    return labelled


def _by_template(history: History, notes: list[Sent]) -> list[tuple[Sent, list[Label]]]:
    """Sent notes matched to the notes `draft`/`merge` recorded, labelled with their template and relationship.

    Only the recorded notes that may be to these people are read (`History.templated_notes_for`), and each
    sent note is compared with its own person's notes and the notes to nobody known, never with the rest.
    """
    if not notes:
        return []
    records = history.templated_notes_for(
        (s.profile_key for s in notes if s.profile_key),
        (s.person_key for s in notes if s.person_key and is_full_name(s.person_key)),
        any_profile=any(not s.profile_key for s in notes),
        any_name=any(not is_full_name(s.person_key) for s in notes),
    )
    if not records:
        return []
    candidates = _Candidates(records, float(settings()["stats"]["match_similarity"]), notes)
    labelled: list[tuple[Sent, list[Label]]] = []
    for item in notes:
        chosen = candidates.best(item)
        if chosen is not None:
            labels = [("template", f"template {chosen.template}"), ("relationship", f"relationship {chosen.relationship or '?'}")]
            labelled.append((item, labels))
    return labelled


class _Candidates:
    """Recorded notes (newest first) pooled by who they are to, so a sent note meets only those that may be its own.

    A sent note may be a recorded one unless they are known to be to different people: both have
    profile keys and they differ, or (without that) both have full names and they differ. So its
    candidates are its profile's notes, its full name's notes (without a profile key, where it has
    one), and a pool of notes whose person is unknown, which may be large: that one gets an `Index`.
    """

    def __init__(self, records: list[Recorded], threshold: float, notes: list[Sent]) -> None:
        self.records, self.threshold = records, threshold
        self.shingles = [shingles(skeleton(r.text)) for r in records]
        self.by_profile: dict[str, list[int]] = defaultdict(list)
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for k, r in enumerate(records):
            if r.profile_key:
                self.by_profile[r.profile_key].append(k)
            if r.recipient_key and is_full_name(r.recipient_key):
                self.by_name[r.recipient_key].append(k)
        self.queries = Counter(self._pool(item) for item in notes)
        self.indexes: dict[str, tuple[list[int], Index]] = {}

    @staticmethod
    def _pool(item: Sent) -> str:
        """Which notes of unknown person a sent note may be: without a profile key (it has one), without a full
        name (it has one), or any."""
        full = is_full_name(item.person_key)
        return ("unprofiled unnamed" if full else "unprofiled") if item.profile_key else ("unnamed" if full else "any")

    def _in_pool(self, pool: str, record: Recorded) -> bool:
        unprofiled = "unprofiled" not in pool or not record.profile_key
        return unprofiled and ("unnamed" not in pool or not is_full_name(record.recipient_key))

    def _keyed(self, item: Sent) -> list[int]:
        """The notes to this sent note's person by key, outside its pool."""
        named = self.by_name.get(item.person_key or "", []) if is_full_name(item.person_key) else []
        if not item.profile_key:
            return named
        return self.by_profile.get(item.profile_key, []) + [k for k in named if not self.records[k].profile_key]

    def _index(self, pool: str) -> tuple[list[int], Index]:
        if pool not in self.indexes:
            members = [k for k, r in enumerate(self.records) if self._in_pool(pool, r)]
            self.indexes[pool] = members, Index([self.shingles[k] for k in members], self.threshold, queries=self.queries[pool])
        return self.indexes[pool]

    def best(self, item: Sent) -> Recorded | None:
        """The most similar candidate at or above the threshold (the newest of equals), or None."""
        note = shingles(skeleton(item.message))
        keyed = self._keyed(item)
        found = [(keyed[k], score) for k, score in Index([self.shingles[k] for k in keyed], self.threshold).matches(note)]
        members, index = self._index(self._pool(item))
        found += [(members[k], score) for k, score in index.matches(note)]
        return self.records[min(found, key=lambda m: (-m[1], m[0]))[0]] if found else None
