"""`invite inbox`: the received invitations the newest export lists as still pending, each with a suggestion.

The suggestion comes from the linter's judgement of the note and from what the history knows:

- a sales pitch (or, with --not-looking, a recruiter's pitch): ignore;
- someone you invited or drafted a note to before (a reply you drafted to their invitation does not
  count): accept;
- a note that names a shared context (a hook phrase such as "we met at ...", or names the linter
  did not find generic; in another judged language, a note the classifier reads as personal): accept,
  even beside a canned phrase, since the hook decides;
- no note, or nothing that ties the note to you (no findings at all is no evidence): ask how you
  know each other (`invite inbox reply N` starts `invite draft -r reply` for them);
- a note in a language the linter does not judge: ask, saying so ("not judged: written in Polish"),
  since no finding there means nothing, not a clean note.

`invite inbox --sent` (`unanswered`) lists the other side: invitations you sent that the newest
export still shows as pending weeks after sending, oldest first, as candidates to withdraw.

Each suggestion says why: the findings (or the history) that decided it. Phrase lists and the rules
that count are data (`composer/data/inbox_stats.yaml`).
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from composer import output
from composer.errors import UsageError
from composer.history.people import is_full_name, recipient_key
from composer.history.store import History, Invitation, Recorded, Verdict, open_history
from composer.linkedin import verdicts
from composer.linkedin.accounts import chosen_accounts
from composer.linkedin.settings import NOTHING_IMPORTED, settings
from composer.lint import Finding, Linted, calibrate, language_name, not_judged_reason
from composer.names import greeting_name

ACCEPT, ASK, IGNORE = "accept", "ask", "ignore"


@dataclass
class Received:
    """A pending received invitation, numbered as `invite inbox` lists it, and what to do about it."""

    number: int
    sent_at: datetime
    person: str | None
    profile_url: str | None
    message: str
    action: str = ASK
    why: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: False when the note's language is not judged for generic wording and pitches: its verdict is unknown.
    judged: bool = True
    language: str = "en"
    #: The strongest hook the linter found ("stated", "named" or None) and the classifier's scores.
    hook: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    #: Whether the sender asks for a job for themselves (`Linted.seeking`): their "roles" are no recruiter's.
    seeking: bool = False
    #: The invitation's row in the history (0: not read from one).
    id: int = 0

    def adopt(self, findings: list[Finding], judgement: Linted | Verdict) -> None:
        """Take the linter's reading of the note, fresh (`Linted`) or stored in the history (`Verdict`)."""
        self.findings, self.language, self.judged = findings, judgement.language, judgement.judged
        self.hook, self.scores, self.seeking = judgement.hook, judgement.scores, judgement.seeking

    def terminal_safe(self) -> tuple[str | None, str | None, str | None]:
        """(first name, name, profile URL) for the reply's draft, as `invite inbox` shows them (`output.visible`):
        what an export says reaches the terminal and the history without escapes, bidi or zero-width characters."""
        texts = (self.first_name, self.person, self.profile_url)
        return tuple(output.visible(text) if text else None for text in texts)  # type: ignore[return-value]

    @property
    def first_name(self) -> str:
        """The inviter's cleaned first name for the reply's greeting; "" for an initial or a title alone."""
        return greeting_name(self.person) or ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `invite inbox --format json`."""
        return {
            "number": self.number,
            "sent_at": self.sent_at.isoformat(timespec="minutes"),
            "from": self.person,
            "profile_url": self.profile_url,
            "note": self.message,
            "action": self.action,
            "why": self.why,
            "findings": [f.rule for f in self.findings],
            "judged": self.judged,
        }


@dataclass
class Page:
    """One page of a list `invite inbox` shows: its items (numbered as in the whole list), and how many there are."""

    items: list[Any]
    total: int
    #: the page shown (1 is the newest), and its size (None: every item)
    number: int = 1
    size: int | None = None

    @property
    def more(self) -> bool:
        """Whether later pages hold more."""
        return self.size is not None and self.number * self.size < self.total


def page_size(page: int, every: bool) -> int | None:
    """How many a page of `invite inbox` shows: as many as fit the terminal (two lines each), else `page_size`
    (data); None with --all. A page under 1, or one beside --all, is a usage error."""
    if page < 1:
        raise UsageError(f"--page must be 1 or more, got {page}")
    if every:
        if page != 1:
            raise UsageError("--page and --all cannot go together: --all shows every one")
        return None
    if output.is_tty(sys.stdout):
        return max(5, (shutil.get_terminal_size().lines - 6) // 2)
    return int(settings()["inbox"]["page_size"])


def pending(history: History, profiles: Sequence[str] | None = None, *, size: int | None = None, page: int = 1) -> Page:
    """Received invitations not answered, as the newest imported export of each account asked for (yours by
    default, `chosen_accounts`) lists them, newest first: page `page` of `size` (None: all), read a page at a time."""
    accounts = chosen_accounts(history, profiles)
    offset = 0 if size is None else (page - 1) * size
    rows = history.pending_received(accounts, limit=size, offset=offset)
    total = len(rows) if size is None else history.pending_count(accounts)
    return Page([_received(offset + n, row) for n, row in enumerate(rows, start=1)], total, page, size)


def _received(number: int, row: Invitation) -> Received:
    return Received(number, row.sent_at, row.person, row.profile_url, row.message or "", id=row.id)


def inbox(*, not_looking: bool, profiles: Sequence[str] | None = None, size: int | None = None, page: int = 1) -> Page | None:
    """`invite inbox`: a page of the pending invitations (all, without `size`) with suggestions; None when no export
    was imported. The notes' verdicts are the stored ones (`verdicts`): a page costs what it shows."""
    history = open_history(create=False)
    if history is None:
        return None
    with history:
        shown = pending(history, profiles, size=size, page=page)
        if not shown.total and not history.has_imports():
            return None
        judged(history, shown.items)
        lookups = _Remembered(history)
        for item in shown.items:
            item.action, item.why = decide(lookups, item, not_looking=not_looking)
        return shown


