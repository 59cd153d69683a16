"""Reading LinkedIn's data export ("Get a copy of your data") into the history: `invite import`.

The export is a zip (`Basic_LinkedInDataExport_MM-DD-YYYY.zip` or `Complete_...`) or its unpacked
folder; the two files used are found by name, case-insensitively and ignoring spaces and
underscores, wherever they sit in it:

- `Invitations.csv`: `From,To,Sent At,Message,Direction`, since late 2023 also
  `inviterProfileUrl,inviteeProfileUrl`. `Sent At` is US-ordered, 12-hour, without a zone
  (`1/29/26, 2:37 PM`), kept as the export gives it. `Message` is usually empty.
- `Connections.csv`: who is connected now, and since when (`Connected On`, `30 Jan 2026`), after a
  `Notes:` preamble in recent exports; older ones have no `URL` column, and hidden members' rows
  carry only the date.
- `messages.csv` (optional): every message, one a row (`FROM`, `SENDER PROFILE URL`, `DATE` in UTC
  as `2026-02-01 10:22:33 UTC`, ...). Only who wrote when is kept, to tell whether someone who
  accepted your invitation wrote to you on or after the day you connected ("replied").

People are matched by profile URL when both files have one, else by full name, and each
invitation says which. A sent invitation is accepted once its invitee is a connection; a received
one is pending while its inviter is not. Both states are sticky across imports (once connected,
always answered), and re-importing the same or a newer export only updates them: every invitation
has an identity (direction, time, the other person's name), so nothing is stored twice. Files are
streamed, so a 50,000-invitation export takes seconds, and a malformed row is reported by file
and line while the rest imports.
Dates of messages (UTC) and connections (a day) are compared by day, so a reply can be off by one.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from composer.csvtable import Table, read_table
from composer.errors import InputError
from composer.history.people import profile_key, recipient_key
from composer.history.store import History, now, open_history, to_minutes
from composer.history.store import Invitation as StoredInvitation
from composer.similarity import fold

INVITATIONS = "invitations.csv"
CONNECTIONS = "connections.csv"
MESSAGES = "messages.csv"
#: The files `open_export` looks for; Invitations.csv is the one required.
FILES = (INVITATIONS, CONNECTIONS, MESSAGES)
#: `Connected On` as exports have written it: `30 Jan 2026` (the usual), and a few older spellings.
CONNECTED_ON_FORMATS = ("%d %b %Y", "%d-%b-%y", "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d")
EXPECTED = (
    "expected LinkedIn's data export: the .zip from 'Get a copy of your data' "
    "(Basic_LinkedInDataExport_MM-DD-YYYY.zip) or its unpacked folder, with Invitations.csv in it"
)
#: `Sent At` as exports have written it: `1/29/26, 2:37 PM` (the usual), a four-digit year, 24-hour, ISO.
SENT_AT_FORMATS = (
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%y, %H:%M",
    "%m/%d/%Y, %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
)
_EXPORT_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
#: Problems listed one by one in the summary before the rest are only counted.
MAX_PROBLEMS = 20


def file_key(name: str) -> str:
    """How export files are recognised: the base name, lower-cased, without spaces and underscores."""
    return re.sub(r"[\s_]+", "", name.rsplit("/", 1)[-1]).lower()


def header_key(name: str) -> str:
    """How columns are recognised: lower-cased, without spaces and underscores (`Sent At` is `sentat`)."""
    return re.sub(r"[\s_]+", "", name).lower()


def parse_sent_at(text: str) -> datetime | None:
    """A `Sent At` value as a naive local time, or None when no known format fits."""
    cleaned = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split()).removesuffix(" UTC")
    for pattern in SENT_AT_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    return None


def parse_connected_on(text: str) -> date | None:
    """A `Connected On` value as a date, or None when no known format fits."""
    cleaned = " ".join(text.split())
    for pattern in CONNECTED_ON_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- finding the files


@dataclass
class Export:
    """An export on disk: its name, the date in that name, and where its two files are."""

    path: Path
    members: dict[str, str]
    archive: zipfile.ZipFile | None = None

    @property
    def export_date(self) -> date | None:
        found = _EXPORT_DATE.search(self.path.name)
        if not found:
            return None
        month, day, year = (int(part) for part in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None

    def label(self, key: str) -> str:
        return f"{self.path}:{self.members[key]}" if self.archive else self.members[key]

    @contextmanager
    def open(self, key: str) -> Iterator[Table]:
        """One of the export's CSV files, as a streamed table."""
        handle: TextIO
        if self.archive is not None:
            raw = self.archive.open(self.members[key])
            handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        else:
            handle = Path(self.members[key]).open("r", encoding="utf-8-sig", newline="")  # noqa: SIM115 (the table closes it)
        with read_table(handle, self.label(key)) as table:
            yield table

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def open_export(path: Path) -> Export:
    """Find Invitations.csv (required), Connections.csv and messages.csv (optional) in a zip or a folder."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder; {EXPECTED}")
    archive = None
    members: dict[str, str] = {}
    if path.is_dir():
        for found in sorted(path.rglob("*")):
            if found.is_file() and file_key(found.name) in FILES:
                members.setdefault(file_key(found.name), str(found))
    else:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise InputError(f"{path}: not a zip file or a folder; {EXPECTED}") from None
        for name in archive.namelist():
            if not name.endswith("/") and file_key(name) in FILES:
                members.setdefault(file_key(name), name)
    if INVITATIONS not in members:
        if archive is not None:
            archive.close()
        raise InputError(f"{path}: no Invitations.csv in it; {EXPECTED}")
    return Export(path, members, archive)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Invitation:
    """One row of Invitations.csv, seen from this side: the other person, when, and the note."""

    direction: str
    sent_at: datetime
    person: str | None
    profile_url: str | None
    message: str

    @property
    def identity(self) -> str:
        # the name only folded, not cleaned: identities stored by earlier versions must stay the same
        return f"{self.direction}|{to_minutes(self.sent_at)}|{fold(self.person or '')}"


@dataclass
class Connections:
    """Who is connected now, by profile key and by name key, and since when (None when the date is unreadable)."""

    profiles: dict[str, date | None] = field(default_factory=dict)
    names: dict[str, date | None] = field(default_factory=dict)
    has_urls: bool = False
    count: int = 0

    def match(self, profile: str | None, name: str | None) -> str | None:
        """How an invitation's other person is found among the connections ("profile URL", "name"), or None."""
        if profile and self.has_urls:
            return "profile URL" if profile in self.profiles else None
        if name and name in self.names:
            return "name"
        return None

    def since(self, profile: str | None, name: str | None) -> date | None:
        """The day you connected with them, found as `match` finds them; None when unknown."""
        how = self.match(profile, name)
        if how == "profile URL" and profile:
            return self.profiles[profile]
        return self.names[name] if how == "name" and name else None


