"""The history database: one SQLite file on this machine, opened, migrated, written and read here.

Plain stdlib `sqlite3` with small explicit SQL, as sqlite-utils does it. The file lives in the user
data folder (`~/.local/share/invite-composer/history.sqlite3` on Linux; `INVITE_COMPOSER_HISTORY`
overrides it), readable by its owner only. It runs in WAL mode with a busy timeout, so a `draft` and
a `merge` writing at once both land: each write is a short `BEGIN IMMEDIATE` transaction and the
other waits for it. `secure_delete` is on, and `forget` checkpoints the WAL, so forgotten notes do
not linger in the file.

The schema is a list of numbered migrations (`migrations/NNNN_name.sql`), applied in order inside
one locked transaction and recorded in `schema_version`; a file from a newer version is refused
rather than guessed at. Every SQLite failure (a damaged file, a lock held too long, a read-only
folder) becomes one `HistoryError` that names the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from composer.config import user_data_dir
from composer.errors import InviteError
from composer.length import note_length

HISTORY_ENV = "INVITE_COMPOSER_HISTORY"
FILE_NAME = "history.sqlite3"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: How long a write waits for another process's transaction before giving up.
BUSY_TIMEOUT_S = 10.0
#: Rows per write transaction when recording a batch: short enough that a concurrent draft waits little.
CHUNK = 500
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class HistoryError(InviteError):
    """The history database cannot be used; the message names the file and what to do."""


def history_path() -> Path:
    """`$INVITE_COMPOSER_HISTORY`, else `history.sqlite3` in the user data folder."""
    override = os.environ.get(HISTORY_ENV)
    return Path(override).expanduser() if override else user_data_dir() / FILE_NAME


def to_text(moment: datetime) -> str:
    """A moment as stored: UTC, ISO 8601, seconds, a Z (sorts as text)."""
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def from_text(text: str) -> datetime:
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Note:
    """A note about to be checked against the history, then recorded."""

    text: str
    recipient: str | None = None
    profile_url: str | None = None
    relationship: str | None = None
    template: str | None = None
    account: str | None = None
    #: the recipient's own details (name, company), set aside when notes are compared
    recipient_values: tuple[str, ...] = ()
    #: where the note came from, for messages ("row 3")
    label: str | None = None


@dataclass(frozen=True)
class Recorded:
    """A note as the history holds it."""

    id: int
    sent_at: datetime
    command: str
    recipient: str | None
    profile_url: str | None
    relationship: str | None
    template: str | None
    text: str
    length: int
    account: str | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    run: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `invite history --format json`."""
        return {
            "id": self.id,
            "sent_at": to_text(self.sent_at),
            "command": self.command,
            "recipient": self.recipient,
            "profile_url": self.profile_url,
            "relationship": self.relationship,
            "template": self.template,
            "text": self.text,
            "length": self.length,
            "account": self.account,
            "findings": self.findings,
        }


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The numbered migrations shipped with this version, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        number, _, name = path.stem.partition("_")
        found.append(Migration(int(number), name, path.read_text(encoding="utf-8")))
    return found


def statements(sql: str) -> list[str]:
    """A migration script split into complete statements (executescript would commit our transaction)."""
    done, pending = [], ""
    for line in sql.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            done.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete statement in a migration: {pending.strip()[:60]!r}")
    return done


_NOTE_COLUMNS = "id, sent_at, command, recipient, profile_url, relationship, template, text, length, account, findings, run"


