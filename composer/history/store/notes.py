"""The `notes` table: the notes `draft` and `merge` delivered, recorded and looked up.

Columns come from `Recorded`'s fields (`rows`); the SQL here only says which rows. A run of notes is
recorded in one transaction, so it is in the history whole or not at all: its rows are made first
(`prepare`, `extend`; no lock held; with each note's verdict, skeleton keys and the band keys of its
skeletons), then written (`pending`) with the commit left to the caller, who publishes what the
notes went into just before committing (`invite merge`'s output file). A big run's rows and band
keys wait in TEMP tables of this connection (`temp.staged_notes`, `temp.staged_bands`, in SQLite's
temporary file: no lock on the history, seen by no one, gone with the connection) rather than in
memory, `RUN_ROWS` notes at a time, and `pending` moves them into `notes` and `bands` in its one
transaction. `repeat_candidates` reads only the recent notes whose skeleton shares a band key with a
note's (`bands`), so a draft's repeat check costs what it finds.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from composer.history.store.bands import BandTable, chunks, marks, signatures
from composer.history.store.database import escape_like, from_text, now, to_text
from composer.history.store.rows import Note, Recorded, column_names, from_row, stored_values
from composer.length import note_length
from composer.similarity import skeleton, skeleton_key

_WRITTEN = column_names(Recorded, written=True)
_INSERT = f"INSERT INTO notes ({', '.join(_WRITTEN)}) VALUES ({', '.join('?' * len(_WRITTEN))})"
_SELECT = f"SELECT {', '.join(column_names(Recorded))} FROM notes"
#: The notes the monthly quota counts, since a moment (`n` is the notes table): invitation notes with text.
COUNTED = "n.sent_at >= ? AND n.length > 0 AND n.kind = 'invitation'"
#: Rows of a run held in memory; past this many they wait in `temp.staged_notes` (a merge of any size).
RUN_ROWS = 1000
_STAGED_COLUMNS = ", ".join(_WRITTEN)


#: A recent note as the repeat check reads it: (recipient, recipient key, profile key, sent at, skeleton).
RecentNote = tuple[str | None, str | None, str | None, datetime, str]
_RECENT = "SELECT recipient, recipient_key, profile_key, sent_at, skeleton, id FROM notes"
_RECENT_WHERE = "sent_at >= ? AND length > 0 AND kind = 'invitation'"


@dataclass
class Run:
    """Notes about to be recorded together: the run's id, each note's row and the band keys of their skeletons,
    made before any lock is taken."""

    id: str
    rows: list[tuple[Any, ...]]
    command: str = ""
    moment: datetime = field(default_factory=now)
    #: rows already waiting in `temp.staged_notes`
    staged: int = 0
    #: (skeleton key, band key) of the run's skeletons not staged yet (`temp.staged_bands` holds the others)
    bands: list[tuple[int, int]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.staged + len(self.rows)


class NoteTable(BandTable):
    """Recording and reading the notes `draft` and `merge` delivered."""

    def prepare(
        self, items: Iterable[tuple[Note, Sequence[dict[str, Any]], str]], *, command: str, at: datetime | None = None
    ) -> Run:
        """The rows of notes (each with its findings and skeleton) recorded as one run, sent now (or `at`)."""
        run = Run(os.urandom(6).hex(), [], command, at or now())
        self.extend(run, items)
        return run

    def extend(self, run: Run, items: Iterable[tuple[Note, Sequence[dict[str, Any]], str]]) -> None:
        """Add notes to a run, with the band keys of their skeletons (computed here, `RUN_ROWS` notes at once, without
        reading the history); past `RUN_ROWS` in memory they move to the TEMP tables (no lock on the history)."""
        skeletons: dict[int, str] = {}
        for note, findings, skel in items:
            plain = skeleton(note.text)
            hashes = skeleton_key(skel), skeleton_key(plain)
            skeletons.update(zip(hashes, (skel, plain), strict=True))
            run.rows.append(stored_values(_recorded(note, list(findings), skel, run.id, run.command, run.moment, hashes)))
            if len(run.rows) >= RUN_ROWS:
                run.bands += signatures(skeletons)
                skeletons = {}
                self._stage(run)
        run.bands += signatures(skeletons)

    def _stage(self, run: Run) -> None:
        """Move the run's rows and band keys in memory to its TEMP tables (made on first use), in one transaction on
        them alone."""
        with self.guard():
            connection = self.connection
            if not run.staged:
                connection.execute("PRAGMA temp_store = FILE")  # on disk, not in memory, however big the run
                connection.execute("DROP TABLE IF EXISTS temp.staged_notes")
                connection.execute(f"CREATE TEMP TABLE staged_notes ({_STAGED_COLUMNS})")
                connection.execute("DROP TABLE IF EXISTS temp.staged_bands")
                connection.execute("CREATE TEMP TABLE staged_bands (skel INTEGER, key INTEGER)")
            connection.execute("BEGIN")
            try:
                connection.executemany(f"INSERT INTO temp.staged_notes VALUES ({', '.join('?' * len(_WRITTEN))})", run.rows)
                connection.executemany("INSERT INTO temp.staged_bands VALUES (?, ?)", run.bands)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        run.staged += len(run.rows)
        run.rows.clear()
        run.bands.clear()

    @contextmanager
    def pending(self, run: Run) -> Iterator[Callable[[], None]]:
        """Write a run in one transaction and yield its `commit`; leaving the block without calling it (an
        error, Ctrl-C) rolls the whole run back. The write lock is held in the block: keep it short."""
        with self.guard():
            self._begin()  # asked again while another command writes (`Database.waiting` says so)
        committed = False

        def commit() -> None:
            nonlocal committed
            with self.guard():
                self.connection.execute("COMMIT")
            committed = True

        try:
            with self.guard():
                if run.staged:
                    self.connection.execute(
                        f"INSERT INTO notes ({_STAGED_COLUMNS}) SELECT {_STAGED_COLUMNS} FROM temp.staged_notes ORDER BY rowid"
                    )
                    self.connection.execute("INSERT OR IGNORE INTO bands (skel, key) SELECT skel, key FROM temp.staged_bands")
                self.connection.executemany(_INSERT, run.rows)
                self.sign(self.connection, run.bands)
            yield commit
        finally:
            if not committed and self.connection.in_transaction:
                with suppress(sqlite3.Error):
                    self.connection.execute("ROLLBACK")
            if run.staged:
                with suppress(sqlite3.Error):  # the run is over either way
                    self.connection.execute("DROP TABLE IF EXISTS temp.staged_notes")
                    self.connection.execute("DROP TABLE IF EXISTS temp.staged_bands")

    def record(
        self, items: Iterable[tuple[Note, Sequence[dict[str, Any]], str]], *, command: str, at: datetime | None = None
    ) -> tuple[str, int]:
        """Record notes (each with its findings and skeleton) as one run, in one transaction; the run id and count."""
        run = self.prepare(items, command=command, at=at)
        with self.pending(run) as commit:
            commit()
        return run.id, run.count

    def notes(
        self,
        *,
        since: datetime | None = None,
        template: str | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[Recorded]:
        """Recorded notes, newest first, filtered by time, template and text (recipient or note, any case)."""
        where: list[str] = ["1"]
        params: list[Any] = []
        if since is not None:
            where.append("sent_at >= ?")
            params.append(to_text(since))
        if template is not None:
            where.append("template = ?")
            params.append(template)
        if search:
            where.append("(text LIKE ? ESCAPE '\\' OR recipient LIKE ? ESCAPE '\\' OR profile_url LIKE ? ESCAPE '\\')")
            params += [escape_like(search)] * 3
        sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY sent_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [from_row(Recorded, row) for row in self.query(sql, params)]

    def latest_for(self, *, profile: str | None = None, name: str | None = None, unprofiled: bool = False) -> Recorded | None:
        """The newest invitation note (a reply is not one) to this profile key, or (given instead) this name key;
        `unprofiled`: only notes without a URL."""
        column, value = ("profile_key", profile) if profile is not None else ("recipient_key", name)
        extra = " AND profile_key IS NULL" if unprofiled else ""
        rows = self.query(
            f"{_SELECT} WHERE {column} = ?{extra} AND kind = 'invitation' ORDER BY sent_at DESC, id DESC LIMIT 1", [value]
        )
        return from_row(Recorded, rows[0]) if rows else None

    def count_since(self, moment: datetime) -> int:
        """Invitation notes with text recorded at or after a moment (replies are messages, not counted)."""
        [(count,)] = self.query(f"SELECT COUNT(*) FROM notes n WHERE {COUNTED}", [to_text(moment)])
        return int(count)

    def recent(self, since: datetime) -> list[RecentNote]:
        """(recipient, recipient key, profile key, sent at, skeleton) of the notes since a moment, newest first."""
        rows = self.query(f"{_RECENT} WHERE {_RECENT_WHERE} ORDER BY sent_at DESC, id DESC", [to_text(since)])
        return [(r, rk, pk, from_text(at), skel) for r, rk, pk, at, skel, _ in rows]

    def repeat_candidates(self, since: datetime, keys: Sequence[int]) -> list[RecentNote]:
        """`recent`, narrowed to the notes whose skeleton shares one of these band keys: what may be near-identical.

        Every note of such a skeleton is read (the repeat check needs who got it), none of the others."""
        rows = []
        for chunk in chunks(self.sharing(keys)):
            rows += self.query(f"{_RECENT} WHERE skel_hash IN ({marks(chunk)}) AND {_RECENT_WHERE}", [*chunk, to_text(since)])
        rows.sort(key=lambda row: (row[3], row[5]), reverse=True)
        return [(r, rk, pk, from_text(at), skel) for r, rk, pk, at, skel, _ in rows]


def _recorded(
    note: Note, findings: list[dict[str, Any]], skel: str, run: str, command: str, moment: datetime, hashes: tuple[int, int]
) -> Recorded:
    """The row a delivered note becomes: its text and who it is for, with the keys the checks match on."""
    from composer.history.people import profile_key, recipient_key

    verdict = note.verdict

    return Recorded(
        sent_at=moment,
        command=command,
        recipient=note.recipient,
        profile_url=note.profile_url,
        relationship=note.relationship,
        template=note.template,
        text=note.text,
        length=note_length(note.text),
        account=note.account,
        findings=findings,
        run=run,
        recipient_key=recipient_key(note.recipient),
        profile_key=profile_key(note.profile_url),
        skeleton=skel,
        kind=note.kind,
        lint_version=verdict.version if verdict else None,
        verdict={"judged": verdict.judged, "language": verdict.language, "hook": verdict.hook, "scores": verdict.scores}
        if verdict
        else None,
        skel_hash=hashes[0],
        text_hash=hashes[1],
    )