@dataclass
class Senders:
    """From messages.csv: the newest message each person sent, by profile key and by name key."""

    profiles: dict[str, datetime] = field(default_factory=dict)
    names: dict[str, datetime] = field(default_factory=dict)

    def add(self, profile: str | None, name: str | None, moment: datetime) -> None:
        for keys, key in ((self.profiles, profile), (self.names, name)):
            if key and (key not in keys or keys[key] < moment):
                keys[key] = moment

    def newest(self, profile: str | None, name: str | None) -> datetime | None:
        """Their newest message, found by profile URL, else by full name (message files may spell URLs otherwise)."""
        by_profile = self.profiles.get(profile) if profile else None
        return by_profile or (self.names.get(name) if name else None)


def read_connections(export: Export, problems: list[str]) -> Connections:
    """Connections.csv, if the export has one; hidden members (no name, no URL) are skipped."""
    connections = Connections()
    if CONNECTIONS not in export.members:
        problems.append(f"{export.path}: no Connections.csv; without it no invitation can be called accepted")
        return connections
    with export.open(CONNECTIONS) as table:
        columns = {header_key(column): column for column in table.header}
        first, last, url = columns.get("firstname"), columns.get("lastname"), columns.get("url")
        connected_on = columns.get("connectedon")
        if first is None:
            raise InputError(
                f"{table.path}: expected the columns First Name, Last Name, URL, ... (found {', '.join(table.header)})"
            )
        connections.has_urls = url is not None
        for record in table.records():
            cells = record.cells
            name = recipient_key(" ".join(cells.get(c, "") for c in (first, last) if c))
            key = profile_key(cells.get(url, "")) if url else None
            if name is None and key is None:
                continue  # a hidden member: only the date is exported
            connections.count += 1
            since = parse_connected_on(cells.get(connected_on, "")) if connected_on else None
            if key:
                connections.profiles[key] = since
            if name:  # two connections of one name: the later date, so a reply is never counted too early
                earlier = connections.names.get(name)
                connections.names[name] = max(since, earlier) if since and earlier else since or earlier
    return connections


def read_senders(export: Export, problems: list[str]) -> Senders | None:
    """Who wrote to you when, from messages.csv; None when the export has none or it lacks FROM or DATE."""
    if MESSAGES not in export.members:
        return None
    with export.open(MESSAGES) as table:
        columns = {header_key(column): column for column in table.header}
        sender, url, sent = columns.get("from"), columns.get("senderprofileurl"), columns.get("date")
        if sender is None or sent is None:
            problems.append(f"{table.path}: no FROM or DATE column (found {', '.join(table.header)}); replies not counted")
            return None
        senders = Senders()
        for record in table.records():
            moment = parse_sent_at(record.cells.get(sent, ""))
            if record.problem or moment is None:
                continue  # a message we cannot date says nothing about replies; not worth a warning each
            cells = record.cells
            senders.add(profile_key(cells.get(url, "")) if url else None, recipient_key(cells.get(sender, "")), moment)
    return senders


