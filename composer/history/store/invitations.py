"""The `invitations` and `imports` tables: what `invite import` read from LinkedIn's data export.

Columns come from `Invitation`'s fields (`rows`). An export is staged first, outside the history
(`staging`), then merged by `store_staged` in one short transaction. Re-importing is idempotent: an
invitation's `identity` is unique (for an account other than yours it names the account too), and a
second sighting only updates it (a profile URL or message the earlier export lacked, `connected`
and `replied` once they are true, `seen_in` when this export is the newer one; `replied` stays
unknown, NULL, until an export with messages.csv says). Reading takes the accounts asked for:
`inbox` and `stats` read the chosen accounts' invitations (each account's newest export decides
what is pending), the history rules read yours (`MINE`). The reading of the export itself, and its
rows' keys, is `composer.linkedin`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from sqlite3 import OperationalError
from typing import Any

from composer.history.store.accounts import MINE, AccountTable
from composer.history.store.database import escape_like, now, to_text
from composer.history.store.rows import Account, Invitation, column_names, from_row, to_minutes
from composer.history.store.staging import Staging, match_sql

_WRITTEN = column_names(Invitation, written=True)
_SELECT = f"SELECT {', '.join(column_names(Invitation))} FROM invitations"
_SELECT_I = f"SELECT {', '.join('i.' + name for name in column_names(Invitation))}"
_NEWEST_IMPORT = "SELECT id FROM imports ORDER BY export_date DESC, id DESC LIMIT 1"
_NEWEST_OF = "SELECT id FROM imports WHERE account = ? ORDER BY export_date DESC, id DESC LIMIT 1"
#: What a staged row is stored as: its own columns, but these (the rest are copied as they are).
_FROM_STAGED = {"identity": "identity || :suffix", "source": "'export'", "seen_in": ":run", "account": ":account"}
_MERGE = f"""
INSERT INTO invitations ({", ".join(_WRITTEN)})
SELECT {", ".join(_FROM_STAGED.get(name, name) for name in _WRITTEN)} FROM temp.staged_invitations WHERE 1 ORDER BY identity
ON CONFLICT (identity) DO UPDATE SET
    profile_url = COALESCE(excluded.profile_url, invitations.profile_url),
    profile_key = COALESCE(excluded.profile_key, invitations.profile_key),
    person_key = excluded.person_key,
    message = CASE WHEN excluded.message != '' THEN excluded.message ELSE invitations.message END,
    matched_by = CASE WHEN invitations.connected THEN invitations.matched_by ELSE excluded.matched_by END,
    connected = MAX(invitations.connected, excluded.connected),
    replied = CASE WHEN excluded.replied IS NULL THEN invitations.replied
        ELSE MAX(COALESCE(invitations.replied, 0), excluded.replied) END,
    account = COALESCE(invitations.account, excluded.account),
    seen_in = CASE
        WHEN invitations.seen_in IS NULL
          OR (SELECT export_date FROM imports WHERE id = invitations.seen_in)
             <= (SELECT export_date FROM imports WHERE id = excluded.seen_in)
        THEN excluded.seen_in ELSE invitations.seen_in END
"""
#: The listed invitations by direction, with their states as stored now (sticky: an earlier export may have said more).
_LISTED = """
SELECT s.direction, COUNT(*), SUM(s.message != ''), SUM(COALESCE(i.connected, 0)),
       SUM(COALESCE(i.matched_by = 'profile URL', 0)), SUM(COALESCE(i.matched_by = 'name', 0)),
       MIN(s.sent_at), MAX(s.sent_at), SUM(s.replied IS NOT NULL), SUM(COALESCE(s.replied, 0))