def judged(history: History, items: list[Received]) -> None:
    """Give each item with a note its stored verdict (the notes without one of this linter's linted first, once)."""
    ids = [item.id for item in items if item.message.strip()]
    if not ids:
        return
    verdicts.judge(history, history.invitations_scope(ids), "judging the notes")
    stored = history.verdicts_of(ids)
    for item in items:
        verdict = stored.get(item.id)
        if verdict is not None:
            item.adopt(verdicts.findings_of(verdict), verdict)


@dataclass
class Unanswered:
    """A sent invitation still pending in the newest export, weeks after it was sent: a candidate to withdraw."""

    number: int
    sent_at: datetime
    person: str | None
    profile_url: str | None
    message: str
    #: Days between sending it and the export that still lists it as pending.
    days: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `invite inbox --sent --format json`."""
        return {
            "number": self.number,
            "sent_at": self.sent_at.isoformat(timespec="minutes"),
            "to": self.person,
            "profile_url": self.profile_url,
            "note": self.message,
            "days_pending": self.days,
        }


@dataclass
class Withdrawals:
    """`invite inbox --sent`: the newest export's date, the weeks asked for, and a page of the candidates, oldest first."""

    export_date: date
    weeks: int
    page: Page

    @property
    def items(self) -> list[Unanswered]:
        return self.page.items


def unanswered(
    *, weeks: int, profiles: Sequence[str] | None = None, size: int | None = None, page: int = 1
) -> Withdrawals | None:
    """Sent invitations the newest export shows as pending `weeks` or more after they were sent; None before an import.

    Weeks are counted up to the export's date, not today: the export is what says they are pending
    (each account's newest export, for its own invitations).
    """
    history = open_history(create=False)
    if history is None:
        return None
    with history:
        accounts = chosen_accounts(history, profiles)
        exported = history.newest_export_date(accounts)
        if exported is None:
            return None
        offset = 0 if size is None else (page - 1) * size
        rows, total = history.pending_sent(weeks, accounts, limit=size, offset=offset)
    items = [
        Unanswered(n, row.sent_at, row.person, row.profile_url, row.message or "", _days(row.sent_at, day))
        for n, (row, day) in enumerate(rows, start=offset + 1)
    ]
    return Withdrawals(date.fromisoformat(exported), weeks, Page(items, total, page, size))


