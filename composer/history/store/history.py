"""`History`: one open history file, both its tables on one connection; `open_history`; and what
`invite history` does with it (`list_notes`, `forget_notes`), which never creates the file.

Forgetting lives here because it spans both tables: a recipient's notes and their imported
invitations go together.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

from composer.history.store.accounts import mine
from composer.history.store.database import connect, history_path, import_lock, retry_while_busy, to_text, use_wal
from composer.history.store.invitations import visible
from composer.history.store.matches import MatchTable
from composer.history.store.merging import ImportTable
from composer.history.store.notes import COUNTED, NoteTable
from composer.history.store.rows import Invitation, Recorded, to_minutes
from composer.history.store.schema import migrate
from composer.length import note_length


class History(NoteTable, MatchTable, ImportTable):
    """An open history database. Use `open_history()`; close it (or use `with`)."""

    def __enter__(self) -> History:
        return self

    def quota_used(self, start: datetime) -> int:
        """The notes the monthly quota counts since `start`: the invitation notes recorded here, and the notes of
        sent invitations an imported export of yours lists for that time that no recorded note to the same person
        accounts for (a note drafted here and then sent shows up in both, and counts once)."""
        local = to_minutes(start.astimezone().replace(tzinfo=None))  # exports give local time without a zone
        [(exported,)] = self.query(
            "SELECT COUNT(*) FROM invitations i WHERE i.direction = 'outgoing' AND i.message != '' AND i.sent_at >= ?"
            f" AND {mine('i')} AND {visible('i')} AND NOT EXISTS (SELECT 1 FROM notes n WHERE {COUNTED}"
            " AND (n.profile_key = i.profile_key OR n.recipient_key = i.person_key))",
            [local, to_text(start)],
        )
        return self.count_since(start) + int(exported)

    def forget(self, *, recipient: str | None = None, everything: bool = False, last_run: bool = False) -> int:
        """Delete one recipient's notes (by profile URL or exact name), the last run's, or all; returns how many."""
        from composer.history.people import looks_like_url, profile_key, recipient_key

        notes: tuple[str, list[str | None]]
        invitations: tuple[str, list[str | None]]
        if everything:
            notes, invitations = ("1", []), ("1", [])
        elif last_run:
            notes, invitations = ("run = (SELECT run FROM notes ORDER BY id DESC LIMIT 1)", []), ("0", [])
        elif looks_like_url(recipient):
            key = profile_key(recipient)
            notes, invitations = ("profile_key = ?", [key]), ("profile_key = ?", [key])
        else:
            key = recipient_key(recipient)
            notes, invitations = ("recipient_key = ?", [key]), ("person_key = ?", [key])
        with import_lock(self.path) if everything else nullcontext(), self.transaction() as db:
            count: int = db.execute(f"DELETE FROM notes WHERE {notes[0]}", notes[1]).rowcount
            count += db.execute(f"DELETE FROM invitations WHERE {invitations[0]}", invitations[1]).rowcount
            if everything:
                db.execute("DELETE FROM imports")
                db.execute("DELETE FROM accounts")
            self.forget_bands(db)
            self.forget_matches(db)
        self.checkpoint()
        return count


def open_history(path: Path | None = None, *, create: bool = True) -> History | None:
    """Open (creating and migrating as needed) the history; None when `create` is off and there is none yet."""
    path = path or history_path()
    if not create and not path.exists():
        return None
    history = History(path, connect(path, create=create))
    try:
        with history.guard():
            retry_while_busy(lambda: _prepare(history))
    except BaseException:
        history.close()
        raise
    return history


def _prepare(history: History) -> None:
    """WAL mode and the migrations."""
    use_wal(history.connection)
    migrate(history)


def list_notes(*, since: datetime | None, template: str | None, search: str | None) -> list[Recorded] | None:
    """`invite history`: the recorded notes, newest first, filtered; None when there is no history yet. A
    `search` lists the matching invitations an imported LinkedIn export holds too (command `import`), so
    what `already-invited` names can be found."""
    history = open_history(create=False)
    if history is None:
        return None
    with history:
        notes = history.notes(since=since, template=template, search=search)
        if not search or template is not None:
            return notes
        imported = [_as_listed(i) for i in history.search_invitations(search, since)]
    return sorted([*notes, *imported], key=lambda n: n.sent_at, reverse=True)


def _as_listed(invitation: Invitation) -> Recorded:
    """An imported invitation in the shape `invite history` lists: `import (sent)` or `import (received)`."""
    direction = "sent" if invitation.direction == "outgoing" else "received"
    return Recorded(
        id=invitation.id,
        sent_at=invitation.sent_at.astimezone(),  # the export's local time
        command=f"import ({direction}{', connected' if invitation.connected else ''})",
        recipient=invitation.person,
        profile_url=invitation.profile_url,
        text=invitation.message,
        length=note_length(invitation.message),
    )


def forget_notes(
    *, recipient: str | None = None, everything: bool = False, last_run: bool = False, imported: bool = False
) -> tuple[int, Path] | None:
    """`invite history forget`: how many rows went (what `invite import` added, with `imported`), and from
    which file; None when there is no history yet."""
    history = open_history(create=False)
    if history is None:
        return None
    with history:
        if imported:
            return history.forget_export(), history.path
        return history.forget(recipient=recipient, everything=everything, last_run=last_run), history.path
