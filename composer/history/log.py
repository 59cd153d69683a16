"""How `invite draft` and `invite merge` use the history: check each note against it, then record it.

Never fatal: the note is the product, the history a convenience. A history that cannot be opened,
read or written (damaged, a full disk, locked too long, an unwritable folder) costs one warning line
naming the file, and the command carries on: the note is still delivered, just not checked or not
recorded, and the warning says which. A history another command is writing is asked again a few
times (about a second each), and each retry is said on stderr, so a note is never silently unrecorded.
Recording can be turned off (`--no-record`, `history = false`), for trying things out: nothing is
recorded, so nothing counts for the monthly note quota; the checks still read a history that
exists, but never create one. A reply (`-r reply`) is recorded as a message, never an invitation note.
Each note is recorded with the linter's verdict on it (`with_verdict`: its scores, language and
whether it was judged, with the linter's version), made once, when it was linted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from composer import output, shutdown
from composer.config import Config
from composer.history.checks import HistoryChecks
from composer.history.store import BUSY_NOTICE, History, HistoryError, Note, Run, Verdict, open_history
from composer.length import note_length
from composer.lint import Finding, Linted
from composer.similarity import recipient_values, skeleton

if TYPE_CHECKING:
    from composer.templates.model import Template

#: A note and its skeleton (the text with the recipient's own details set aside), as checked and recorded.
Checked = tuple[Note, str]


@dataclass(frozen=True)
class Recipient:
    """Who a drafted note is for, as far as the flags say (`--name`, `--profile-url`), and the account tier."""

    name: str | None
    profile_url: str | None
    account: str

    def checked(self, text: str, template: Template | None, answers: Mapping[str, str], linted: Linted | None = None) -> Checked:
        """The note for the history: the recipient is --name, else the first (and last) name answered; with the
        linter's verdict on it (`linted`), when there is one, kept beside it."""
        given = " ".join(v for v in (answers.get("first_name"), answers.get("last_name")) if v and v.strip())
        note, skel = checked_note(text, self.name or given or None, self.profile_url, template, answers, self.account)
        return (with_verdict(note, linted) if linted is not None else note), skel


def with_verdict(note: Note, linted: Linted) -> Note:
    """The note with the linter's verdict on it (findings, scores, language, hook), recorded beside it once."""
    from composer.lint import lint_version

    return replace(note, verdict=verdict_of(linted, lint_version()))


def verdict_of(linted: Linted, version: str) -> Verdict:
    """A lint result as the history stores it, made by the linter of `version` (`composer.lint.lint_version`)."""
    return Verdict(
        version=version,
        judged=linted.judged,
        language=linted.language,
        hook=linted.hook,
        seeking=linted.seeking,
        scores=dict(linted.scores),
        findings=[finding.to_dict() for finding in linted.findings],
        length=note_length(linted.text),
    )


def checked_note(
    text: str,
    name: str | None,
    profile_url: str | None,
    template: Template | None,
    answers: Mapping[str, str],
    account: str,
    label: str | None = None,
) -> Checked:
    """A delivered note as the history checks and records it, with its skeleton (the recipient's details set aside)."""
    values = recipient_values({**answers, "full_name": name or ""})
    note = Note(
        text=text,
        recipient=name,
        profile_url=profile_url,
        relationship=template.relationship if template else None,
        template=template.id if template else None,
        account=account,
        recipient_values=tuple(values),
        label=label,
        kind=note_kind(template),
    )
    return note, skeleton(text, values)


def note_kind(template: Template | None) -> str:
    """ "message" for a template of a message relationship (a reply), else "invitation" (relationships.yaml's `kind`)."""
    return "message" if template is not None and template.relationship in _message_relationships() else "invitation"


@cache
def _message_relationships() -> frozenset[str]:
    from composer.templates.model import relationships

    return frozenset(r.id for r in relationships().values() if r.kind == "message")


def finding_summary(finding: Finding) -> dict[str, Any]:
    """What the history keeps of a finding: enough to list and count, not the offsets."""
    return {"rule": finding.rule, "severity": finding.severity, "message": finding.message}


