"""An import's staging area: an export's rows in TEMP tables on the history's connection, before one short merge.

`invite import` streams an export of any size through here in bounded memory. Rows go into TEMP
tables (`staged_invitations`, `staged_connections`, `staged_senders`) in batches of a few thousand;
TEMP tables live in SQLite's temporary file of this one connection, so staging takes no lock on the
history, and nobody else sees any of it. Who is connected, since when, and who wrote after
connecting are then worked out there, in SQL, still outside the history (`settle`). Only then is
the history written, by `merging`, in short transactions that are seen all at once.

An import stopped while staging (Ctrl-C, a kill, a full disk) leaves the history as it was, and
the TEMP tables vanish with the connection.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from datetime import date, datetime
from typing import Any

from composer.history.store.database import Database
from composer.history.store.rows import Invitation, to_minutes

#: The staged tables; `connected`, `matched_by` and `replied` are worked out by `settle`.
_TABLES = (
    "CREATE TEMP TABLE staged_invitations (identity TEXT PRIMARY KEY, direction TEXT NOT NULL, sent_at TEXT NOT NULL,"
    " person TEXT, person_key TEXT, profile_url TEXT, profile_key TEXT, message TEXT NOT NULL DEFAULT '',"
    " connected INTEGER NOT NULL DEFAULT 0, matched_by TEXT, replied INTEGER)",
    "CREATE TEMP TABLE staged_connections (profile_key TEXT, name_key TEXT, since TEXT)",
    "CREATE TEMP TABLE staged_senders (profile_key TEXT, name_key TEXT, moment TEXT)",
)
_INDEXES = (
    "CREATE INDEX temp.staged_connections_profile ON staged_connections (profile_key)",
    "CREATE INDEX temp.staged_connections_name ON staged_connections (name_key)",
    "CREATE INDEX temp.staged_senders_profile ON staged_senders (profile_key, moment)",
    "CREATE INDEX temp.staged_senders_name ON staged_senders (name_key, moment)",
)
#: The same invitation listed twice in one export: one row, as the merge into `invitations` would make it.
_INSERT = {
    "staged_invitations": "INSERT INTO staged_invitations"
    " (identity, direction, sent_at, person, person_key, profile_url, profile_key, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (identity) DO UPDATE SET"
    " profile_url = COALESCE(excluded.profile_url, staged_invitations.profile_url),"
    " profile_key = COALESCE(excluded.profile_key, staged_invitations.profile_key),"
    " message = CASE WHEN excluded.message != '' THEN excluded.message ELSE staged_invitations.message END",
    "staged_connections": "INSERT INTO staged_connections (profile_key, name_key, since) VALUES (?, ?, ?)",
    "staged_senders": "INSERT INTO staged_senders (profile_key, name_key, moment) VALUES (?, ?, ?)",
}
#: A page cache of this many KiB for the TEMP tables: enough to stage quickly, bounded whatever the export's size.
TEMP_CACHE_KIB = 16 * 1024


def match_sql(table: str, *, has_urls: bool) -> str:
    """How an invitation's other person is found among the staged connections: 'profile URL', 'name' or NULL.

    By profile URL when Connections.csv has URLs and the invitation names one (two URLs that differ
    are two people, whatever their names), else by full name.
    """
    by_name = f"EXISTS (SELECT 1 FROM temp.staged_connections c WHERE c.name_key = {table}.person_key)"
    if not has_urls:
        return f"(CASE WHEN {by_name} THEN 'name' END)"
    by_profile = f"EXISTS (SELECT 1 FROM temp.staged_connections c WHERE c.profile_key = {table}.profile_key)"
    return (
        f"(CASE WHEN {table}.profile_key IS NOT NULL THEN (CASE WHEN {by_profile} THEN 'profile URL' END)"
        f" WHEN {by_name} THEN 'name' END)"
    )


#: A sent, accepted invitation was answered when its person's newest message is dated on or after the later of
#: the day it was sent and the day you connected (the newest by profile URL, else by name).
_REPLIED = """
UPDATE staged_invitations SET replied = COALESCE(substr(COALESCE(
    (SELECT MAX(s.moment) FROM staged_senders s WHERE s.profile_key = staged_invitations.profile_key),
    (SELECT MAX(s.moment) FROM staged_senders s WHERE s.name_key = staged_invitations.person_key)), 1, 10)
  >= MAX(substr(sent_at, 1, 10), COALESCE(CASE matched_by WHEN 'profile URL'
        THEN (SELECT MAX(c.since) FROM staged_connections c WHERE c.profile_key = staged_invitations.profile_key)
        ELSE (SELECT MAX(c.since) FROM staged_connections c WHERE c.name_key = staged_invitations.person_key) END, '')), 0)
