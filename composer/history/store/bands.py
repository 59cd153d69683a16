"""MinHash band keys in SQL: near-identical notes are found through the few that share a key, never by reading all.

`bands` holds, once per skeleton (its `composer.similarity.skeleton_key`), that skeleton's band keys
(`composer.similarity.band_keys`): a note recorded adds the keys of its two skeletons (`signed`),
and a lookup reads the skeletons sharing a key with the one asked about (`sharing`), then their
notes. Notes recorded before band keys were kept get theirs when a command first needs them
(`fill_notes`, in short transactions). Nothing here decides what is similar: callers verify every
candidate with the exact similarity, so a band key only narrows.

`BatchBands` does the same for the distinct notes of one merge, in a private temporary database of
its own (on disk, not in memory, and gone when closed), so a merge's `batch-duplicate` compares only
the notes that share a key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from composer.history.store.database import Database
from composer.similarity import band_keys_many, shingles, skeleton, skeleton_key

#: Values per `IN (...)` list: well under SQLite's limit on a statement's parameters.
CHUNK = 500
#: Notes given their skeleton keys per transaction when a history from before them is filled in.
FILL_BATCH = 2000
#: The band keys of skeletons no note or invitation has any more, deleted with what is forgotten.
FORGET_BANDS = (
    "DELETE FROM bands WHERE skel NOT IN (SELECT skel_hash FROM notes WHERE skel_hash IS NOT NULL"
    " UNION SELECT text_hash FROM notes WHERE text_hash IS NOT NULL"
    " UNION SELECT text_hash FROM invitations WHERE text_hash IS NOT NULL)"
)


@dataclass(frozen=True)
class Scope:
    """Which rows a query reads, as the store writes it (SQL on `i` for invitations, `n` for notes, with named
    parameters): callers get one from the store and hand it back, never writing SQL themselves."""

    where: str
    params: dict[str, Any] = field(default_factory=dict)


def signatures(skeletons: Mapping[int, str]) -> list[tuple[int, int]]:
    """(skeleton key, band key) rows of skeletons given by their key."""
    items = list(skeletons.items())
    keys = band_keys_many([shingles(skel) for _, skel in items])
    return [(skel, key) for (skel, _), bands in zip(items, keys, strict=True) for key in sorted(set(bands))]


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


class BandTable(Database):
    """The `bands` table: each skeleton's band keys, and the skeletons that share one with a note."""

    def unsigned(self, hashes: Iterable[int]) -> set[int]:
        """The skeleton keys among these that have no band keys stored yet."""
        wanted = sorted(set(hashes))
        known: set[int] = set()
        for chunk in chunks(wanted):
            known.update(row[0] for row in self.query(f"SELECT DISTINCT skel FROM bands WHERE skel IN ({marks(chunk)})", chunk))
        return set(wanted) - known

    def sign(self, db: sqlite3.Connection, rows: Iterable[tuple[int, int]]) -> None:
        """Inside a write transaction: store (skeleton key, band key) rows (a skeleton already signed is left as it is)."""
        db.executemany("INSERT OR IGNORE INTO bands (skel, key) VALUES (?, ?)", rows)

    def sharing(self, keys: Sequence[int]) -> list[int]:
        """The skeleton keys sharing at least one of these band keys."""
        found: set[int] = set()
        for chunk in chunks(sorted(set(keys))):
            found.update(row[0] for row in self.query(f"SELECT DISTINCT skel FROM bands WHERE key IN ({marks(chunk)})", chunk))
        return sorted(found)

    def recent_notes(self, since: str) -> Scope:
        """The notes recorded since a moment (as stored)."""
        return Scope("n.sent_at >= :since", {"since": since})

    def templated_notes(self) -> Scope:
        """The notes made from a template."""
        return Scope("n.template IS NOT NULL AND n.template != ''")

    def unsigned_notes(self, scope: Scope) -> int:
        """How many notes of `scope` have no skeleton keys yet (recorded before they were kept)."""
        sql = f"SELECT COUNT(*) FROM notes n WHERE (n.skel_hash IS NULL OR n.text_hash IS NULL) AND {scope.where}"
        [(count,)] = self.query(sql, scope.params)
        return int(count)

    def fill_notes(self, scope: Scope, advance: Callable[[], object] = lambda: None) -> None:
        """Give the notes of `scope` that lack them their skeleton keys and band keys, `FILL_BATCH` notes per short
        transaction; `advance` is told each note."""
        select = (
            "SELECT n.id, n.text, n.skeleton FROM notes n"
            f" WHERE (n.skel_hash IS NULL OR n.text_hash IS NULL) AND {scope.where} ORDER BY n.id LIMIT {FILL_BATCH}"
        )
        while rows := self.query(select, scope.params):
            skeletons: dict[int, str] = {}
            updates = []
            for note_id, text, skel in rows:
                plain = skeleton(text)
                skel_hash, text_hash = skeleton_key(skel), skeleton_key(plain)
                skeletons.update({skel_hash: skel, text_hash: plain})
                updates.append((skel_hash, text_hash, note_id))
            new = self.unsigned(skeletons)
            bands = signatures({key: skeletons[key] for key in new})
            with self.transaction() as db:
                self.sign(db, bands)
                db.executemany("UPDATE notes SET skel_hash = ?, text_hash = ? WHERE id = ?", updates)
            for _ in rows:
                advance()

    def forget_bands(self, db: sqlite3.Connection) -> None:
        """Inside a write transaction: drop the band keys of skeletons no note or invitation has any more."""
        db.execute(FORGET_BANDS)


class BatchBands:
    """The band keys of one batch's distinct notes, in a private temporary database (on disk; gone when closed).

    Notes are numbered from 0 as `add` is given them; `candidates` are the other notes sharing a band
    key with one, whose sizes (in shingles) let them reach a threshold.
    """

    def __init__(self) -> None:
        self.connection = sqlite3.connect("", isolation_level=None)  # "": a private temporary file
        self.connection.execute("CREATE TABLE batch_bands (key INTEGER NOT NULL, note INTEGER NOT NULL, size INTEGER NOT NULL)")
        self._added = 0

    def __enter__(self) -> BatchBands:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def add(self, notes: Sequence[frozenset[str]]) -> None:
        """The next notes' band keys, `FILL_BATCH` notes per transaction."""
        for chunk in chunks(notes, FILL_BATCH):
            rows = [
                (key, self._added + n, len(note))
                for n, (note, keys) in enumerate(zip(chunk, band_keys_many(chunk), strict=True))
                for key in sorted(set(keys))
            ]
            self.connection.execute("BEGIN")
            self.connection.executemany("INSERT INTO batch_bands (key, note, size) VALUES (?, ?, ?)", rows)
            self.connection.execute("COMMIT")
            self._added += len(chunk)

    def candidates(self, note: int, threshold: float) -> list[int]:
        """The other notes sharing a band key with `note` whose sizes let their similarity reach `threshold` (it is at
        most the smaller size over the larger), in order."""
        self.connection.execute("CREATE INDEX IF NOT EXISTS batch_bands_key ON batch_bands (key, size, note)")
        self.connection.execute("CREATE INDEX IF NOT EXISTS batch_bands_note ON batch_bands (note)")
        rows = self.connection.execute(
            "SELECT DISTINCT other.note FROM batch_bands mine JOIN batch_bands other ON other.key = mine.key"
            " AND other.size BETWEEN mine.size * :t AND mine.size / :t WHERE mine.note = :n AND other.note != :n"
            " ORDER BY other.note",
            {"n": note, "t": threshold},
        )
        return [int(other) for (other,) in rows]
