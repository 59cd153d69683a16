"""Reading an export's CSV files row by row into an import's staging area, refusing what cannot be right.

- `Invitations.csv`: `From,To,Sent At,Message,Direction`, since late 2023 also
  `inviterProfileUrl,inviteeProfileUrl`. `Sent At` is US-ordered, 12-hour, without a zone
  (`1/29/26, 2:37 PM`), kept as the export gives it. `Message` is usually empty. The side that is
  not the other person (From of a sent one, To of a received one, and their URLs) is the
  account the export belongs to.
- `Connections.csv`: who is connected now, and since when (`Connected On`, `30 Jan 2026`), after a
  `Notes:` preamble in recent exports; older ones have no `URL` column, and hidden members' rows
  carry only the date.
- `messages.csv` (optional): every message, one a row (`FROM`, `SENDER PROFILE URL`, `DATE` in UTC
  as `2026-02-01 10:22:33 UTC`, ...). Only who wrote when is kept, to tell whether someone who
  accepted your invitation wrote to you on or after the day you connected ("replied").
- `Profile.csv` (optional): the account holder's name, when no invitation names it.

Nothing is held per row: each row goes to the staging area as it is read (`composer.history.store.Staging`),
and problems past the first few are only counted. A row is refused, with a warning naming
`file:line`, when it cannot be read (a cell or a line over the caps, a bad direction or date) or
its date cannot be right: after tomorrow (a misread year: `12/31/68` is 2068) or before LinkedIn
existed (the year 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from composer.csvtable import Record
from composer.errors import InputError
from composer.history.people import profile_key, recipient_key
from composer.history.store import Invitation, Staging, to_minutes
from composer.linkedin.export import CONNECTIONS, EXPECTED, INVITATIONS, MESSAGES, PROFILE, Export
from composer.linkedin.settings import ImportLimits
from composer.similarity import fold

#: `Connected On` as exports have written it: `30 Jan 2026` (the usual), and a few older spellings.
CONNECTED_ON_FORMATS = ("%d %b %Y", "%d-%b-%y", "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d")
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


@dataclass
class Problems:
    """What was not imported, each as `file:line: why`: the first `keep` in full, the rest only counted."""

    keep: int
    shown: list[str] = field(default_factory=list)
    count: int = 0

    def append(self, problem: str) -> None:
        self.count += 1
        if len(self.shown) < self.keep:
            self.shown.append(problem)


@dataclass(frozen=True)
class Dates:
    """The days a row's date may fall on: from LinkedIn's opening to tomorrow."""

    earliest: date
    latest: date

    @classmethod
    def around(cls, today: date, limits: ImportLimits) -> Dates:
        return cls(limits.earliest, today + timedelta(days=limits.future_days))

    def wrong(self, day: date) -> str | None:
        """Why a row's date cannot be right, or None."""
        if day > self.latest:
            return f"after {self.latest.isoformat()} (tomorrow): a misread year?"
        if day < self.earliest:
            return f"before {self.earliest.isoformat()}, when LinkedIn did not exist yet"
        return None


@dataclass
class Mine:
    """The export's own side, as its invitations name it: whose export it is."""

    name: str | None = None
    url: str | None = None

    def see(self, name: str, url: str) -> None:
        self.name = self.name or name.strip() or None
        self.url = self.url or url.strip() or None


def _columns(header: list[str]) -> dict[str, str]:
    return {header_key(column): column for column in header}


def _unreadable(record: Record, where: str, problems: Problems) -> bool:
    """Name an unreadable row (over a cap) in `problems`; whether it was one."""
    if record.unreadable:
        problems.append(f"{where}: {record.problem}; row skipped")
    return record.unreadable


def stage_connections(export: Export, staging: Staging, problems: Problems, dates: Dates) -> bool | None:
    """Connections.csv into the staging area; hidden members (no name, no URL) are skipped. Whether it has a URL
    column (so people are matched by URL), or None when the export has no Connections.csv."""
    if CONNECTIONS not in export.members:
        problems.append(f"{export.path}: no Connections.csv; without it no invitation can be called accepted")
        return None
    with export.open(CONNECTIONS) as table:
        columns = _columns(table.header)
        first, last, url = columns.get("firstname"), columns.get("lastname"), columns.get("url")
        connected_on = columns.get("connectedon")
        if first is None:
            raise InputError(
                f"{table.path}: expected the columns First Name, Last Name, URL, ... (found {', '.join(table.header)})"
            )
        for record in table.records():
            if _unreadable(record, f"{table.path}:{record.line}", problems):
                continue
            cells = record.cells
            name = recipient_key(" ".join(cells.get(c, "") for c in (first, last) if c))
            key = profile_key(cells.get(url, "")) if url else None
            if name is None and key is None:
                continue  # a hidden member: only the date is exported
            since = parse_connected_on(cells.get(connected_on, "")) if connected_on else None
            if since is not None and (why := dates.wrong(since)):
                shown = cells[connected_on or ""]
                problems.append(f"{table.path}:{record.line}: Connected On {shown!r} is {why}; kept without it")
                since = None
            staging.connection(key, name, since)
    return url is not None