WHERE direction = 'outgoing' AND matched_by IS NOT NULL
"""


class Staging:
    """One import's TEMP tables on an open history; rows are buffered and written `batch` at a time."""

    def __init__(self, history: Database, batch: int) -> None:
        self.history = history
        self.batch = max(1, batch)
        self._pending: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _INSERT}
        with history.guard():
            connection = history.connection
            connection.execute("PRAGMA temp_store = FILE")  # on disk, not in memory, however big the export
            connection.execute(f"PRAGMA temp.cache_size = -{TEMP_CACHE_KIB}")
            for table in _INSERT:
                connection.execute(f"DROP TABLE IF EXISTS temp.{table}")  # left by an earlier import on this connection
            for statement in _TABLES:
                connection.execute(statement)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def invitation(self, row: Invitation) -> None:
        """Stage one listed invitation (its identity, time, the other person and the note)."""
        values = (row.identity, row.direction, to_minutes(row.sent_at), row.person, row.person_key)
        self._add("staged_invitations", (*values, row.profile_url, row.profile_key, row.message))

    def connection(self, profile: str | None, name: str | None, since: date | None) -> None:
        """Stage one connection: their keys, and the day you connected (None when unknown)."""
        self._add("staged_connections", (profile, name, since.isoformat() if since else None))

    def sender(self, profile: str | None, name: str | None, moment: datetime) -> None:
        """Stage one message's sender and when it was sent."""
        self._add("staged_senders", (profile, name, to_minutes(moment)))

    def _add(self, table: str, values: tuple[Any, ...]) -> None:
        rows = self._pending[table]
        rows.append(values)
        if len(rows) >= self.batch:
            self._write(table, rows)

    def flush(self) -> None:
        """Write what is buffered."""
        for table, rows in self._pending.items():
            if rows:
                self._write(table, rows)

    def _write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """One batch in one transaction on the TEMP tables only (the history's own lock is never taken)."""
        with self.history.guard():
            connection = self.history.connection
            connection.execute("BEGIN")
            try:
                connection.executemany(_INSERT[table], rows)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        rows.clear()

    def settle(self, *, has_urls: bool, messages: bool) -> None:
        """Work out, still in the TEMP tables, who each staged invitation's person is among the connections
        (`connected`, `matched_by`) and, with messages, whether they wrote after connecting (`replied`)."""
        self.flush()
        with self.history.guard():
            connection = self.history.connection
            for statement in _INDEXES:
                connection.execute(statement)
            connection.execute("BEGIN")
            try:
                match = match_sql("staged_invitations", has_urls=has_urls)
                connection.execute(f"UPDATE staged_invitations SET matched_by = {match}")
                connection.execute("UPDATE staged_invitations SET connected = matched_by IS NOT NULL")
                if messages:
                    connection.execute(_REPLIED)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def count(self, table: str) -> int:
        """How many rows a staged table holds (`invitations` or `connections`)."""
        [(count,)] = self.history.query(f"SELECT COUNT(*) FROM temp.staged_{table}")
        return int(count)

    def close(self) -> None:
        """Drop the TEMP tables (they would go with the connection anyway; this frees their disk now)."""
        for table in self._pending:
            self._pending[table] = []
        with suppress(sqlite3.Error):  # a connection already closed or failing: the tables go with it
            for table in _INSERT:
                self.history.connection.execute(f"DROP TABLE IF EXISTS temp.{table}")