class History:
    """An open history database. Use `open_history()`; close it (or use `with`)."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.connection = connection

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def guard(self) -> Iterator[None]:
        """SQLite failures as one HistoryError naming the file."""
        with translate_errors(self.path):
            yield

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the lock up front (`BEGIN IMMEDIATE`), so it never deadlocks midway."""
        with self.guard():
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.guard():
            return self.connection.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ writing

    def record(
        self, items: Iterable[tuple[Note, Sequence[dict[str, Any]], str]], *, command: str, at: datetime | None = None
    ) -> tuple[str, int]:
        """Record notes (each with its findings and skeleton) as one run, sent now (or `at`); returns the run id and count."""
        from composer.history.people import profile_key, recipient_key

        run = os.urandom(6).hex()
        moment = to_text(at or now())
        rows = (
            (
                moment,
                run,
                command,
                note.recipient,
                recipient_key(note.recipient),
                note.profile_url,
                profile_key(note.profile_url),
                note.relationship,
                note.template,
                note.text,
                note_length(note.text),
                note.account,
                json.dumps(list(findings), ensure_ascii=False),
                skel,
            )
            for note, findings, skel in items
        )
        count = 0
        while True:
            chunk = [row for _, row in zip(range(CHUNK), rows, strict=False)]
            if not chunk:
                return run, count
            with self.transaction() as db:
                db.executemany(
                    "INSERT INTO notes (sent_at, run, command, recipient, recipient_key, profile_url, profile_key,"
                    " relationship, template, text, length, account, findings, skeleton)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    chunk,
                )
            count += len(chunk)

    def forget(self, *, recipient: str | None = None, everything: bool = False, last_run: bool = False) -> int:
        """Delete one recipient's notes (by profile URL or exact name), the last run's, or all; returns how many."""
        from composer.history.people import looks_like_url, profile_key, recipient_key

        notes: tuple[str, list[str | None]]
        invitations: tuple[str, list[str | None]]
        if everything:
            notes, invitations = ("1", []), ("1", [])
        elif last_run:
            notes, invitations = ("run = (SELECT run FROM notes ORDER BY id DESC LIMIT 1)", []), ("0", [])
        elif looks_like_url(recipient):
            key = profile_key(recipient)
            notes, invitations = ("profile_key = ?", [key]), ("profile_key = ?", [key])
        else:
            key = recipient_key(recipient)
            notes, invitations = ("recipient_key = ?", [key]), ("person_key = ?", [key])
        with self.transaction() as db:
            count: int = db.execute(f"DELETE FROM notes WHERE {notes[0]}", notes[1]).rowcount
            count += db.execute(f"DELETE FROM invitations WHERE {invitations[0]}", invitations[1]).rowcount
            if everything:
                db.execute("DELETE FROM imports")
        self.checkpoint()
        return count

    def forget_export(self) -> int:
        """Delete everything `invite import` added (invitations and the record of imports); returns the invitations."""
        with self.transaction() as db:
            count: int = db.execute("DELETE FROM invitations WHERE source = 'export'").rowcount
            db.execute("DELETE FROM imports")
        self.checkpoint()
        return count

    def checkpoint(self) -> None:
        """Fold the WAL into the file and truncate it, so deleted rows do not survive in the log."""
        with self.guard():
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    # ------------------------------------------------------------------ reading

    def notes(
        self,
        *,
        since: datetime | None = None,
        template: str | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[Recorded]:
        """Recorded notes, newest first, filtered by time, template and text (recipient or note, any case)."""
        where: list[str] = ["1"]
        params: list[Any] = []
        if since is not None:
            where.append("sent_at >= ?")
            params.append(to_text(since))
        if template is not None:
            where.append("template = ?")
            params.append(template)
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(text LIKE ? ESCAPE '\\' OR recipient LIKE ? ESCAPE '\\' OR profile_url LIKE ? ESCAPE '\\')")
            params += [pattern, pattern, pattern]
        sql = f"SELECT {_NOTE_COLUMNS} FROM notes WHERE {' AND '.join(where)} ORDER BY sent_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_recorded(row) for row in self.query(sql, params)]

    def latest_for(self, *, profile: str | None = None, name: str | None = None, unprofiled: bool = False) -> Recorded | None:
        """The newest note to this profile key, or (given instead) this name key; `unprofiled`: only notes without a URL."""
        column, value = ("profile_key", profile) if profile is not None else ("recipient_key", name)
        extra = " AND profile_key IS NULL" if unprofiled else ""
        rows = self.query(
            f"SELECT {_NOTE_COLUMNS} FROM notes WHERE {column} = ?{extra} ORDER BY sent_at DESC, id DESC LIMIT 1", [value]
        )
        return _recorded(rows[0]) if rows else None

    def invited_in_export(self, *, profile: str | None = None, name: str | None = None) -> tuple[str, str] | None:
        """(sent at, as the export gives it; and "profile URL" or "name") of the newest invitation you sent them
        that an imported LinkedIn export lists; None when there is none."""
        searches = (
            ("profile_key = ?", [profile], profile, "profile URL"),
            # a name only counts where one side has no URL: two URLs that differ are two people
            ("person_key = ? AND (profile_key IS NULL OR ? IS NULL)", [name, profile], name, "name"),
        )
        for where, params, value, by in searches:
            if value is None:
                continue
            rows = self.query(
                f"SELECT sent_at FROM invitations WHERE direction = 'outgoing' AND {where} ORDER BY sent_at DESC LIMIT 1", params
            )
            if rows:
                return rows[0][0], by
        return None

    def count_since(self, moment: datetime) -> int:
        """Notes with text recorded at or after a moment (what the monthly quota counts)."""
        [(count,)] = self.query("SELECT COUNT(*) FROM notes WHERE sent_at >= ? AND length > 0", [to_text(moment)])
        return int(count)

    def recent(self, since: datetime) -> list[tuple[str | None, str | None, str | None, datetime, str]]:
        """(recipient, recipient key, profile key, sent at, skeleton) of the notes since a moment, newest first."""
        rows = self.query(
            "SELECT recipient, recipient_key, profile_key, sent_at, skeleton FROM notes"
            " WHERE sent_at >= ? AND length > 0 ORDER BY sent_at DESC, id DESC",
            [to_text(since)],
        )
        return [(r, rk, pk, from_text(at), skel) for r, rk, pk, at, skel in rows]


def _recorded(row: Sequence[Any]) -> Recorded:
    (id_, sent_at, command, recipient, url, relationship, template, text, length, account, findings, run) = row
    try:
        parsed = json.loads(findings or "[]")
    except json.JSONDecodeError:
        parsed = []
    return Recorded(id_, from_text(sent_at), command, recipient, url, relationship, template, text, length, account, parsed, run)


# --------------------------------------------------------------------------- opening


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """sqlite3 and OS errors as one HistoryError: what is wrong with which file, and what to do."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise HistoryError(
                f"{path}: the history is locked by another invite process (waited {BUSY_TIMEOUT_S:g} s); try again"
            ) from None
        if "unable to open" in text or "readonly" in text or "disk I/O" in text:
            raise HistoryError(f"{path}: cannot open the history database: {text}") from None
        raise HistoryError(f"{path}: the history database is damaged ({text}); move it aside or delete it") from None
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        raise HistoryError(f"{path}: the history database is damaged ({exc}); move it aside or delete it") from None
    except OSError as exc:
        raise HistoryError(f"{path}: cannot use the history database: {exc.strerror or exc}") from None


def open_history(path: Path | None = None, *, create: bool = True) -> History | None:
    """Open (creating and migrating as needed) the history; None when `create` is off and there is none yet."""
    path = path or history_path()
    if not create and not path.exists():
        return None
    with translate_errors(path):
        if path.is_dir():
            raise HistoryError(f"{path}: is a folder, not a history database")
        if create:
            _create_private(path)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    history = History(path, connection)
    try:
        with history.guard():
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA secure_delete = ON")
            _retry_while_busy(lambda: _prepare(history))
    except BaseException:
        connection.close()
        raise
    return history


def _prepare(history: History) -> None:
    """WAL mode (kept in the file once set) and the migrations."""
    [(mode,)] = history.connection.execute("PRAGMA journal_mode").fetchall()
    if str(mode).lower() != "wal":
        history.connection.execute("PRAGMA journal_mode = WAL").fetchall()
    migrate(history)


def _retry_while_busy(step: Callable[[], None]) -> None:
    """Run a step, again while SQLite says busy, up to the busy timeout.

    Switching a new file to WAL needs every other connection out of it, and SQLite answers that
    (and a few other lock upgrades) with SQLITE_BUSY at once instead of calling its busy handler:
    two commands creating the history at the same moment would otherwise fail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _create_private(path: Path) -> None:
    """The folder and an empty file, owner-only, before SQLite creates them with the umask's mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def schema_version(history: History) -> int:
    """The last migration applied; 0 for a new file."""
    if not history.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"):
        return 0
    [(version,)] = history.query("SELECT COALESCE(MAX(version), 0) FROM schema_version")
    return int(version)


def migrate(history: History) -> None:
    """Apply the migrations the file has not seen, under the write lock (re-checked once it is held)."""
    known = migrations()
    latest = known[-1].number if known else 0
    current = schema_version(history)
    if current > latest:
        raise HistoryError(
            f"{history.path}: the history was written by a newer invite-composer (schema {current}; this one knows "
            f"{latest}); upgrade invite-composer"
        )
    if current == latest:
        return
    with history.transaction() as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version"
            " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        [(current,)] = db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchall()
        for migration in known:
            if migration.number <= current:
                continue
            for statement in statements(migration.sql):
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.number, migration.name, to_text(now())),
            )
