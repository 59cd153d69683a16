"""The `invitations` and `imports` tables, as `inbox`, `stats` and the history rules read them.

Columns come from `Invitation`'s fields (`rows`). Writing them is `merging`'s: an import is merged
in many short transactions and seen only once complete, so every read here sees complete imports
only (`visible`, `listed_in`, `complete` imports). Reading takes the accounts asked for: `inbox`
and `stats` read the chosen accounts' invitations (each account's newest export decides what is
pending), the history rules read yours (`mine`). The reading of the export itself is
`composer.linkedin`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from composer.history.store.accounts import AccountTable, mine, of_accounts
from composer.history.store.bands import FORGET_BANDS
from composer.history.store.database import escape_like, import_lock
from composer.history.store.rows import Invitation, column_names, from_row, to_minutes

_SELECT = f"SELECT {', '.join(column_names(Invitation))} FROM invitations"
_SELECT_I = f"SELECT {', '.join('i.' + name for name in column_names(Invitation))}"
#: Imports being merged (or left unfinished by a process that died): nothing of them is seen.
INCOMPLETE = "(SELECT id FROM imports WHERE complete = 0)"


def visible(table: str = "invitations") -> str:
    """SQL: a row of `table` that no unfinished import added."""
    return f"({table}.added_in IS NULL OR {table}.added_in NOT IN {INCOMPLETE})"


def listed_in(table: str = "invitations") -> str:
    """SQL: the complete import that lists a row of `table` last (while an unfinished one lists it, the one before)."""
    return f"(CASE WHEN {table}.seen_in IN {INCOMPLETE} THEN {table}.previous_seen_in ELSE {table}.seen_in END)"


def marks(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an IN list (`NULL` for none, which matches nothing)."""
    return ", ".join("?" * len(values)) or "NULL"


def _pending(newest: Sequence[int]) -> str:
    """SQL: a received invitation not answered, as one of these imports (each account's newest) lists it."""
    return f"direction = 'incoming' AND connected = 0 AND {visible()} AND {listed_in()} IN ({marks(newest)})"


class InvitationTable(AccountTable):
    """Reading the imported invitations for `inbox`, `stats` and `already-invited`."""

    def has_imports(self) -> bool:
        """Whether any LinkedIn export was imported (completely)."""
        return bool(self.query("SELECT 1 FROM imports WHERE complete = 1 LIMIT 1"))

    def newest_imports(self, accounts: Sequence[int] | None) -> list[int]:
        """The newest complete import of each account asked for (None: the newest of all, for a history without
        accounts)."""
        order = " ORDER BY export_date DESC, id DESC LIMIT 1"
        if accounts is None:
            return [row[0] for row in self.query(f"SELECT id FROM imports WHERE complete = 1{order}")]
        newest = []
        for account in accounts:
            where, params = of_accounts("imports", [account])
            newest += [row[0] for row in self.query(f"SELECT id FROM imports WHERE complete = 1 AND {where}{order}", params)]
        return newest

    def pending_received(
        self, accounts: Sequence[int] | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[Invitation]:
        """Received invitations not answered, as each account's newest imported export lists them, newest first: all,
        or `limit` of them after the first `offset` (a page: read along the time index, stopping there)."""
        newest = self.newest_imports(accounts)
        page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return [
            from_row(Invitation, row)
            for row in self.query(f"{_SELECT} WHERE {_pending(newest)} ORDER BY sent_at DESC, id DESC{page}", newest)
        ]

    def pending_count(self, accounts: Sequence[int] | None = None) -> int:
        """How many received invitations `pending_received` lists in all."""
        newest = self.newest_imports(accounts)
        [(count,)] = self.query(f"SELECT COUNT(*) FROM invitations WHERE {_pending(newest)}", newest)
        return int(count)

    def newest_export_date(self, accounts: Sequence[int] | None = None) -> str | None:
        """The date (YYYY-MM-DD) of the newest imported export of those accounts, or None when nothing was imported."""
        newest = self.newest_imports(accounts)
        rows = self.query(f"SELECT MAX(export_date) FROM imports WHERE id IN ({marks(newest)})", newest)
        return str(rows[0][0]) if rows and rows[0][0] else None

    def pending_sent(
        self, weeks: int, accounts: Sequence[int] | None = None, *, limit: int | None = None, offset: int = 0
    ) -> tuple[list[tuple[Invitation, str]], int]:
        """Sent invitations each account's newest export lists as not accepted `weeks` or more after sending, counted
        to that export's date (the day of sending counts as a whole week's end), with that date; oldest first: all, or
        `limit` after the first `offset`; and how many there are in all."""
        newest = self.newest_imports(accounts)
        where = (
            f"FROM invitations i JOIN imports m ON m.id = {listed_in('i')}"
            f" WHERE i.direction = 'outgoing' AND i.connected = 0 AND {visible('i')} AND m.id IN ({marks(newest)})"
            " AND i.sent_at < date(m.export_date, ?)"
        )
        params = [*newest, f"{1 - 7 * weeks:+d} days"]
        page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
        rows = self.query(f"{_SELECT_I}, m.export_date {where} ORDER BY i.sent_at, i.id{page}", params)
        total = len(rows) if limit is None else int(self.query(f"SELECT COUNT(*) {where}", params)[0][0])
        return [(from_row(Invitation, row[:-1]), str(row[-1])) for row in rows], total

    def sent_invitations(self, since: datetime | None = None, accounts: Sequence[int] | None = None) -> list[Invitation]:
        """The sent invitations the imported exports of those accounts list (from a naive local time), oldest first."""
        where, params = f"direction = 'outgoing' AND {visible()}", list[Any]()
        if since is not None:
            where += " AND sent_at >= ?"
            params.append(to_minutes(since))
        if accounts is not None:
            chosen, chosen_params = of_accounts("invitations", accounts)
            where += f" AND {chosen}"
            params += chosen_params
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
                f"SELECT sent_at, connected FROM invitations WHERE direction = 'outgoing' AND {where}"
                f" AND {mine()} AND {visible()} ORDER BY sent_at DESC LIMIT 1",
                params,
            )
            if rows:
                return rows[0][0], by, bool(rows[0][1])
        return None

    def search_invitations(self, text: str, since: datetime | None = None) -> list[Invitation]:
        """Imported invitations whose person, note or profile URL contains `text` (any case), newest first."""
        pattern = escape_like(text)
        where = "(person LIKE ? ESCAPE '\\' OR message LIKE ? ESCAPE '\\' OR profile_url LIKE ? ESCAPE '\\')"
        where += f" AND {visible()}"
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
        with import_lock(self.path), self.transaction() as db:  # not while an import merges: it would bring some back
            count: int = db.execute("DELETE FROM invitations WHERE source = 'export'").rowcount
            db.execute("DELETE FROM imports")
            db.execute("DELETE FROM accounts")
            db.execute(FORGET_BANDS)
        self.checkpoint()
        return count
