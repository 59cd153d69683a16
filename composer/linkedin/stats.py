"""`invite stats`: which of your sent invitations were accepted, by what their notes were like.

Only the export knows what was accepted, so the groups are over the sent invitations it lists
(`invite import`): with a note and without; then, for notes, by length band, by the linter's
verdict (generic or specific; a sales pitch or not; notes in a language the linter does not judge
kept apart as "not judged", counted as neither), and by the template and relationship that made
them, for notes the history recorded from `draft`/`merge` (matched to the export by text, since
LinkedIn may normalise whitespace, and by recipient when both sides say who).

Every rate comes with its count and a 95 % Wilson score interval, which stays inside 0-100 % and
behaves with small counts; a group smaller than `min_group` gets a plain sentence instead of a
rate. Invitations still pending count as not (yet) accepted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from composer.history.people import is_full_name
from composer.history.store import History, Invitation, open_history
from composer.length import note_length
from composer.linkedin.settings import settings
from composer.similarity import Index, shingles, skeleton

#: The row of notes in a language the linter does not judge (`judged` in the linter's languages.yaml).
NOT_JUDGED = "notes not judged (other languages)"
#: The normal quantile for a two-sided 95 % interval.
Z95 = 1.959963984540054


def wilson(accepted: int, sent: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for accepted/sent; (0, 1) when nothing was sent."""
    if sent == 0:
        return 0.0, 1.0
    p = accepted / sent
    denominator = 1 + z * z / sent
    centre = (p + z * z / (2 * sent)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / sent + z * z / (4 * sent * sent))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Sent:
    """One sent invitation from the export: its note, whether it was accepted, and who it went to."""

    sent_at: datetime
    message: str
    accepted: bool
    person_key: str | None
    profile_key: str | None


@dataclass
class Group:
    """One group's acceptance: counts, rate and interval (or why there is none)."""

    dimension: str
    label: str
    sent: int = 0
    accepted: int = 0
    #: False for the notes the linter did not judge (their language): shown, never compared with the others.
    judged: bool = True

    @property
    def rate(self) -> float:
        return self.accepted / self.sent if self.sent else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.accepted, self.sent)

    @property
    def enough(self) -> bool:
        return self.sent >= int(settings()["stats"]["min_group"])

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "dimension": self.dimension,
            "group": self.label,
            "sent": self.sent,
            "accepted": self.accepted,
            "rate": round(self.rate, 4) if self.sent else None,
            "low": round(low, 4),
            "high": round(high, 4),
            "enough": self.enough,
        }


@dataclass
class Report:
    """Every group, the period covered and the plain-language comparisons."""

    groups: list[Group] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None
    pending: int = 0
    notes: int = 0
    matched: int = 0

    def dimension(self, name: str) -> list[Group]:
        return [g for g in self.groups if g.dimension == name]

    def comparisons(self) -> list[str]:
        """For each two-group dimension with enough in both: do the intervals say they differ?

        A "not judged" group is unknown, so it is left out: generic against specific stays the comparison.
        """
        lines = []
        for name in dict.fromkeys(g.dimension for g in self.groups):
            groups = [g for g in self.dimension(name) if g.judged]
            if len(groups) != 2 or not all(g.enough for g in groups):
                continue
            a, b = groups
            (a_low, a_high), (b_low, b_high) = a.interval, b.interval
            if a_high < b_low or b_high < a_low:
                more, less = (a, b) if a.rate > b.rate else (b, a)
                lines.append(
                    f"{more.label} were accepted more often than {less.label} ({more.rate:.0%} vs {less.rate:.0%}); "
                    "the 95% intervals do not overlap."
                )
            else:
                lines.append(f"{a.label} and {b.label}: the 95% intervals overlap, so these invitations cannot tell them apart.")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first.isoformat(timespec="minutes") if self.first else None,
            "last": self.last.isoformat(timespec="minutes") if self.last else None,
            "pending_count_as_not_accepted": self.pending,
            "notes": self.notes,
            "matched_to_history": self.matched,
            "groups": [g.to_dict() for g in self.groups],
            "comparisons": self.comparisons(),
        }


def sent_invitations(history: History, since: datetime | None) -> list[Sent]:
    """The sent invitations the imported exports list, oldest first (naive local times, as exported)."""
    return [_sent(row) for row in history.sent_invitations(since)]


def _sent(row: Invitation) -> Sent:
    return Sent(row.sent_at, row.message or "", row.connected, row.person_key, row.profile_key)


def stats(since: datetime | None, *, limit: int) -> Report | None:
    """`invite stats`: acceptance by group since a local time; None when there is no history yet."""
    history = open_history(create=False)
    if history is None:
        return None
    with history:
        return report(history, since, limit=limit)


