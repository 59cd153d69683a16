"""Reading LinkedIn's data export ("Get a copy of your data") into the history: `invite import`.

The export (zip or folder, `export`) is read file by file (`reading`) into a staging area of the
history's connection (`composer.history.store.Staging`): TEMP tables filled in batches, in bounded
memory whatever the export's size, taking no lock on the history. There people are matched: by
profile URL when both files have one, else by full name, and each invitation says which. A sent
invitation is accepted once its invitee is a connection; a received one is pending while its
inviter is not. Then one short transaction merges the staged rows into the history, so a `draft`
meanwhile waits a moment instead of failing to record, and an import stopped before it (Ctrl-C, a
full disk) changes nothing: all or nothing. Then the notes it brought are linted once, and their
verdicts stored (`verdicts`), for `inbox` and `stats` to read: stopped there, the import stands and
the rest are linted when a command needs them.

Both states are sticky across imports (once connected, always answered), and re-importing the same
or a newer export only updates them: every invitation has an identity (direction, time, the other
person's name), so nothing is stored twice. A malformed row is reported by file and line while the
rest imports. Dates of messages (UTC) and connections (a day) are compared by day, so a reply can be
off by one.

Each import is tied to the account it came from (its own profile URL and name, `reading.Mine`, or
Profile.csv): the first is yours, and an export of another account is refused unless asked for
(`--another-account`), so another person's export never mixes into yours without a word.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from composer import output
from composer.errors import InputError
from composer.history.people import profile_key, recipient_key
from composer.history.store import BUSY_NOTICE, Account, History, OtherAccount, Staging, Stored, now, open_history
from composer.linkedin import verdicts
from composer.linkedin.export import export_date, open_export
from composer.linkedin.reading import (
    Dates,
    Mine,
    Problems,
    parse_connected_on,
    parse_sent_at,
    read_profile,
    stage_connections,
    stage_invitations,
    stage_senders,
)
from composer.linkedin.settings import import_limits

__all__ = ["MAX_PROBLEMS", "ImportSummary", "import_export", "import_file", "parse_connected_on", "parse_sent_at"]

#: Problems listed one by one in the summary before the rest are only counted.
MAX_PROBLEMS = 20


@dataclass
class ImportSummary:
    """What an import found and changed, for the summary line and the tests."""

    path: Path
    export_date: str
    #: the invitations it listed and changed, as the merge counted them (sent, accepted, new, by_url, ...)
    stored: Stored = field(default_factory=Stored)
    connections: int = 0
    #: (replied after connecting, accepted) from messages.csv; None when the export has no messages
    replies: tuple[int, int] | None = None
    problems: Problems = field(default_factory=lambda: Problems(MAX_PROBLEMS))
    #: whose export it was, when it is not the first account the history holds (yours)
    another_account: str | None = None

    @property
    def total(self) -> int:
        return self.stored.sent + self.stored.received


def import_export(history: History, path: Path, *, another_account: bool = False, today: date | None = None) -> ImportSummary:
    """Read an export into the history: staged in bounded memory, then merged in one short transaction."""
    limits = import_limits()
    today = today or now().astimezone().date()
    problems, dates = Problems(MAX_PROBLEMS), Dates.around(today, limits)
    export = open_export(path, limits)
    try:
        with Staging(history, limits.batch) as staging:
            try:
                has_urls = stage_connections(export, staging, problems, dates)
                mine = stage_invitations(export, staging, problems, dates)
                messages = stage_senders(export, staging, problems, dates)
                profile = read_profile(export)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:  # a member that cannot be decompressed or read
                raise InputError(f"{path}: damaged zip ({exc}); download the export again") from None
            exported = export_date(export, today, problems.append)
            staging.settle(has_urls=bool(has_urls), messages=messages)
            found = account_of(mine, profile)
            try:
                stored = history.store_staged(
                    staging,
                    path=str(path),
                    export_date=exported.isoformat(),
                    found=found,
                    another_account=another_account,
                    has_urls=bool(has_urls),
                )
            except OtherAccount as exc:
                raise InputError(
                    f"{path}: {exc}, whose exports this history holds; nothing imported. To keep another account's"
                    " invitations apart in the same history, import it with --another-account"
                ) from None
            connections = staging.count("connections")
    finally:
        export.close()
    first_account = history.accounts()[0].id
    summary = ImportSummary(
        path=path, export_date=exported.isoformat(), stored=stored, connections=connections, problems=problems
    )
    if messages:
        summary.replies = (stored.replied, stored.answered)
    if stored.account != first_account:
        summary.another_account = found.label()
    return summary


def account_of(mine: Mine, profile: tuple[str | None, str | None]) -> Account:
    """Whose export it is: its own profile URL (from its invitations, else Profile.csv) and name (as its invitations
    name your side, else Profile.csv); neither when the export says nothing about it."""
    profile_name, profile_url = profile
    url = mine.url or profile_url
    name = mine.name or profile_name
    return Account(name=name, name_key=recipient_key(name), profile_url=url, profile_key=profile_key(url), added_at=now())


def import_file(path: Path, *, another_account: bool = False) -> ImportSummary:
    """`invite import`: open (or create) the history and read the export at `path` into it."""
    history = open_history()
    assert history is not None  # created when missing
    history.waiting = lambda attempt, attempts: output.info(BUSY_NOTICE.format(attempt=attempt, attempts=attempts))
    with history:
        summary = import_export(history, path, another_account=another_account)
        verdicts.judge(history, history.imported_scope(), "judging the notes imported")
        return summary
