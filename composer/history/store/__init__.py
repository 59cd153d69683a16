"""The history database: one SQLite file on this machine, and the only place in composer with SQL.

Plain stdlib `sqlite3` with small explicit SQL, as sqlite-utils does it. Modules, leaf first:

- `database`: where the file lives, opening it (WAL, busy timeout, owner-only), the shared
  plumbing (`Database`: transactions asked again while busy, queries, checkpoints), `HistoryError`
  (a full disk, a lock, a damaged file, told apart), stored times.
- `schema`: the numbered migrations in `composer/history/migrations/`, applied in order.
- `rows`: `Note` (about to be recorded) and the table rows as dataclasses, `Recorded` (`notes`),
  `Invitation` (`invitations`) and `Account` (`accounts`), whose fields name the columns once;
  `Verdict`, a note's lint verdict as stored.
- `bands`: MinHash band keys per skeleton (`bands`), the skeletons sharing one with a note, filling
  them in for notes recorded before; `BatchBands`, the same for one merge in a private temporary file.
- `notes`: recording delivered notes (a run in one transaction: `Run`) and looking them up (history
  listing, the history rules, the candidates of a repeated note).
- `staging`: an import's TEMP tables, filled in batches outside the history and settled there,
  taking no lock on it (an import stopped there changes nothing).
- `accounts`: whose export each import was; a new account is refused unless asked for.
- `invitations`: reading the imported invitations for `inbox`, `stats` and `already-invited`, by
  account, and only what complete imports brought: `inbox` a page at a time.
- `verdicts`: the stored lint verdicts of imported notes (which are stale, storing new ones), and
  what `stats` counts by them in SQL (`GROUP BY`).
- `matches`: which recorded note each sent note is, stored once and brought up to date with the
  notes recorded or forgotten since; the candidates narrowed in SQL; the counts by template.
- `merging`: merging a staged export in many short transactions, seen only once complete, undone
  when stopped midway; one import at a time.
- `history`: `History` (both tables on one connection), `forget`, `open_history`, and what
  `invite history` lists and forgets (`list_notes`, `forget_notes`).
"""

from composer.history.store.accounts import OtherAccount
from composer.history.store.bands import BatchBands, Scope
from composer.history.store.database import (
    BUSY_NOTICE,
    HISTORY_ENV,
    HistoryError,
    from_text,
    history_path,
    now,
    to_text,
    translate_errors,
)
from composer.history.store.history import History, forget_notes, list_notes, open_history
from composer.history.store.merging import Stored
from composer.history.store.notes import Run
from composer.history.store.rows import Account, Invitation, Note, Recorded, Verdict, listed_names, to_minutes
from composer.history.store.schema import Migration, migrations, schema_version, statements
from composer.history.store.staging import Staging
from composer.history.store.verdicts import Counted

__all__ = [
    "BUSY_NOTICE",
    "HISTORY_ENV",
    "Account",
    "BatchBands",
    "Counted",
    "History",
    "HistoryError",
    "Invitation",
    "Migration",
    "Note",
    "OtherAccount",
    "Recorded",
    "Run",
    "Scope",
    "Staging",
    "Stored",
    "Verdict",
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