def report(history: History, since: datetime | None, *, limit: int) -> Report:
    """Acceptance by group over the sent invitations (since a date); notes are linted in one batch."""
    sent = sent_invitations(history, since)
    result = Report(first=sent[0].sent_at if sent else None, last=sent[-1].sent_at if sent else None)
    result.pending = sum(not s.accepted for s in sent)
    overall = Group("all", "all sent invitations")
    with_note, without = Group("note", "with a note"), Group("note", "without a note")
    for item in sent:
        _add(overall, item)
        _add(with_note if item.message.strip() else without, item)
    result.groups += [overall, with_note, without]
    notes = [s for s in sent if s.message.strip()]
    result.notes = len(notes)
    result.groups += _by_length(notes)
    result.groups += _by_verdict(notes, limit)
    templates, relationships, result.matched = _by_template(history, notes)
    result.groups += templates + relationships
    return result


def _add(group: Group, item: Sent) -> None:
    group.sent += 1
    group.accepted += item.accepted


def _grouped(dimension: str, labels: Iterable[str], pairs: Iterable[tuple[str, Sent]]) -> list[Group]:
    groups = {label: Group(dimension, label) for label in labels}
    for label, item in pairs:
        _add(groups.setdefault(label, Group(dimension, label)), item)
    return list(groups.values())


def _by_length(notes: list[Sent]) -> list[Group]:
    short, long_ = settings()["stats"]["length_bands"]
    labels = (f"notes under {short} characters", f"notes of {short}-{long_} characters", f"notes over {long_} characters")

    def band(text: str) -> str:
        length = note_length(text)
        return labels[0] if length < short else labels[1] if length <= long_ else labels[2]

    return _grouped("length", labels, ((band(s.message), s) for s in notes))


def _by_verdict(notes: list[Sent], limit: int) -> list[Group]:
    """The linter's judgement: generic (canned or nothing specific) or specific; a sales pitch or not.

    A note in a language the linter does not judge is neither: it goes to a separate "not judged"
    row in both dimensions (only when there is one), not counted as specific or as without a pitch.
    """
    from composer.lint import lint_results

    generic_rules = set(settings()["inbox"]["generic_rules"])
    pitch_rules = set(settings()["inbox"]["pitch_rules"])
    verdicts: list[tuple[str, Sent]] = []
    pitches: list[tuple[str, Sent]] = []
    unjudged: list[Sent] = []
    for result in lint_results(((i, s.message, None) for i, s in enumerate(notes)), limit=limit):
        item, rules = notes[result.id], {f.rule for f in result.findings}
        if not result.judged:
            unjudged.append(item)
            continue
        verdicts.append(("generic notes" if rules & generic_rules else "specific notes", item))
        pitches.append(("sales pitches" if rules & pitch_rules else "notes without a pitch", item))
    verdict = _grouped("verdict", ("specific notes", "generic notes"), verdicts)
    pitch = _grouped("pitch", ("notes without a pitch", "sales pitches"), pitches)
    if unjudged:
        verdict.append(_not_judged("verdict", unjudged))
        pitch.append(_not_judged("pitch", unjudged))
    return verdict + pitch


def _not_judged(dimension: str, notes: list[Sent]) -> Group:
    group = Group(dimension, NOT_JUDGED, judged=False)
    for item in notes:
        _add(group, item)
    return group


def _by_template(history: History, notes: list[Sent]) -> tuple[list[Group], list[Group], int]:
    """Sent notes matched to the notes `draft`/`merge` recorded: by template and by relationship."""
    records = [r for r in history.notes() if r.template]
    if not records or not notes:
        return [], [], 0
    from composer.history.people import profile_key, recipient_key

    threshold = float(settings()["stats"]["match_similarity"])
    keyed = [(profile_key(r.profile_url), recipient_key(r.recipient), shingles(skeleton(r.text)), r) for r in records]
    index = Index([k[2] for k in keyed], threshold, queries=len(notes))
    by_template: list[tuple[str, Sent]] = []
    by_relationship: list[tuple[str, Sent]] = []
    for item in notes:
        matches = index.matches(shingles(skeleton(item.message)))
        chosen = next((keyed[k][3] for k, _ in matches if _same_person(item, keyed[k][0], keyed[k][1])), None)
        if chosen is None:
            continue
        by_template.append((f"template {chosen.template}", item))
        by_relationship.append((f"relationship {chosen.relationship or '?'}", item))
    return _grouped("template", (), by_template), _grouped("relationship", (), by_relationship), len(by_template)


def _same_person(item: Sent, profile: str | None, name: str | None) -> bool:
    """Not known to be someone else: profiles equal when both have one, else full names equal when both have one."""
    if item.profile_key and profile:
        return item.profile_key == profile
    if is_full_name(item.person_key) and is_full_name(name):
        return item.person_key == name
    return True