class NoteLog:
    """One command's use of the history: lazily opened, checked, recorded, closed."""

    def __init__(
        self, config: Config, *, record: bool, command: str, rules: Sequence[str] | None = None, queries: int = 1
    ) -> None:
        from composer.lint import select_rules

        self.recording = record and config.history.record
        if record and config.project is not None and config.project.turns_recording_off:
            output.info(output.visible(f"note: project config {config.project.path} turns history recording off"))
        self.settings = config.history
        self.rules = list(rules) if rules is not None else select_rules(config.lint.select, config.lint.ignored)
        self.command = command
        self.queries = queries
        self._history: History | None = None
        self._checks: HistoryChecks | None = None
        self._failed = False
        self._opened = False

    @property
    def failed(self) -> bool:
        """Whether the history could not be used (and a warning said so)."""
        return self._failed

    def _fail(self, exc: HistoryError, *, checked: bool = False) -> None:
        """One warning, the first time: what failed and what the user did not get because of it."""
        if not self._failed:
            what = "the note was" if self.command == "draft" else "the notes were"
            missed = [] if checked else ["checked against the history"]
            missed += ["recorded"] if self.recording else []
            output.warn(f"{exc}; {what} not {' or '.join(missed)}")
        self._failed = True
        self.close()

    def _open(self) -> History | None:
        if not self._opened and not self._failed:
            self._opened = True
            try:
                self._history = open_history(create=self.recording)
            except HistoryError as exc:
                self._fail(exc)
            if self._history is not None:
                self._history.waiting = self._waiting
        return self._history

    def _waiting(self, attempt: int, attempts: int) -> None:
        """Say why the command pauses: another invite command (an import, a merge) is writing the history."""
        output.info(BUSY_NOTICE.format(attempt=attempt, attempts=attempts))

    def checks(self) -> HistoryChecks | None:
        """The history rules, against the open history; None once it has failed."""
        if self._checks is None and not self._failed:
            history = self._open()
            if self._failed:
                return None
            self._checks = HistoryChecks(history, self.settings, self.rules, queries=self.queries)
        return self._checks

    def check(self, note: Note, skel: str) -> list[Finding]:
        """The history findings for a note (none when the history cannot be read: one warning says so)."""
        checks = self.checks()
        if checks is None:
            return []
        try:
            return checks.check(note, skel)
        except HistoryError as exc:
            self._fail(exc)
            return []

    def accept(self, note: Note) -> None:
        """Count a note as sent for the notes after it (a merge's later rows)."""
        checks = self.checks()
        if checks is not None:
            try:
                checks.accept(note)
            except HistoryError as exc:
                self._fail(exc)

    def record(self, notes: Iterable[tuple[Note, Sequence[Finding], str]]) -> int:
        """Record delivered notes (with their findings and skeletons); the number recorded, 0 when off or failed."""
        return self.record_with(notes, lambda: None)

    def record_with(
        self, notes: Iterable[tuple[Note, Sequence[Finding], str]], publish: Callable[[], None], *, publish_first: bool = False
    ) -> int:
        """Publish what the notes went into and record them, as one unit; the number recorded (see `Recording`)."""
        recording = self.new_run()
        recording.add(notes)
        return recording.commit_with(publish, publish_first=publish_first)

    def new_run(self) -> Recording:
        """A run of notes to record as they are delivered, a few at a time (`invite merge`), then all at once."""
        return Recording(self)

    def _commit(self, history: History, run: Run, publish: Callable[[], None]) -> int:
        """Write the run, publish, commit; publish without recording when the history fails before that."""
        published = False
        try:
            # A Ctrl-C while the run is written rolls it back, and nothing is published.
            with history.pending(run) as commit, shutdown.deferred_signals():
                publish()
                published = True
                commit()
        except HistoryError as exc:
            self._fail(exc, checked=True)
            if not published:
                with shutdown.deferred_signals():
                    publish()
            return 0
        return run.count

    def close(self) -> None:
        if self._history is not None:
            self._history.close()
            self._history = None


class Recording:
    """One run of notes: added as they are delivered (`add`), recorded with what they went into (`commit_with`).

    A merge of 50,000 rows adds them a chunk at a time as it writes its output; the rows wait outside
    the history (`History.extend`: a TEMP table past a thousand) and nothing is recorded until the
    end, so the output and the history still get every note or none.
    """

    def __init__(self, log: NoteLog) -> None:
        self.log = log
        self._run: Run | None = None

    def add(self, notes: Iterable[tuple[Note, Sequence[Finding], str]]) -> None:
        """Add delivered notes (with their findings and skeletons) to the run; nothing when off or failed."""
        log = self.log
        history = log._open() if log.recording and not log.failed else None
        if history is None:
            return
        summaries = ((note, [finding_summary(f) for f in findings], skel) for note, findings, skel in notes)
        try:
            if self._run is None:
                self._run = history.prepare(summaries, command=log.command)
            else:
                history.extend(self._run, summaries)
        except HistoryError as exc:
            log._fail(exc, checked=True)

    def commit_with(self, publish: Callable[[], None], *, publish_first: bool = False) -> int:
        """Publish what the notes went into and record them, as one unit; the number recorded.

        After a Ctrl-C or SIGTERM at any moment, both happened or neither: the notes are written in one
        transaction, then `publish` runs and the transaction commits with those signals held
        (`shutdown.deferred_signals`), so `publish` must be quick and all-or-nothing (a rename, a write
        to a regular file). With `publish_first` it runs before anything is recorded, interruptibly (a
        pipe, a terminal: what is printed stays printed), and the notes are recorded only once it is
        done. A history that cannot be used costs one warning, as everywhere: the output is still
        published, just not recorded.
        """
        if self._run is None:
            self.add([])  # no notes at all: the run is empty, and recorded as before (the history made if need be)
        log, run = self.log, self._run
        history = log._history if run is not None and not log.failed else None
        if history is None or run is None:
            publish()
            return 0
        if not publish_first:
            return log._commit(history, run, publish)
        publish()
        with shutdown.deferred_signals():
            return log._commit(history, run, lambda: None)
