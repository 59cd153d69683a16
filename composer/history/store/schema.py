"""The schema: numbered migrations (`composer/history/migrations/NNNN_name.sql`), applied in order.

They run inside one locked transaction and are recorded in `schema_version`; a file from a newer
version is refused rather than guessed at. To change the schema, add the next numbered file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from composer.history.store.database import Database, HistoryError, now, to_text

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


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


def schema_version(history: Database) -> int:
    """The last migration applied; 0 for a new file."""
    if not history.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"):
        return 0
    [(version,)] = history.query("SELECT COALESCE(MAX(version), 0) FROM schema_version")
    return int(version)


def migrate(history: Database) -> None:
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
