"""The history file and its connection: where it lives, how it is opened, and how failures read.

The file lives in the user data folder (`~/.local/share/invite-composer/history.sqlite3` on Linux;
`INVITE_COMPOSER_HISTORY` overrides it), readable by its owner only. It runs in WAL mode, so readers
never wait for a writer, and with a busy timeout of about a second, so a `draft` and a `merge` writing
at once both land: each write is a short `BEGIN IMMEDIATE` transaction and the other waits for it,
asking again a few times (`WRITE_ATTEMPTS`) before it gives up and says so. No writer holds the lock
longer than that: `invite import` stages an export outside the file and merges it in short
transactions (`staging`, `merging`), one import at a time (`import_lock`). `secure_delete` is on,
and `checkpoint` folds the WAL into the file, so forgotten notes do not linger in it.

Every SQLite failure becomes one `HistoryError` that names the file and tells the cases apart: a
full disk ("disk full": nothing was changed, so nothing is to be deleted), a lock held too long, a
file that cannot be opened, and only a damaged file is called damaged.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from composer.config import user_data_dir
from composer.errors import InviteError

HISTORY_ENV = "INVITE_COMPOSER_HISTORY"
FILE_NAME = "history.sqlite3"
#: How long a statement waits for another process's write transaction before SQLite answers "busy".
BUSY_TIMEOUT_S = 1.0
#: How many times a write transaction asks for the lock (each waiting up to BUSY_TIMEOUT_S) before giving up.
WRITE_ATTEMPTS = 3
#: The pause between two attempts, so a writer that just finished can be followed by another.
RETRY_PAUSE_S = 0.2
#: What a command says each time it asks for the lock again (`Database.waiting` is told when).
BUSY_NOTICE = "the history is busy (another invite command is writing it); trying again ({attempt} of {attempts})"
#: SQLite's primary result codes that decide what a failure is called (`sqlite_errorcode & 0xFF`).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 5, 6, 11, 13, 14, 26
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
    """A stored moment read back (`fromisoformat`: ten times `strptime`'s speed, for the thousands a check may read)."""
    if not text.endswith("Z"):
        raise ValueError(f"not a stored moment: {text!r}")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def escape_like(text: str) -> str:
    """`%text%` for `LIKE ? ESCAPE '\\'`: the text's own `%`, `_` and backslashes match only themselves."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def now() -> datetime:
    return datetime.now(UTC)


class Database:
    """An open connection to the history file, with the plumbing every table's queries share."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.connection = connection
        #: Told (attempt, attempts) before a write asks for the lock again, so a command can say it is waiting.
        self.waiting: Callable[[int, int], None] | None = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """SQLite failures as one HistoryError naming the file."""
        with translate_errors(self.path):
            yield

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the lock up front (`BEGIN IMMEDIATE`), so it never deadlocks midway."""
        with self.guard():
            self._begin()
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def _begin(self) -> None:
        """`BEGIN IMMEDIATE`, asked again (WRITE_ATTEMPTS in all) while another process holds the write lock."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                self.connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or attempt == WRITE_ATTEMPTS:
                    raise
            if self.waiting is not None:
                self.waiting(attempt + 1, WRITE_ATTEMPTS)
            time.sleep(RETRY_PAUSE_S)

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Any]:
        with self.guard():
            return self.connection.execute(sql, params).fetchall()

    def checkpoint(self) -> None:
        """Fold the WAL into the file and truncate it, so deleted rows do not survive in the log."""
        with self.guard():
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """sqlite3 and OS errors as one HistoryError: what is wrong with which file, and what to do."""
    try:
        yield
    except sqlite3.Error as exc:
        raise history_error(path, exc) from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise HistoryError(disk_full(path)) from None
        raise HistoryError(f"{path}: cannot use the history database: {exc.strerror or exc}") from None


def disk_full(path: Path) -> str:
    """What a full disk is called: SQLite rolled the write back, so the file is as it was; never delete it."""
    return f"disk full: free some space; the history at {path} is unchanged"


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether SQLite says another connection holds the lock (SQLITE_BUSY or SQLITE_LOCKED)."""
    code = _primary_code(exc)
    return code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in str(exc) or "busy" in str(exc)


def history_error(path: Path, exc: sqlite3.Error) -> HistoryError:
    """The message for one SQLite failure, by its result code (or its text, for an error without one)."""
    text, code = str(exc), _primary_code(exc)
    if code == SQLITE_FULL or "disk is full" in text:
        return HistoryError(disk_full(path))
    if is_busy(exc):
        waited = BUSY_TIMEOUT_S * WRITE_ATTEMPTS + RETRY_PAUSE_S * (WRITE_ATTEMPTS - 1)
        return HistoryError(f"{path}: the history is locked by another invite process (waited {waited:g} s); try again")
    damaged = code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text or "not a database" in text
    if damaged or (code is None and type(exc) is sqlite3.DatabaseError):
        return HistoryError(f"{path}: the history database is damaged ({text}); move it aside or delete it")
    if code == SQLITE_CANTOPEN or "unable to open" in text or "readonly" in text:
        return HistoryError(f"{path}: cannot open the history database: {text}")
    if "disk I/O" in text:
        return HistoryError(f"{path}: cannot use the history database: {text} (a full or failing disk?); nothing was changed")
    return HistoryError(f"{path}: cannot use the history database: {text}")


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


@contextmanager
def import_lock(path: Path) -> Iterator[None]:
    """One import at a time writes a history: an advisory lock on `<history>.import-lock`, held while it merges."""
    try:
        import fcntl
    except ImportError:  # not POSIX: imports are not serialised
        yield
        return
    with translate_errors(path):
        descriptor = os.open(path.with_name(path.name + ".import-lock"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise HistoryError(
                f"{path}: another `invite import` is reading an export into this history; try again when it has finished"
            ) from None
        yield
    finally:
        os.close(descriptor)


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection to the file (created owner-only when `create`), with the busy timeout and pragmas set."""
    with translate_errors(path):
        if path.is_dir():
            raise HistoryError(f"{path}: is a folder, not a history database")
        if create:
            _create_private(path)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        with translate_errors(path):
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA secure_delete = ON")
    except BaseException:
        connection.close()
        raise
    return connection


def use_wal(connection: sqlite3.Connection) -> None:
    """WAL mode (kept in the file once set)."""
    [(mode,)] = connection.execute("PRAGMA journal_mode").fetchall()
    if str(mode).lower() != "wal":
        connection.execute("PRAGMA journal_mode = WAL").fetchall()


def retry_while_busy(step: Callable[[], None]) -> None:
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
            if not is_busy(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _create_private(path: Path) -> None:
    """The folder and an empty file, owner-only, before SQLite creates them with the umask's mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
