"""The `accounts` table: whose LinkedIn export each import was.

An export says whose it is: its own profile URL (the sender side of its invitations, late 2023 on)
and name (the sender side, else Profile.csv). The first account recorded is yours, and the imports
made before accounts were recorded (account NULL) count as its own (`mine`, `of_accounts`). An
export of another account is refused (`OtherAccount`) unless the import asks for it; then it is
recorded as a second account, whose invitations `inbox`, `stats` and the history rules keep apart
from yours. An export that says nothing about whose it is (no Profile.csv, no sent invitation, no
URL) is taken as yours.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from composer.history.store.database import Database, HistoryError, now
from composer.history.store.rows import Account, column_names, from_row, stored_values

_WRITTEN = column_names(Account, written=True)
_INSERT = f"INSERT INTO accounts ({', '.join(_WRITTEN)}) VALUES ({', '.join('?' * len(_WRITTEN))})"
_SELECT = f"SELECT {', '.join(column_names(Account))} FROM accounts"


def mine(table: str = "invitations") -> str:
    """SQL: a row of `table` (invitations or imports) is the first account's (yours), or from before accounts."""
    return f"({table}.account IS NULL OR {table}.account = (SELECT MIN(id) FROM accounts))"


def of_accounts(table: str, accounts: Sequence[int]) -> tuple[str, list[int]]:
    """SQL and its parameters: a row of `table` is one of these accounts' (rows from before accounts are the first's)."""
    marks = ", ".join("?" * len(accounts)) or "NULL"
    return (
        f"({table}.account IN ({marks}) OR ({table}.account IS NULL AND (SELECT MIN(id) FROM accounts) IN ({marks})))",
        [*accounts, *accounts],
    )


class OtherAccount(HistoryError):
    """An export of an account the history does not hold yet, while it holds another's."""

    def __init__(self, found: Account, known: list[Account]) -> None:
        self.found = found
        self.known = known
        super().__init__(f"an export of {found.label()}, not of {known[0].label()}")


class AccountTable(Database):
    """Looking up and recording the accounts imports came from."""

    def accounts(self) -> list[Account]:
        """Every account an import came from, yours (the first) first."""
        return [from_row(Account, row) for row in self.query(f"{_SELECT} ORDER BY id")]

    def settle_account(self, db: sqlite3.Connection, found: Account, *, another: bool) -> tuple[int, bool]:
        """Inside an import's transaction: the id of the account `found` is (recorded when new), and whether it is
        the first (yours). What it adds (a URL, a name the record lacked) is filled in. A new account while
        another is recorded raises `OtherAccount` unless `another`."""
        known = [from_row(Account, row) for row in db.execute(f"{_SELECT} ORDER BY id")]
        same = next((account for account in known if account.same_as(found)), None)
        if same is not None:
            db.execute(
                "UPDATE accounts SET name = COALESCE(name, ?), name_key = COALESCE(name_key, ?),"
                " profile_url = COALESCE(profile_url, ?), profile_key = COALESCE(profile_key, ?) WHERE id = ?",
                (found.name, found.name_key, found.profile_url, found.profile_key, same.id),
            )
            return same.id, same.id == known[0].id
        if known and not another:
            raise OtherAccount(found, known)
        cursor = db.execute(_INSERT, stored_values(replace(found, added_at=now())))
        return int(cursor.lastrowid or 0), not known