def stage_invitations(export: Export, staging: Staging, problems: Problems, dates: Dates) -> Mine:
    """Invitations.csv into the staging area, row by row; a row that cannot be read or dated is named in `problems`
    and skipped. Returns the export's own side, as the rows name it."""
    mine = Mine()
    with export.open(INVITATIONS) as table:
        columns = _columns(table.header)
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
            row = _invitation(record, columns, f"{table.path}:{record.line}", problems, dates)
            if row is None:
                continue
            incoming = row.direction == "incoming"
            own_url = columns.get("inviteeprofileurl" if incoming else "inviterprofileurl")
            mine.see(record.cells[columns["to" if incoming else "from"]], record.cells.get(own_url, "") if own_url else "")
            staging.invitation(row)
    return mine


def _invitation(record: Record, columns: dict[str, str], where: str, problems: Problems, dates: Dates) -> Invitation | None:
    """One row of Invitations.csv as it is staged, or None (and why in `problems`)."""
    if record.problem:
        problems.append(f"{where}: {record.problem}{'; row skipped' if record.unreadable else ''}")
        return None
    cells = record.cells
    direction = cells[columns["direction"]].strip().lower()
    if direction not in ("incoming", "outgoing"):
        problems.append(f"{where}: Direction {cells[columns['direction']]!r} is neither INCOMING nor OUTGOING")
        return None
    sent_at = parse_sent_at(cells[columns["sentat"]])
    if sent_at is None:
        problems.append(f"{where}: Sent At {cells[columns['sentat']]!r} is not a date like 1/29/26, 2:37 PM")
        return None
    if why := dates.wrong(sent_at.date()):
        problems.append(f"{where}: Sent At {cells[columns['sentat']]!r} is {why}; row skipped")
        return None
    incoming = direction == "incoming"
    person = cells[columns["from" if incoming else "to"]].strip() or None
    url_column = columns.get("inviterprofileurl" if incoming else "inviteeprofileurl")
    url = (cells.get(url_column, "").strip() if url_column else "") or None
    return Invitation(
        # the name only folded, not cleaned: identities stored by earlier versions must stay the same
        identity=f"{direction}|{to_minutes(sent_at)}|{fold(person or '')}",
        direction=direction,
        sent_at=sent_at,
        person=person,
        person_key=recipient_key(person),
        profile_url=url,
        profile_key=profile_key(url),
        message=cells.get(columns.get("message", ""), "").strip(),
    )


def stage_senders(export: Export, staging: Staging, problems: Problems, dates: Dates) -> bool:
    """Who wrote to you when, from messages.csv, into the staging area; False when the export has none, or it lacks
    FROM or DATE (then replies are not counted)."""
    if MESSAGES not in export.members:
        return False
    with export.open(MESSAGES) as table:
        columns = _columns(table.header)
        sender, url, sent = columns.get("from"), columns.get("senderprofileurl"), columns.get("date")
        if sender is None or sent is None:
            problems.append(f"{table.path}: no FROM or DATE column (found {', '.join(table.header)}); replies not counted")
            return False
        for record in table.records():
            if _unreadable(record, f"{table.path}:{record.line}", problems):
                continue
            moment = parse_sent_at(record.cells.get(sent, ""))
            if record.problem or moment is None:
                continue  # a message we cannot date says nothing about replies; not worth a warning each
            if why := dates.wrong(moment.date()):
                problems.append(f"{table.path}:{record.line}: DATE {record.cells[sent]!r} is {why}; row skipped")
                continue
            cells = record.cells
            staging.sender(profile_key(cells.get(url, "")) if url else None, recipient_key(cells.get(sender, "")), moment)
    return True


def read_profile(export: Export) -> tuple[str | None, str | None]:
    """(name, profile URL) of the account holder from Profile.csv's first row; Nones when there is none."""
    if PROFILE not in export.members:
        return None, None
    try:
        with export.open(PROFILE) as table:
            columns = _columns(table.header)
            record = next((r for r in table.records() if not r.unreadable), None)
    except InputError:  # an empty or unreadable Profile.csv says nothing about whose export it is
        return None, None
    if record is None:
        return None, None
    cells = record.cells
    name = " ".join(cells.get(columns.get(c, ""), "").strip() for c in ("firstname", "lastname")).strip()
    url = next((cells.get(columns[c], "").strip() for c in ("profileurl", "publicprofileurl", "url") if c in columns), "")
    return name or None, url or None