FROM temp.staged_invitations s LEFT JOIN invitations i ON i.identity = s.identity || ?
GROUP BY s.direction
"""
#: Rows the statistics planner samples after an import: enough to choose indexes, fast on any size.
ANALYSIS_LIMIT = 1000


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


class InvitationTable(AccountTable):
    """Storing an export's invitations and reading them for `inbox`, `stats` and `already-invited`."""

    def store_staged(
        self, staging: Staging, *, path: str, export_date: str, found: Account, another_account: bool, has_urls: bool
    ) -> Stored:
        """Merge a settled staging area into the history in one transaction, for the account `found` is (a new
        account only with `another_account`); when this is that account's newest export, it also says who of the
        account's pending invitations is connected now. Then count what the export listed."""
        listed, connections = staging.count("invitations"), staging.count("connections")
        with self.transaction() as db:
            account, yours = self.settle_account(db, found, another=another_account)
            suffix = "" if yours else f"|account {account}"
            [(before,)] = db.execute("SELECT COUNT(*) FROM invitations").fetchall()
            cursor = db.execute(
                "INSERT INTO imports (path, export_date, imported_at, invitations, connections, account)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (path, export_date, to_text(now()), listed, connections, account),
            )
            run = cursor.lastrowid
            db.execute(_MERGE, {"suffix": suffix, "run": run, "account": account})
            [(after,)] = db.execute("SELECT COUNT(*) FROM invitations").fetchall()
            if db.execute(_NEWEST_OF, (account,)).fetchall() == [(run,)]:
                # the newest export knows who is connected now: invitations it no longer lists may have been answered
                match = match_sql("invitations", has_urls=has_urls)
                db.execute(
                    f"UPDATE invitations SET connected = 1, matched_by = {match}"
                    f" WHERE connected = 0 AND account = ? AND {match} IS NOT NULL",
                    (account,),
                )
        self._analyze()
        stored = Stored(new=int(after) - int(before), account=account)
        for row in self.query(_LISTED, [suffix]):
            _count(stored, row)
        return stored

    def _analyze(self) -> None:
        """Thousands of rows at once: let the planner know which index narrows most (sampled, so it is quick)."""
        with suppress(OperationalError):  # busy or failing: the planner does without new statistics
            self.connection.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            self.connection.execute("ANALYZE invitations")

    def has_imports(self) -> bool:
        """Whether any LinkedIn export was imported."""
        return bool(self.query("SELECT 1 FROM imports LIMIT 1"))

    def newest_imports(self, accounts: Sequence[int] | None) -> list[int]:
        """The newest import of each account asked for (None: the newest of all, for a history without accounts)."""
        if accounts is None:
            return [row[0] for row in self.query(_NEWEST_IMPORT)]
        return [row[0] for account in accounts for row in self.query(_NEWEST_OF, [account])]

    def pending_received(self, accounts: Sequence[int] | None = None) -> list[Invitation]:
        """Received invitations not answered, as each account's newest imported export lists them, newest first."""
        newest = self.newest_imports(accounts)
        return [
            from_row(Invitation, row)
            for row in self.query(
                f"{_SELECT} WHERE direction = 'incoming' AND connected = 0 AND seen_in IN ({_marks(newest)})"
                " ORDER BY sent_at DESC, id DESC",
                newest,
            )
        ]

    def newest_export_date(self, accounts: Sequence[int] | None = None) -> str | None:
        """The date (YYYY-MM-DD) of the newest imported export of those accounts, or None when nothing was imported."""
        newest = self.newest_imports(accounts)
        rows = self.query(f"SELECT MAX(export_date) FROM imports WHERE id IN ({_marks(newest)})", newest)
        return str(rows[0][0]) if rows and rows[0][0] else None

    def pending_sent(self, weeks: int, accounts: Sequence[int] | None = None) -> list[tuple[Invitation, str]]:
        """Sent invitations each account's newest export lists as not accepted `weeks` or more after sending, counted
        to that export's date (the day of sending counts as a whole week's end), with that date; oldest first."""
        newest = self.newest_imports(accounts)
        rows = self.query(
            f"{_SELECT_I}, m.export_date FROM invitations i JOIN imports m ON m.id = i.seen_in"
            f" WHERE i.direction = 'outgoing' AND i.connected = 0 AND i.seen_in IN ({_marks(newest)})"
            " AND i.sent_at < date(m.export_date, ?) ORDER BY i.sent_at, i.id",
            [*newest, f"{1 - 7 * weeks:+d} days"],
        )
        return [(from_row(Invitation, row[:-1]), str(row[-1])) for row in rows]

    def sent_invitations(self, since: datetime | None = None, accounts: Sequence[int] | None = None) -> list[Invitation]:
        """The sent invitations the imported exports of those accounts list (from a naive local time), oldest first."""
        where, params = "direction = 'outgoing'", list[Any]()
        if since is not None:
            where += " AND sent_at >= ?"
            params.append(to_minutes(since))
        if accounts is not None:
            where += f" AND account IN ({_marks(accounts)})"
            params += list(accounts)
        return [from_row(Invitation, row) for row in self.query(f"{_SELECT} WHERE {where} ORDER BY sent_at", params)]

    def invited_in_export(self, *, profile: str | None = None, name: str | None = None) -> tuple[str, str, bool] | None:
        """(sent at, as the export gives it; "profile URL" or "name"; whether the export shows you connected) of the
        newest invitation you sent them that an imported export of yours lists; None when there is none."""
        searches = (
            ("profile_key = ?", [profile], profile, "profile URL"),
            # a name only counts where one side has no URL: two URLs that differ are two people
            ("person_key = ? AND (profile_key IS NULL OR ? IS NULL)", [name, profile], name, "name"),
        )
        for where, params, value, by in searches:
            if value is None:
                continue
            rows = self.query(
                f"SELECT sent_at, connected FROM invitations WHERE direction = 'outgoing' AND {where} AND {MINE}"
                " ORDER BY sent_at DESC LIMIT 1",
                params,
            )
            if rows:
                return rows[0][0], by, bool(rows[0][1])
        return None

    def search_invitations(self, text: str, since: datetime | None = None) -> list[Invitation]:
        """Imported invitations whose person, note or profile URL contains `text` (any case), newest first."""
        pattern = escape_like(text)
        where = "(person LIKE ? ESCAPE '\\' OR message LIKE ? ESCAPE '\\' OR profile_url LIKE ? ESCAPE '\\')"
        params: list[str] = [pattern] * 3
        if since is not None:
            where += " AND sent_at >= ?"
            params.append(to_minutes(since.astimezone().replace(tzinfo=None)))
        return [
            from_row(Invitation, row) for row in self.query(f"{_SELECT} WHERE {where} ORDER BY sent_at DESC, id DESC", params)
        ]

    def forget_export(self) -> int:
        """Delete everything `invite import` added (invitations, the record of imports and of accounts); returns the
        invitations."""
        with self.transaction() as db:
            count: int = db.execute("DELETE FROM invitations WHERE source = 'export'").rowcount
            db.execute("DELETE FROM imports")
            db.execute("DELETE FROM accounts")
        self.checkpoint()
        return count


def _marks(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an IN list (`NULL` for none, which matches nothing)."""
    return ", ".join("?" * len(values)) or "NULL"


def _count(stored: Stored, row: Sequence[Any]) -> None:
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
