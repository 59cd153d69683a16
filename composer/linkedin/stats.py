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

It costs what it shows, not the history's size: the groups are counted in SQL (`GROUP BY`) from the
verdicts stored when the notes were imported (`verdicts`; a note without one of this linter's is
linted once, then stored), and from each sent note's match among the recorded notes, stored once
and brought up to date with the notes recorded since (`match`), comparing only the sent and
recorded notes that may be the same note, never every note against every other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from composer.history.checks import fill_signatures
from composer.history.store import Counted, History, Scope, open_history
from composer.linkedin import verdicts
from composer.linkedin.accounts import chosen_accounts
from composer.linkedin.intervals import difference, wilson
from composer.linkedin.settings import settings
from composer.similarity import Shingles, jaccard, shingles, skeleton

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


def stats(since: datetime | None, *, profiles: Sequence[str] | None = None) -> Report | None:
    """`invite stats`: acceptance by group since a moment (as local time, which exports give); None when there is no
    history yet."""
    history = open_history(create=False)
    if history is None:
        return None
    with history:
        local = since.astimezone().replace(tzinfo=None) if since else None
        return report(history, local, profiles=profiles)


def report(history: History, since: datetime | None, *, profiles: Sequence[str] | None = None) -> Report:
    """Acceptance (and replies) by group over the sent invitations since a date, counted in SQL from the stored
    verdicts (the notes without one of this linter's are linted first, once)."""
    scope = history.sent_scope(since, chosen_accounts(history, profiles))
    counted, first, last = _counted(history, scope)
    result = Report(first=datetime.fromisoformat(first) if first else None, last=datetime.fromisoformat(last) if last else None)
    accepted: list[tuple[bool, int, list[Label]]] = []
    answered: list[tuple[bool, int, list[Label]]] = []
    for hit, replied, noted, band, judged, generic, pitch, count in counted:
        labels = _labels(noted, band, judged, generic, pitch)
        result.pending += 0 if hit else count
        result.notes += count if noted else 0
        accepted.append((hit, count, labels))
        if hit and replied is not None:
            answered.append((replied, count, labels))
    for template, relationship, hit, replied, count in _by_template(history, scope):
        labels = [("template", f"template {template}"), ("relationship", f"relationship {relationship or '?'}")]
        result.matched += count
        accepted.append((hit, count, labels))
        if hit and replied is not None:
            answered.append((replied, count, labels))
    result.groups = _grouped(ACCEPTANCE, accepted)
    if answered:
        result.replies = [g for g in _grouped(REPLIES, answered) if g.dimension in REPLY_DIMENSIONS]
    return result


def _counted(history: History, scope: Scope) -> tuple[list[Counted], str | None, str | None]:
    """The sent invitations counted by what the groups are made of (`History.acceptance`), every note judged."""
    data = settings()
    short, long_ = data["stats"]["length_bands"]
    rules = {"generic": data["inbox"]["generic_rules"], "pitch": data["inbox"]["pitch_rules"]}
    current = verdicts.version()
    counted, stale, first, last = history.acceptance(scope, bands=(short, long_), version=current, **rules)
    if stale:  # notes imported before this linter: judged once, then stored
        verdicts.judge(history, scope, "judging your sent notes (once)")
        counted, _, first, last = history.acceptance(scope, bands=(short, long_), version=current, **rules)
    return counted, first, last


def _labels(noted: bool, band: int | None, judged: bool | None, generic: bool, pitch: bool) -> list[Label]:
    """The groups one kind of sent invitation is counted in: all, with a note or not; and for a note, its length band
    and the linter's verdict (generic or specific; a pitch or not), or "not judged" in a language it does not judge."""
    labels: list[Label] = [("all", ""), ("note", "with a note" if noted else "without a note")]
    if not noted:
        return labels
    labels.append(("length", _seeds(ACCEPTANCE)["length"][band or 0]))
    if not judged:
        return [*labels, ("verdict", NOT_JUDGED), ("pitch", NOT_JUDGED)]
    verdict = "generic notes" if generic else "specific notes"
    return [*labels, ("verdict", verdict), ("pitch", "sales pitches" if pitch else "notes without a pitch")]


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


def _grouped(measure: Measure, items: Iterable[tuple[bool, int, list[Label]]]) -> list[Group]:
    """Groups by dimension, each counting the (hit, how many, labels) items labelled with it; a "not judged" row last
    in its dimension, the template and relationship rows in the order their first invitation was sent."""
    seeds = _seeds(measure)
    groups = {(name, label): Group(name, label, measure) for name, labels in seeds.items() for label in labels}
    for hit, count, labels in items:
        for name, label in labels:
            key = (name, measure.everyone if name == "all" else label)
            group = groups.setdefault(key, Group(name, key[1], measure, judged=key[1] != NOT_JUDGED))
            group.total += count
            group.hits += count if hit else 0
    order = [*seeds, "template", "relationship"]
    return sorted(groups.values(), key=lambda g: (order.index(g.dimension), not g.judged))


def _by_template(history: History, scope: Scope) -> list[tuple[str, str | None, bool, bool | None, int]]:
    """(template, relationship, accepted, replied, how many) of the sent notes matched to a note `draft`/`merge`
    recorded, in the order the first of each was sent (`match`, brought up to date first)."""
    if not history.has_templated_notes():
        return []
    match(history, scope)
    counted = sorted(history.template_counts(scope), key=lambda row: row[5])
    return [row[:5] for row in counted]


def match(history: History, scope: Scope) -> None:
    """Store the best recorded note of each sent note of `scope` that has none of this matching yet, or has one from
    before the newest notes were recorded: the most similar at or above `match_similarity`, the newest of equals.

    Only the pairs that may be the same note are read (`History.match_candidates`: the same person's
    notes, and the others' only when they share a band key), and only those are compared; a sent note
    matched before is compared only with the notes recorded since.
    """
    threshold = float(settings()["stats"]["match_similarity"])
    version = f"similarity {threshold}"
    fill_signatures(history, history.templated_notes(), "reading your recorded notes (once)")
    newest = history.newest_note()
    seen: dict[str, Shingles] = {}

    def shingled(text: str) -> Shingles:
        if text not in seen:
            seen[text] = shingles(skeleton(text))
        return seen[text]

    for upto in history.match_work(scope, version, newest):
        best: dict[int, tuple[float, str, int]] = {}
        for sent_id, message, note_id, text, note_sent_at, stored, stored_score, stored_sent_at in history.match_candidates(
            scope, version, upto
        ):
            if upto is not None and stored is not None and sent_id not in best:
                best[sent_id] = (stored_score, stored_sent_at, stored)  # what the notes recorded since must beat
            score = jaccard(shingled(message), shingled(text))
            rank = (score, note_sent_at, note_id)
            if score >= threshold and (sent_id not in best or rank > best[sent_id]):
                best[sent_id] = rank
        found = [(sent_id, rank[2], rank[0]) for sent_id, rank in best.items()]
        history.store_matches(scope, version, upto, newest, found)