def _days(sent_at: datetime, exported: str) -> int:
    """Days from sending to the date of the export that still lists it as pending."""
    return (date.fromisoformat(exported) - sent_at.date()).days


def reply_to(number: int, profiles: Sequence[str] | None = None) -> tuple[str | None, str | None, str | None]:
    """`invite inbox reply N`: (first name, name, profile URL) of the N-th pending invitation as `invite inbox` numbers
    them, terminal-safe (read alone, not the whole list); a usage error naming what there is otherwise."""
    history = open_history(create=False)
    if history is None:
        raise UsageError(NOTHING_IMPORTED)
    with history:
        found = pending(history, profiles, size=1, page=number) if number >= 1 else None
        total = found.total if found is not None else history.pending_count(chosen_accounts(history, profiles))
    if not total:
        raise UsageError("no pending invitations to reply to; see `invite inbox`")
    if found is None or not found.items:
        raise UsageError(f"no invitation {number}: `invite inbox` lists 1 to {total}")
    return found.items[0].terminal_safe()


def suggest(history: History, items: list[Received], *, not_looking: bool, limit: int) -> list[Received]:
    """Lint every note (one batch through the linter) and decide each suggestion (`inbox` reads stored verdicts)."""
    from composer.lint import lint_results

    with_notes = [(i, item.message, None) for i, item in enumerate(items) if item.message.strip()]
    for result in lint_results(with_notes, limit=limit):
        item = items[result.id]
        item.adopt(result.findings, result)
    lookups = _Remembered(history)
    for item in items:
        item.action, item.why = decide(lookups, item, not_looking=not_looking)
    return items


class Lookups(Protocol):
    """What `decide` asks the history about a person (`History` answers it)."""

    def latest_for(self, *, profile: str | None = None, name: str | None = None, unprofiled: bool = False) -> Recorded | None: ...

    def invited_in_export(self, *, profile: str | None = None, name: str | None = None) -> tuple[str, str, bool] | None: ...


class _Remembered:
    """The history's answers, each asked once: pending invitations from people who share a name would otherwise
    walk that name's notes again for every one of them (a common name over a big history)."""

    def __init__(self, history: Lookups) -> None:
        self.history = history
        self._latest: dict[tuple[str | None, str | None, bool], Recorded | None] = {}
        self._invited: dict[tuple[str | None, str | None], tuple[str, str, bool] | None] = {}

    def latest_for(self, *, profile: str | None = None, name: str | None = None, unprofiled: bool = False) -> Recorded | None:
        key = (profile, name, unprofiled)
        if key not in self._latest:
            self._latest[key] = self.history.latest_for(profile=profile, name=name, unprofiled=unprofiled)
        return self._latest[key]

    def invited_in_export(self, *, profile: str | None = None, name: str | None = None) -> tuple[str, str, bool] | None:
        if (profile, name) not in self._invited:
            self._invited[(profile, name)] = self.history.invited_in_export(profile=profile, name=name)
        return self._invited[(profile, name)]


def decide(history: Lookups, item: Received, *, not_looking: bool) -> tuple[str, list[str]]:
    """The suggested action and why, in order of what weighs most: a pitch, the history, then the note's hook.

    "accept" needs positive evidence, never just the absence of findings: a relationship in the
    history, or a shared context the note names. A canned phrase beside a named hook does not demote
    the note (the hook decides); a note with neither hook nor pitch is "ask". A job seeker's note
    (`seeking`) asks rather than offers, as the linter reads it: its "hiring for a ..." quotes your
    opening, not a recruiter's, and the classifier's pitch score alone does not hold back "accept".
    """
    data = settings()["inbox"]
    pitches = [f.message for f in item.findings if f.rule in data["pitch_rules"]]
    recruiter = None if item.seeking else recruiter_phrase(item.message)
    if recruiter and not_looking:
        return IGNORE, [f"a recruiter's pitch ({recruiter!r}), and you are not looking"]
    if pitches and not recruiter:  # the linter counts a job opening as a pitch; the inbox lets you choose
        return IGNORE, pitches
    known = known_from_history(history, item)
    if known:
        return ACCEPT, [known]
    if not item.message.strip():
        return ASK, ["no note"]
    generic = [f.message for f in item.findings if f.rule in data["generic_rules"]]
    if not item.judged:  # no finding means nothing here: unknown, never accepted as specific
        return ASK, [*generic, not_judged_reason(item.language)]
    scores = calibrate(item.scores)
    hook = shared_context(item, data, scores, recruiter=recruiter is not None)
    pitchy = scores.get("sales_pitch", 0.0)
    if hook and pitchy >= data["accept_max_pitch"] and not item.seeking:  # a real hook, and an offer the linter was not sure of
        return ASK, [hook, f"but it reads a little like a pitch ({pitchy:.2f})"]
    if hook:
        return ACCEPT, [hook]
    if recruiter:
        return ASK, [f"a recruiter's pitch ({recruiter!r}): accept if you are looking", *generic]
    return ASK, generic or [no_context_reason(item, scores, data)]


