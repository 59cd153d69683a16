"""Merging a staged export into the history: many short transactions, seen all at once or not at all.

A big export must not hold the write lock for long (a `draft` meanwhile would wait, then fail to
record its note), and must never be half-imported. So `store_staged`:

1. records the import as not `complete`, under the account the export is (`settle_account`);
2. merges the staged rows a batch at a time, each batch its own short transaction: new invitations
   are inserted with `added_in` set to the import, hidden from every reader while it is not
   complete (`invitations.visible`); invitations already there get `seen_in` set to the import,
   their earlier `seen_in` kept in `previous_seen_in`, which readers use instead meanwhile
   (`invitations.listed_in`);
3. works out, outside the lock, what else changes in invitations already there (a URL or note the
   earlier export lacked, connected, replied) and which pending invitations the newest export shows
   connected now, into TEMP tables;
4. in one last short transaction, applies those (only the rows that change) and marks the import
   complete: everything it brought is seen from that commit on.

Stopped midway (Ctrl-C, a full disk, another process forgetting the imports), the import undoes
itself in short transactions too; killed, it is undone by the next import, and its rows stay
hidden until then. One import at a time: an advisory lock on a file beside the history
(`<history>.import-lock`), which the operating system releases however the process ends.

Re-importing is idempotent: an invitation's `identity` is unique (for an account other than yours
it names the account too), and a second sighting only updates it (a profile URL or message the
earlier export lacked, `connected` and `replied` once they are true, `seen_in` when this export is
the newer one; `replied` stays unknown, NULL, until an export with messages.csv says).
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from composer.history.store.accounts import of_accounts
from composer.history.store.database import HistoryError, import_lock, now, to_text
from composer.history.store.invitations import INCOMPLETE, InvitationTable
from composer.history.store.rows import Account, Invitation, column_names
from composer.history.store.staging import Staging, match_sql

_WRITTEN = column_names(Invitation, written=True)
#: What a staged row is stored as: `s.<column>`, but these.
_FROM_STAGED = {
    "identity": "s.identity || :suffix",
    "source": "'export'",
    "seen_in": ":run",
    "account": ":account",
    "added_in": ":run",
    "previous_seen_in": "NULL",
}
_INSERT_NEW = f"""
INSERT INTO invitations ({", ".join(_WRITTEN)})
SELECT {", ".join(_FROM_STAGED.get(name, "s." + name) for name in _WRITTEN)} FROM temp.staged_invitations s
WHERE s.rowid BETWEEN :low AND :high AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.identity = s.identity || :suffix)
"""
#: Listed again, by an export at least as new as the one that listed it last.
_RELIST = """
UPDATE invitations SET previous_seen_in = seen_in, seen_in = :run
WHERE identity IN (SELECT identity || :suffix FROM temp.staged_invitations WHERE rowid BETWEEN :low AND :high)
  AND added_in IS NOT :run
  AND (seen_in IS NULL OR (SELECT export_date FROM imports WHERE id = invitations.seen_in) <= :date)
"""
_CHANGED = ("profile_url", "profile_key", "person_key", "message", "matched_by", "connected", "replied")
#: Invitations already there whose columns this export changes, with their new values (sticky states only rise).
_CHANGES = f"""
INSERT INTO temp.staged_changes
SELECT id, {", ".join(_CHANGED)} FROM (
    SELECT i.id AS id, {", ".join(f"i.{name} AS was_{name}" for name in _CHANGED)},
        COALESCE(s.profile_url, i.profile_url) AS profile_url, COALESCE(s.profile_key, i.profile_key) AS profile_key,
        s.person_key AS person_key, CASE WHEN s.message != '' THEN s.message ELSE i.message END AS message,
        CASE WHEN i.connected THEN i.matched_by ELSE s.matched_by END AS matched_by,
        MAX(i.connected, s.connected) AS connected,
        CASE WHEN s.replied IS NULL THEN i.replied ELSE MAX(COALESCE(i.replied, 0), s.replied) END AS replied
    FROM temp.staged_invitations s JOIN invitations i ON i.identity = s.identity || :suffix
    WHERE i.added_in IS NOT :run
) WHERE {" OR ".join(f"{name} IS NOT was_{name}" for name in _CHANGED)}
"""
#: A note that changes loses its stored verdict and match (made again when a command needs them).
_APPLY_CHANGES = (
    f"UPDATE invitations SET {', '.join(f'{name} = c.{name}' for name in _CHANGED)},"
    " lint_version = CASE WHEN invitations.message IS c.message THEN invitations.lint_version END,"
    " match_version = CASE WHEN invitations.message IS c.message THEN invitations.match_version END"
    " FROM temp.staged_changes c WHERE invitations.id = c.id"
)
_APPLY_FLIPS = (
    "UPDATE invitations SET connected = 1, matched_by = f.matched_by"
    " FROM temp.staged_flips f WHERE invitations.id = f.id AND invitations.connected = 0"
)
#: The listed invitations by direction, with their states as stored now (sticky: an earlier export may have said more).
_LISTED = """
SELECT s.direction, COUNT(*), SUM(s.message != ''), SUM(COALESCE(i.connected, 0)),
       SUM(COALESCE(i.matched_by = 'profile URL', 0)), SUM(COALESCE(i.matched_by = 'name', 0)),
       MIN(s.sent_at), MAX(s.sent_at), SUM(s.replied IS NOT NULL), SUM(COALESCE(s.replied, 0))
