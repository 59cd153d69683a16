"""The history database: one SQLite file on this machine, and the only place in composer with SQL.

Plain stdlib `sqlite3` with small explicit SQL, as sqlite-utils does it. Modules, leaf first:

- `database`: where the file lives, opening it (WAL, busy timeout, owner-only), the shared
  plumbing (`Database`: transactions, queries, checkpoints), `HistoryError`, stored times.
- `schema`: the numbered migrations in `composer/history/migrations/`, applied in order.
- `rows`: `Note` (about to be recorded) and the table rows as dataclasses, `Recorded` (`notes`) and
  `Invitation` (`invitations`), whose fields name the columns once.
- `notes`: recording and looking up delivered notes (history listing, the history rules, the few
  recorded notes `stats` matches sent ones against).
- `invitations`: storing a LinkedIn export's invitations, and reading them for `inbox`, `stats`
  and `already-invited`.
- `history`: `History` (both tables on one connection), `forget`, `open_history`, and what
  `invite history` lists and forgets (`list_notes`, `forget_notes`).
"""

from composer.history.store.database import (
    HISTORY_ENV,
    HistoryError,
    from_text,
    history_path,
    now,
    to_text,
    translate_errors,
)
from composer.history.store.history import History, forget_notes, list_notes, open_history
from composer.history.store.invitations import Stored
from composer.history.store.rows import Invitation, Note, Recorded, listed_names, to_minutes
from composer.history.store.schema import Migration, migrations, schema_version, statements

__all__ = [
    "HISTORY_ENV",
    "History",
    "HistoryError",
    "Invitation",
    "Migration",
    "Note",
    "Recorded",
    "Stored",
    "forget_notes",
    "from_text",
    "history_path",
    "list_notes",
    "listed_names",
    "migrations",
    "now",
    "open_history",
    "schema_version",
    "statements",
    "to_minutes",
    "to_text",
    "translate_errors",
]