def read_invitations(export: Export, problems: list[str]) -> Iterator[Invitation]:
    """Invitations.csv row by row; a row that cannot be read is named in `problems` and skipped."""
    with export.open(INVITATIONS) as table:
        columns = {header_key(column): column for column in table.header}
        missing = [
            name
            for key, name in (("from", "From"), ("to", "To"), ("sentat", "Sent At"), ("direction", "Direction"))
            if key not in columns
        ]
        if missing:
            raise InputError(
                f"{table.path}: expected the columns From, To, Sent At, Message, Direction "
                f"(missing {', '.join(missing)}); {EXPECTED}"
            )
        for record in table.records():
            where = f"{table.path}:{record.line}"
            if record.problem:
                problems.append(f"{where}: {record.problem}")
                continue
            cells = record.cells
            direction = cells[columns["direction"]].strip().lower()
            if direction not in ("incoming", "outgoing"):
                problems.append(f"{where}: Direction {cells[columns['direction']]!r} is neither INCOMING nor OUTGOING")
                continue
            sent_at = parse_sent_at(cells[columns["sentat"]])
            if sent_at is None:
                problems.append(f"{where}: Sent At {cells[columns['sentat']]!r} is not a date like 1/29/26, 2:37 PM")
                continue
            incoming = direction == "incoming"
            person = cells[columns["from" if incoming else "to"]].strip() or None
            url_column = columns.get("inviterprofileurl" if incoming else "inviteeprofileurl")
            url = cells.get(url_column, "").strip() if url_column else ""
            message = cells.get(columns.get("message", ""), "").strip()
            yield Invitation(direction, sent_at, person, url or None, message)


# --------------------------------------------------------------------------- storing


@dataclass
class ImportSummary:
    """What an import found and changed, for the summary line and the tests."""

    path: Path
    export_date: str
    sent: int = 0
    received: int = 0
    sent_notes: int = 0
    received_notes: int = 0
    accepted: int = 0
    pending: int = 0
    first: datetime | None = None
    last: datetime | None = None
    new: int = 0
    connections: int = 0
    by_url: int = 0
    by_name: int = 0
    #: (replied after connecting, accepted) from messages.csv; None when the export has no messages
    replies: tuple[int, int] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.received


def import_export(history: History, path: Path) -> ImportSummary:
    """Read an export into the history in one transaction; states of invitations already there are updated."""
    export = open_export(path)
    problems: list[str] = []
    try:
        connections = read_connections(export, problems)
        invitations = list(read_invitations(export, problems))
        senders = read_senders(export, problems)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:  # a member that cannot be decompressed
        raise InputError(f"{path}: damaged zip ({exc}); download the export again") from None
    finally:
        export.close()
    exported = export.export_date or max((i.sent_at.date() for i in invitations), default=now().date())
    summary = ImportSummary(path=path, export_date=exported.isoformat(), connections=connections.count, problems=problems)
    rows = [_row(i, connections, senders) for i in invitations]
    if senders is not None:
        answered = [row.replied for row in rows if row.replied is not None]
        summary.replies = (sum(answered), len(answered))
    stored = history.store_export(
        rows,
        path=str(path),
        export_date=summary.export_date,
        connections=connections.count,
        match=connections.match,
    )
    summary.new = stored.new
    _count(invitations, stored.states, summary)
    return summary


def import_file(path: Path) -> ImportSummary:
    """`invite import`: open (or create) the history and read the export at `path` into it."""
    history = open_history()
    assert history is not None  # created when missing
    with history:
        return import_export(history, path)


def _row(invitation: Invitation, connections: Connections, senders: Senders | None) -> StoredInvitation:
    """The row an invitation is stored as, with the other person's keys, whether they are a connection now,
    and (sent, accepted, and the export has messages) whether they wrote to you after connecting."""
    person_key, key = recipient_key(invitation.person), profile_key(invitation.profile_url)
    matched = connections.match(key, person_key)
    replied = None
    if senders is not None and matched is not None and invitation.direction == "outgoing":
        newest = senders.newest(key, person_key)
        since = max(invitation.sent_at.date(), connections.since(key, person_key) or date.min)
        replied = newest is not None and newest.date() >= since
    return StoredInvitation(
        identity=invitation.identity,
        direction=invitation.direction,
        sent_at=invitation.sent_at,
        person=invitation.person,
        person_key=person_key,
        profile_url=invitation.profile_url,
        profile_key=key,
        message=invitation.message,
        connected=matched is not None,
        matched_by=matched,
        replied=replied,
    )


def _count(invitations: list[Invitation], states: dict[str, tuple[bool, str | None]], summary: ImportSummary) -> None:
    """The summary's counts over the invitations this export listed, with their states as stored now."""
    listed = {i.identity: i for i in invitations}
    for identity, invitation in listed.items():
        connected, by = states.get(identity, (False, None))
        summary.by_name += by == "name"
        summary.by_url += by == "profile URL"
        if invitation.direction == "outgoing":
            summary.sent += 1
            summary.sent_notes += bool(invitation.message)
            summary.accepted += bool(connected)
        else:
            summary.received += 1
            summary.received_notes += bool(invitation.message)
            summary.pending += not connected
    if listed:
        summary.first = min(i.sent_at for i in listed.values())
        summary.last = max(i.sent_at for i in listed.values())