FROM temp.staged_invitations s LEFT JOIN invitations i ON i.identity = s.identity || ?
GROUP BY s.direction
"""
#: Rows the statistics planner samples after an import: enough to choose indexes, quick on any size.
ANALYSIS_LIMIT = 1000
#: Rows of `invitations` an undo scans per transaction, looking for what the import listed again.
UNDO_SCAN = 50_000


@dataclass
class Stored:
    """What an import changed and listed: new invitations, the account, and the listed ones as stored now."""

    new: int = 0
    account: int = 0
    sent: int = 0
    received: int = 0
    sent_notes: int = 0
    received_notes: int = 0
    #: sent and connected; received and not connected
    accepted: int = 0
    pending: int = 0
    by_url: int = 0
    by_name: int = 0
    first: datetime | None = None
    last: datetime | None = None
    #: sent, accepted, and known from messages.csv whether they wrote after connecting: how many, and how many did
    answered: int = 0
    replied: int = 0


@dataclass(frozen=True)
class _Run:
    """One import being merged: its id, its account, the identity suffix of that account, its export's date."""

    id: int
    account: int
    suffix: str
    export_date: str


class ImportTable(InvitationTable):
    """Merging a staged export's invitations into the history (`store_staged`), and undoing one stopped midway."""

    def store_staged(
        self, staging: Staging, *, path: str, export_date: str, found: Account, another_account: bool, has_urls: bool
    ) -> Stored:
        """Merge a settled staging area into the history for the account `found` is (a new account only with
        `another_account`), in short transactions, seen only once complete; then count what the export listed."""
        with import_lock(self.path):
            for unfinished in self.query("SELECT id FROM imports WHERE complete = 0"):
                self._undo(unfinished[0], staging.batch)  # left by an import that was killed
            run = self._start(staging, path, export_date, found, another_account)
            try:
                self._merge(staging, run)
                self._stage_changes(run, has_urls)
                self._complete(run)
            except BaseException:
                with suppress(HistoryError, KeyboardInterrupt):  # else the next import finishes the undo; hidden meanwhile
                    self._undo(run.id, staging.batch)
                raise
            finally:
                with suppress(sqlite3.Error):
                    for table in ("staged_changes", "staged_flips"):
                        self.connection.execute(f"DROP TABLE IF EXISTS temp.{table}")
        self._analyze()
        [(new,)] = self.query("SELECT COUNT(*) FROM invitations WHERE added_in = ?", [run.id])
        stored = Stored(new=int(new), account=run.account)
        for row in self.query(_LISTED, [run.suffix]):
            _count(stored, row)
        return stored

    def _start(self, staging: Staging, path: str, export_date: str, found: Account, another_account: bool) -> _Run:
        """The import's record (not complete), under its account; raises `OtherAccount` for a new account unasked."""
        listed, connections = staging.count("invitations"), staging.count("connections")
        with self.transaction() as db:
            account, yours = self.settle_account(db, found, another=another_account)
            cursor = db.execute(
                "INSERT INTO imports (path, export_date, imported_at, invitations, connections, account, complete)"
                " VALUES (?, ?, ?, ?, ?, ?, 0)",
                (path, export_date, to_text(now()), listed, connections, account),
            )
        return _Run(int(cursor.lastrowid or 0), account, "" if yours else f"|account {account}", export_date)

    def _merge(self, staging: Staging, run: _Run) -> None:
        """The staged rows, `staging.batch` at a time: the new ones inserted (hidden), the others marked listed again."""
        [(top,)] = self.query("SELECT COALESCE(MAX(rowid), 0) FROM temp.staged_invitations")
        for low in range(1, int(top) + 1, staging.batch):
            bounds = {"low": low, "high": low + staging.batch - 1, "run": run.id, "suffix": run.suffix}
            with self.transaction() as db:
                db.execute(_INSERT_NEW, {**bounds, "account": run.account})
                db.execute(_RELIST, {**bounds, "date": run.export_date})

    def _stage_changes(self, run: _Run, has_urls: bool) -> None:
        """Outside the lock, into TEMP tables: what changes in invitations already there, and (when this is the
        account's newest export) which of the account's pending invitations its connections show answered."""
        with self.guard():
            connection = self.connection
            connection.execute("DROP TABLE IF EXISTS temp.staged_changes")
            connection.execute(f"CREATE TEMP TABLE staged_changes (id INTEGER PRIMARY KEY, {', '.join(_CHANGED)})")
            connection.execute(_CHANGES, {"suffix": run.suffix, "run": run.id})
            connection.execute("DROP TABLE IF EXISTS temp.staged_flips")
            connection.execute("CREATE TEMP TABLE staged_flips (id INTEGER PRIMARY KEY, matched_by TEXT)")
            older, params = of_accounts("imports", [run.account])
            newer = connection.execute(
                f"SELECT 1 FROM imports WHERE complete = 1 AND {older} AND export_date > ? LIMIT 1", [*params, run.export_date]
            ).fetchall()
            if not newer:  # the newest export knows who is connected now: invitations it no longer lists may be answered
                match = match_sql("invitations", has_urls=has_urls)
                ours, params = of_accounts("invitations", [run.account])
                connection.execute(
                    f"INSERT INTO temp.staged_flips SELECT id, {match} FROM invitations WHERE connected = 0 AND {ours}"
                    f" AND (added_in IS NULL OR added_in = ? OR added_in NOT IN {INCOMPLETE}) AND {match} IS NOT NULL",
                    [*params, run.id],
                )

    def _complete(self, run: _Run) -> None:
        """The last short transaction: the changes, the answered invitations, and the import marked complete."""
        with self.transaction() as db:
            db.execute(_APPLY_CHANGES)
            db.execute(_APPLY_FLIPS)
            if db.execute("UPDATE imports SET complete = 1 WHERE id = ?", (run.id,)).rowcount != 1:
                raise HistoryError(f"{self.path}: the imports were forgotten while this one ran; nothing imported")

    def _undo(self, run: int, batch: int) -> None:
        """Undo an unfinished import in short transactions: its new rows deleted, `seen_in` put back, its record gone.
        An import that completed (an interrupt just after its last commit) is kept whole."""
        if self.query("SELECT complete FROM imports WHERE id = ?", [run]) == [(1,)]:
            return
        while True:
            with self.transaction() as db:
                deleted = db.execute(
                    "DELETE FROM invitations WHERE id IN (SELECT id FROM invitations WHERE added_in = ? LIMIT ?)", (run, batch)
                ).rowcount
            if deleted < batch:
                break
        [(top,)] = self.query("SELECT COALESCE(MAX(id), 0) FROM invitations")
        for low in range(0, int(top) + 1, UNDO_SCAN):
            with self.transaction() as db:
                db.execute(
                    "UPDATE invitations SET seen_in = previous_seen_in WHERE id BETWEEN ? AND ? AND seen_in = ?",
                    (low, low + UNDO_SCAN - 1, run),
                )
        with self.transaction() as db:
            db.execute("DELETE FROM imports WHERE id = ?", (run,))
            db.execute("DELETE FROM accounts WHERE NOT EXISTS (SELECT 1 FROM imports WHERE imports.account = accounts.id)")

    def _analyze(self) -> None:
        """Thousands of rows at once: let the planner know which index narrows most (sampled, so it is quick)."""
        with suppress(sqlite3.OperationalError):  # busy or failing: the planner does without new statistics
            self.connection.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            self.connection.execute("ANALYZE invitations")


def _count(stored: Stored, row: tuple[Any, ...]) -> None:
    """Add one direction's counts of the listed invitations to `stored`."""
    direction, total, notes, connected, by_url, by_name, first, last, answered, replied = row
    if direction == "outgoing":
        stored.sent, stored.sent_notes, stored.accepted = total, notes, connected
        stored.answered, stored.replied = answered, replied
    else:
        stored.received, stored.received_notes, stored.pending = total, notes, total - connected
    stored.by_url += by_url
    stored.by_name += by_name
    for moment in (datetime.fromisoformat(first), datetime.fromisoformat(last)):
        stored.first = min(stored.first or moment, moment)
        stored.last = max(stored.last or moment, moment)
