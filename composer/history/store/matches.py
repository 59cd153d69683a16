"""Which recorded note each sent invitation's note is, stored once and brought up to date as notes come and go.

`invite stats` breaks acceptance down by the template and relationship of the notes `draft`/`merge`
recorded, matched to the export's sent notes by text. Comparing every sent note with every recorded
one on every run is what made it slow, so the best match of each sent note is stored on its row
(`match_note`, with its score), with the matching's version and the newest recorded note it has
seen (`match_upto`). A sent note never matched (or matched by another version) is matched against
every recorded note; one matched before only against the notes recorded since, keeping the better;
forgetting a matched note sends its sent notes back to "never matched" (`forget_matches`).

Candidates come from SQL, never from reading every note (`match_candidates`): the same person's notes
by key, and, for notes whose person is not known well enough to rule anyone out, only those sharing
a band key (`bands`) with the sent note. Comparing them and choosing the best is the caller's; the
counts by template are one `GROUP BY` (`template_counts`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from composer.history.store.bands import Scope
from composer.history.store.verdicts import NOTED, WHITESPACE, VerdictTable

#: A candidate pair: the sent invitation (`i`), the recorded note (`n`), and the match stored for the invitation (`m`).
_PAIR = "i.id, i.message, n.id, n.text, n.sent_at, i.match_note, i.match_score, m.sent_at"
_TEMPLATED = "n.template IS NOT NULL AND n.template != ''"
#: Drops the match of sent notes whose matched note was forgotten: they are matched again from scratch.
FORGET_MATCHES = (
    "UPDATE invitations SET match_note = NULL, match_score = NULL, match_version = NULL"
    " WHERE match_note IS NOT NULL AND match_note NOT IN (SELECT id FROM notes)"
)


def _partly(key: str) -> str:
    """SQL: a name key that is no full name (none, or one word): it rules nobody out."""
    return f"({key} IS NULL OR instr({key}, ' ') = 0)"


def _state(upto: int | None) -> str:
    """SQL (`i`): the sent invitations never matched by `:version` (None), or matched up to note `:upto`."""
    if upto is None:
        return "(i.match_version IS NOT :version OR i.match_upto IS NULL)"
    return "(i.match_version = :version AND i.match_upto = :upto)"


class MatchTable(VerdictTable):
    """Each sent note's stored match among the recorded notes, and `invite stats`' counts by template."""

    def has_templated_notes(self) -> bool:
        """Whether any recorded note was made from a template (else there is nothing to match)."""
        return bool(self.query(f"SELECT 1 FROM notes n WHERE {_TEMPLATED} LIMIT 1"))

    def newest_note(self) -> int:
        """The id of the newest recorded note (0 for none): what a matching has seen up to."""
        return int(self.query("SELECT COALESCE(MAX(id), 0) FROM notes")[0][0])

    def match_work(self, scope: Scope, version: str, newest: int) -> list[int | None]:
        """What the sent notes of `scope` need: None when some were never matched by `version`, then each note id up to
        which others were matched, when notes were recorded since."""
        params = {**scope.params, "ws": WHITESPACE, "version": version, "newest": newest}
        rows = self.query(
            f"SELECT DISTINCT CASE WHEN {_state(None)} THEN NULL ELSE i.match_upto END FROM invitations i"
            f" WHERE {scope.where} AND {NOTED.format(table='i')} AND ({_state(None)} OR i.match_upto < :newest)",
            params,
        )
        return sorted((row[0] for row in rows), key=lambda upto: -1 if upto is None else upto)

    def match_candidates(self, scope: Scope, version: str, upto: int | None) -> list[tuple[Any, ...]]:
        """The pairs (sent invitation of `scope` in the state `upto` says, recorded note made from a template after note
        `upto`, or any for None) that may be the same note: (invitation id, its note; note id, its text, sent at;
        the invitation's stored match: note id, score, sent at).

        Two profile keys that differ are two people, and so are two full names (two words or more)
        where a side has no profile key: such pairs are never read. The notes to the same person (by
        profile key, or by full name) are all candidates; the rest only when their text shares a band
        key with the sent note's (`_pooled`).
        """
        params = {**scope.params, "ws": WHITESPACE, "version": version, "upto": upto if upto is not None else -1}
        sent = f"{scope.where} AND {NOTED.format(table='i')} AND {_state(upto)}"
        notes = f"{_TEMPLATED} AND n.id > :upto"
        stored = "LEFT JOIN notes m ON m.id = i.match_note"
        keyed = f"""
            SELECT {_PAIR} FROM invitations i JOIN notes n ON n.profile_key = i.profile_key {stored} WHERE {sent} AND {notes}
            UNION ALL
            SELECT {_PAIR} FROM invitations i JOIN notes n ON n.recipient_key = i.person_key {stored}
            WHERE {sent} AND {notes} AND instr(i.person_key, ' ') > 0 AND (i.profile_key IS NULL OR n.profile_key IS NULL)"""
        return self.query(keyed, params) + self._pooled(sent, notes, params)

    def _pooled(self, sent: str, notes: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The pairs of a sent note with a recorded one whose person is not known well enough to tell them apart
        (either has no profile key, and either no full name), sharing a band key.

        Only the recorded notes some sent note may be paired so (a note with a profile key and a full name
        only when a sent note has neither) go, with their band keys, into a TEMP table; each sent note's
        keys are looked up there. So many notes to people known by URL cost nothing here.
        """
        [(no_profile, no_name, neither)] = self.query(
            f"SELECT MAX(i.profile_key IS NULL), MAX({_partly('i.person_key')}),"
            f" MAX(i.profile_key IS NULL AND {_partly('i.person_key')}) FROM invitations i WHERE {sent}",
            params,
        )
        kinds = [f"n.profile_key IS NULL AND {_partly('n.recipient_key')}"]
        kinds += ["n.profile_key IS NULL"] if no_name else []
        kinds += [_partly("n.recipient_key")] if no_profile else []
        kinds += ["1"] if neither else []
        with self.guard():
            db = self.connection
            db.execute("DROP TABLE IF EXISTS temp.pool")
            db.execute("CREATE TEMP TABLE pool (key INTEGER NOT NULL, note INTEGER NOT NULL, profiled INTEGER, named INTEGER)")
            db.execute(
                f"INSERT INTO temp.pool SELECT b.key, n.id, n.profile_key IS NOT NULL, NOT {_partly('n.recipient_key')}"
                f" FROM notes n JOIN bands b ON b.skel = n.text_hash WHERE {notes} AND ({' OR '.join(kinds)})",
                params,
            )
            db.execute("CREATE INDEX temp.pool_key ON pool (key)")
        try:
            return self.query(
                f"""SELECT {_PAIR} FROM (
                      SELECT DISTINCT i.id AS sent, p.note AS note FROM invitations i CROSS JOIN bands mine
                        ON mine.skel = i.text_hash JOIN temp.pool p ON p.key = mine.key
                      WHERE {sent} AND (i.profile_key IS NULL OR NOT p.profiled) AND ({_partly("i.person_key")} OR NOT p.named)
                    ) c JOIN invitations i ON i.id = c.sent JOIN notes n ON n.id = c.note
                    LEFT JOIN notes m ON m.id = i.match_note""",
                params,
            )
        finally:
            with self.guard():
                self.connection.execute("DROP TABLE IF EXISTS temp.pool")

    def store_matches(
        self, scope: Scope, version: str, upto: int | None, newest: int, found: Sequence[tuple[int, int, float]]
    ) -> None:
        """In one transaction: the sent notes of `scope` in the state `upto` says have been matched up to note `newest`
        by `version`; each (invitation id, note id, score) of `found` is its new best match (for those never matched,
        the only one: the others have none)."""
        params = {**scope.params, "ws": WHITESPACE, "version": version, "upto": upto if upto is not None else -1}
        ids = f"SELECT i.id FROM invitations i WHERE {scope.where} AND {NOTED.format(table='i')} AND {_state(upto)}"
        with self.transaction() as db:
            if upto is None:
                db.execute(f"UPDATE invitations SET match_note = NULL, match_score = NULL WHERE id IN ({ids})", params)
            best = [(note, score, sent) for sent, note, score in found]
            db.executemany("UPDATE invitations SET match_note = ?, match_score = ? WHERE id = ?", best)
            done = "UPDATE invitations SET match_version = :version, match_upto = :newest"
            db.execute(f"{done} WHERE id IN ({ids})", {**params, "newest": newest})

    def template_counts(self, scope: Scope) -> list[tuple[str, str | None, bool, bool | None, int, str]]:
        """The sent invitations of `scope` matched to a recorded note, counted by (template, relationship, accepted,
        replied), with the first of each sent (its time and id, as one text that sorts)."""
        rows = self.query(
            "SELECT n.template, n.relationship, i.connected, i.replied, COUNT(*), MIN(i.sent_at || printf(' %012d', i.id))"
            f" FROM invitations i JOIN notes n ON n.id = i.match_note WHERE {scope.where} AND {NOTED.format(table='i')}"
            " GROUP BY 1, 2, 3, 4",
            {**scope.params, "ws": WHITESPACE},
        )
        return [(t, r, bool(c), None if p is None else bool(p), int(k), str(f)) for t, r, c, p, k, f in rows]

    def forget_matches(self, db: sqlite3.Connection) -> None:
        """Inside a write transaction: sent notes whose matched note is gone are matched again when next needed."""
        db.execute(FORGET_MATCHES)
