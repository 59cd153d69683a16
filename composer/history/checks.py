"""What the history knows for the history rules (`already-invited`, `repeated-note`, `note-quota`).

The rules themselves live with every other rule (`composer.lint.rules.history`, and rules.yaml);
they ask a `NoteHistory`, which this module implements with the store's queries. `HistoryChecks.check`
looks one note up in the history (before it is recorded) and runs the chosen history rules on it;
`accept` counts it as sent, so the rows after it in the same merge see it too (a person listed twice,
the quota running out mid-batch).

`repeated-note` for a draft reads only the recent notes whose skeleton shares a MinHash band key with
the draft's (`History.repeat_candidates`), so 100,000 recent notes cost about what none do; a merge,
which asks once per row, reads the window once into an `Index` instead. Below
`composer.similarity.BANDED_FROM` (a low `[history] similarity`) band keys miss too much, and the
window is read whole either way.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from composer import output
from composer.config import HistorySettings
from composer.history.people import is_full_name, profile_key, recipient_key
from composer.history.store import History, HistoryError, Note, Recorded, Scope, now, to_text
from composer.lint import Finding, Invitation, Quota, Similar, check_history, in_scope
from composer.similarity import BANDED_FROM, Index, Shingles, band_keys, shingles

#: Up to this many notes checked in one run (a draft, a small merge), each reads only its own candidates.
NARROWED_QUERIES = 50


def local_date(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


def quota_period(moment: datetime, reset_day: int) -> tuple[datetime, datetime]:
    """The current quota month in local time: from the last `reset_day` at midnight up to the next one."""
    local = moment.astimezone()
    start = local.replace(day=reset_day, hour=0, minute=0, second=0, microsecond=0)
    if start > local:
        start = _add_months(start, -1)
    return start, _add_months(start, 1)


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Person:
    """Who a note went to, as far as the history can tell (normalised keys)."""

    profile: str | None
    name: str | None

    @classmethod
    def of(cls, note: Note) -> Person:
        return cls(profile_key(note.profile_url), recipient_key(note.recipient))

    def same_as(self, other: Person) -> bool:
        """Same profile when both have one; else same name (a first name will do here); else not known to be."""
        if self.profile and other.profile:
            return self.profile == other.profile
        return bool(self.name and other.name and self.name == other.name)


@dataclass
class _Earlier:
    """A recent note, for `repeated-note`: who got it and when."""

    who: str
    person: Person
    sent_at: datetime


@dataclass
class HistoryChecks:
    """The history rules for one command, against one open history (or none: only the run's own notes)."""

    history: History | None
    settings: HistorySettings
    rules: list[str]
    #: how many notes will be checked (a merge's rows), to choose between a scan and an LSH
    queries: int = 1
    moment: datetime = field(default_factory=now)
    _index: Index | None = None
    _recent: list[list[_Earlier]] = field(default_factory=list)
    _used: int | None = None
    _seen_profiles: dict[str, str] = field(default_factory=dict)
    _seen_names: dict[str, tuple[str, bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rules = in_scope(self.rules, "history")

    def check(self, note: Note, skel: str) -> list[Finding]:
        """The history findings for one note about to be delivered."""
        return check_history(_NoteLookup(self, note, skel), self.rules)

    def accept(self, note: Note) -> None:
        """Count a note as sent for the checks of the notes after it in this run."""
        if note.kind != "invitation":
            return  # a reply is a message: not an invitation to this person, and no note of the quota
        person, label = Person.of(note), note.label or "earlier in this run"
        if person.profile:
            self._seen_profiles.setdefault(person.profile, label)
        if person.name:
            self._seen_names.setdefault(person.name, (label, person.profile is not None))
        if note.text.strip():
            self._used = self._quota_used() + 1

    # ------------------------------------------------------------------ already-invited

    def invitation(self, note: Note) -> Invitation | None:
        """The invitation already sent to this person: earlier in this run, in the history, or in a LinkedIn export."""
        person = Person.of(note)
        who = note.recipient or note.profile_url or "this person"
        if person.profile and person.profile in self._seen_profiles:
            return Invitation(who, f"in {self._seen_profiles[person.profile]}", "profile URL")
        if is_full_name(person.name) and person.name in self._seen_names:
            label, had_profile = self._seen_names[person.name]
            if not (had_profile and person.profile):
                return Invitation(who, f"in {label}", "name")
        earlier = self._earlier_invitation(person)
        if earlier is None:
            exported = self._exported_invitation(person)
            if exported is None:
                return None
            sent_at, by, connected = exported
            return Invitation(who, f"on {sent_at[:10]}", f"{by}; from your LinkedIn export", connected=connected)
        record, by = earlier
        return Invitation(record.recipient or who, f"on {local_date(record.sent_at)}", by)

    def _earlier_invitation(self, person: Person) -> tuple[Recorded, str] | None:
        if self.history is None:
            return None
        if person.profile:
            found = self.history.latest_for(profile=person.profile)
            if found is not None:
                return found, "profile URL"
        if is_full_name(person.name):
            found = self.history.latest_for(name=person.name, unprofiled=person.profile is not None)
            if found is not None:
                return found, "name"
        return None

    def _exported_invitation(self, person: Person) -> tuple[str, str, bool] | None:
        """An invitation you sent them that an imported LinkedIn export lists (by URL, else full name)."""
        if self.history is None or not (person.profile or is_full_name(person.name)):
            return None
        name = person.name if is_full_name(person.name) else None
        return self.history.invited_in_export(profile=person.profile, name=name)

    # ------------------------------------------------------------------ repeated-note

    def similar(self, note: Note, skel: Shingles) -> Similar | None:
        """The first recent note to someone else whose skeleton nearly matches this one's."""
        if note.kind != "invitation":
            return None  # replies to many people may well read alike: they are messages, not invitations
        narrowed = self._narrowed(skel)
        index, recent = narrowed if narrowed is not None else (self._repeat_index(), self._recent)
        person = Person.of(note)
        for k, score in index.matches(skel):
            for earlier in recent[k]:
                if not earlier.person.same_as(person):
                    return Similar(score, earlier.who, local_date(earlier.sent_at))
        return None

    def _since(self) -> datetime:
        return self.moment - timedelta(days=self.settings.repeat_days)

    def _narrowed(self, skel: Shingles) -> tuple[Index, list[list[_Earlier]]] | None:
        """The index of only the recent notes that share a band key with this one (None: read the window whole: a
        merge of many rows, a threshold under `BANDED_FROM`, or a history whose older notes cannot get their keys)."""
        if self.history is None or self.queries > NARROWED_QUERIES or self.settings.similarity < BANDED_FROM:
            return None
        since = self._since()
        try:
            fill_signatures(self.history, self.history.recent_notes(to_text(since)), "reading your recent notes (once)")
        except HistoryError:
            return None  # a history this command cannot write: scan the window as before
        return self._indexed(self.history.repeat_candidates(since, band_keys(skel)))

    def _indexed(
        self, rows: list[tuple[str | None, str | None, str | None, datetime, str]]
    ) -> tuple[Index, list[list[_Earlier]]]:
        """The distinct skeletons of these notes (newest first), each with (up to two) people who got it."""
        by_skeleton: dict[Shingles, list[_Earlier]] = {}
        shingled: dict[str, Shingles] = {}
        for recipient, name, profile, sent_at, skel in rows:
            if skel not in shingled:
                shingled[skel] = shingles(skel)
            people = by_skeleton.setdefault(shingled[skel], [])
            person = Person(profile, name)
            if len(people) < 2 and not any(p.person.same_as(person) for p in people):
                people.append(_Earlier(recipient or "someone else", person, sent_at))
        return Index(list(by_skeleton), self.settings.similarity, queries=self.queries), list(by_skeleton.values())

    def _repeat_index(self) -> Index:
        """The distinct skeletons sent in the last `repeat_days`, each with (up to two) people who got it."""
        if self._index is None:
            rows = self.history.recent(self._since()) if self.history is not None else []
            self._index, self._recent = self._indexed(rows)
        return self._index

    # ------------------------------------------------------------------ note-quota

    def quota(self) -> Quota:
        """This quota month: notes counted so far (this run's included), the allowance and the month's dates."""
        start, reset = quota_period(self.moment, self.settings.reset_day)
        return Quota(self._quota_used(), self.settings.notes_per_month, local_date(start), local_date(reset))

    def _quota_used(self) -> int:
        """Notes counted this quota month: the history's and an imported export's, then this run's as they are accepted."""
        if self._used is None:
            start, _ = quota_period(self.moment, self.settings.reset_day)
            self._used = self.history.quota_used(start) if self.history is not None else 0
        return self._used


def fill_signatures(history: History, scope: Scope, what: str) -> None:
    """Give the notes of `scope` that were recorded before skeleton keys were kept theirs, once, with a progress bar
    on a terminal (a big history from an older version takes a few seconds, once)."""
    missing = history.unsigned_notes(scope)
    if missing:
        with output.progress(missing, what) as advance:
            history.fill_notes(scope, advance)


@dataclass
class _NoteLookup:
    """One note as the history rules see it (`composer.lint.NoteHistory`): each question asked only when a rule asks it."""

    checks: HistoryChecks
    note: Note
    skel: str

    @property
    def text(self) -> str:
        return self.note.text

    @property
    def counts_for_quota(self) -> bool:
        free = (self.note.account or "free") == "free"
        return free and self.note.kind == "invitation" and bool(self.note.text.strip())

    def earlier_invitation(self) -> Invitation | None:
        return self.checks.invitation(self.note)

    def similar_note(self) -> Similar | None:
        return self.checks.similar(self.note, shingles(self.skel))

    def quota(self) -> Quota:
        return self.checks.quota()
