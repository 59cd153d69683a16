"""The history file and its connection: where it lives, how it is opened, and how failures read.

The file lives in the user data folder (`~/.local/share/invite-composer/history.sqlite3` on Linux;
`INVITE_COMPOSER_HISTORY` overrides it), readable by its owner only. It runs in WAL mode with a busy
timeout, so a `draft` and a `merge` writing at once both land: each write is a short
`BEGIN IMMEDIATE` transaction and the other waits for it. `secure_delete` is on, and `checkpoint`
folds the WAL into the file, so forgotten notes do not linger in it. Every SQLite failure (a
damaged file, a lock held too long, a read-only folder) becomes one `HistoryError` that names the file.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from composer.config import user_data_dir
from composer.errors import InviteError

HISTORY_ENV = "INVITE_COMPOSER_HISTORY"
FILE_NAME = "history.sqlite3"
#: How long a write waits for another process's transaction before giving up.
BUSY_TIMEOUT_S = 10.0
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

    def checkpoint(self) -> None:
        """Fold the WAL into the file and truncate it, so deleted rows do not survive in the log."""
        with self.guard():
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


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