def no_context_reason(item: Received, scores: dict[str, float], data: dict[str, Any]) -> str:
    """Why a note with no finding is still "ask": it names nothing, or its names did not read as shared.

    Names alone ("Acme", "Berlin") need the classifier to agree the note is personal (`named_personal`);
    saying "no name found" beside a note that names a conference would read as a bug.
    """
    if item.hook == "named":
        personal = scores.get("personal_specific", 0.0)
        return (
            f"it names something, but not clearly something you share (reads as personal {personal:.2f}, "
            f"{data['named_personal']:.2f} needed)"
        )
    return "nothing in the note ties it to you (no name, event or shared context found)"


def shared_context(item: Received, data: dict[str, Any], scores: dict[str, float], *, recruiter: bool = False) -> str | None:
    """Why the note names a context you share, or None: the positive evidence "accept" needs.

    A note with an unfilled template field never counts (it went to many people). A hook phrase
    ("we met at ...") counts; names, dates or titles count when the linter did not judge the note
    generic and the classifier's calibrated `personal_specific` reaches `named_personal` (a name alone
    is as often the sender's company or the recipient's own employer), except in a recruiter's pitch,
    whose names are the job's (a company, a city), not something you share. The hook finder reads
    English: a note in another judged language counts when the classifier is confident it is personal
    and `no-specifics` did not fire. `scores` are the note's calibrated scores (`calibrate`).
    """
    rules = {f.rule for f in item.findings}
    if "placeholder" in rules:
        return None  # a template sent with a field unfilled went to many people, whatever its hook says
    if item.hook == "stated":
        return "the note says how you are connected (a hook phrase)"
    if recruiter or "no-specifics" in rules:
        return None
    personal = scores.get("personal_specific", 0.0)
    if item.hook == "named" and personal >= data["named_personal"]:
        return f"the note names something specific to you (reads as personal, {personal:.2f})"
    if item.language != "en" and personal >= data["other_language_personal"]:
        return f"the note reads as personal ({personal:.2f}), in {language_name(item.language)}"
    return None


def recruiter_phrase(text: str) -> str | None:
    """The first recruiter phrase in a note (whole words, any case), or None.

    A phrase right after "you" or "your" is the reader's job, not the sender's: "I saw you recruit
    for data teams", "are you currently hiring?", "I spoke with your recruiter".
    """
    folded = text.casefold().replace("\u2019", "'")
    data = settings()["inbox"]
    for phrase in data["recruiter_phrases"]:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
            before = re.findall(r"[\w']+", folded[max(0, match.start() - 40) : match.start()])[-1:]
            if not (before and before[0] in data["recruiter_not_after"]):
                return str(phrase)
    return None


def known_from_history(history: Lookups, item: Received) -> str | None:
    """Why the history says you know them: a note you drafted to them (not a reply), or an invitation you sent them."""
    from composer.history.people import profile_key

    profile, name = profile_key(item.profile_url), recipient_key(item.person)
    full = name if is_full_name(name) else None
    # latest_for reads invitation notes only: a reply you drafted to this invitation is no relationship
    recorded = history.latest_for(profile=profile) if profile else None
    if recorded is None and full:
        recorded = history.latest_for(name=full, unprofiled=profile is not None)
    if recorded is not None:
        return f"you drafted a note to them on {recorded.sent_at.astimezone().date().isoformat()}"
    exported = history.invited_in_export(profile=profile, name=full)
    if exported is not None:
        return f"you invited them on {exported[0][:10]}"
    return None
