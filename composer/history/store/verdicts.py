"""The imported notes' stored lint verdicts, and what `invite stats` counts by them, in SQL.

An imported invitation's note is linted once (`invite import`, or the first command that needs it
after the linter changed) and its `Verdict` stored on its row with the linter's version
(`store_verdicts`); `stale` finds the rows whose stored version is not the linter's. `invite stats`
then groups the sent invitations in SQL (`acceptance`: one `GROUP BY` over the columns its groups
are made of), never reading a note's text. Which rules make a note generic or a pitch is the
caller's (data), passed in. Which recorded note a sent one is, is `matches`'.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from composer.history.store.accounts import of_accounts
from composer.history.store.bands import BandTable, Scope, chunks, marks, signatures
from composer.history.store.invitations import InvitationTable, visible
from composer.history.store.rows import Verdict, to_minutes

#: What Python's `str.strip()` strips (every character whose `isspace()` is true), for SQLite's `trim(X, Y)`:
#: `trim(message, WHITESPACE) != ''` is exactly `message.strip() != ''`, what "with a note" means.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
NOTED = "({table}.message != '' AND trim({table}.message, :ws) != '')"
#: Rows read per batch while finding the notes to lint.
STALE_BATCH = 1000
#: One stats row: accepted, replied (None: unknown), with a note, length band (0-2; None without a note), judged,
#: generic, a pitch, and how many invitations are so.
Counted = tuple[bool, bool | None, bool, int | None, bool | None, bool, bool, int]


def _any_rule(rules: Sequence[str], names: dict[str, Any], prefix: str) -> str:
    """SQL: the row's `rules` holds one of these (each bound as a named parameter)."""
    clauses = []
    for n, rule in enumerate(rules):
        names[f"{prefix}{n}"] = f",{rule},"
        clauses.append(f"instr(rules, :{prefix}{n}) > 0")
    return f"({' OR '.join(clauses) or '0'})"


class VerdictTable(InvitationTable, BandTable):
    """The stored verdicts of imported invitations' notes, and `invite stats`' counts and candidates."""

    def sent_scope(self, since: datetime | None, accounts: Sequence[int] | None) -> Scope:
        """The sent invitations of those accounts (None: every one, for a history without accounts) since a naive
        local time, that complete imports brought."""
        where, params = f"i.direction = 'outgoing' AND {visible('i')}", dict[str, Any](ws=WHITESPACE)
        if since is not None:
            where += " AND i.sent_at >= :since"
            params["since"] = to_minutes(since)
        if accounts is not None:
            chosen, values = of_accounts("i", accounts)
            for n, value in enumerate(values):
                chosen = chosen.replace("?", f":account{n}", 1)
                params[f"account{n}"] = value
            where += f" AND {chosen}"
        return Scope(where, params)

    def imported_scope(self) -> Scope:
        """Every invitation complete imports brought."""
        return Scope(visible("i"))

    def invitations_scope(self, ids: Sequence[int]) -> Scope:
        """These invitations."""
        names = {f"id{n}": value for n, value in enumerate(ids)}
        return Scope(f"i.id IN ({', '.join(':' + name for name in names) or 'NULL'})", names)

    def stale(self, scope: Scope, version: str, after: int = 0) -> list[tuple[int, str, str]]:
        """(id, message, direction) of the next invitations of `scope`, after id `after`, whose note has no verdict by
        linter `version` (none yet, or another's): at most `STALE_BATCH`, by id."""
        sql = (
            f"SELECT i.id, i.message, i.direction FROM invitations i WHERE {scope.where} AND {NOTED.format(table='i')}"
            f" AND i.lint_version IS NOT :version AND i.id > :after ORDER BY i.id LIMIT {STALE_BATCH}"
        )
        params = {**scope.params, "version": version, "after": after, "ws": WHITESPACE}
        return [(int(a), str(b), str(c)) for a, b, c in self.query(sql, params)]

    def stale_count(self, scope: Scope, version: str) -> int:
        """How many invitations of `scope` have a note without a verdict by linter `version`."""
        noted = NOTED.format(table="i")
        sql = f"SELECT COUNT(*) FROM invitations i WHERE {scope.where} AND {noted} AND i.lint_version IS NOT :version"
        [(count,)] = self.query(sql, {**scope.params, "version": version, "ws": WHITESPACE})
        return int(count)

    def store_verdicts(self, verdicts: Sequence[tuple[int, Verdict, str | None]]) -> None:
        """Store (invitation id, verdict, its note's plain skeleton for a sent one, else None) in one short transaction,
        with the band keys of those skeletons, so `stats` can match them to recorded notes."""
        from composer.similarity import skeleton_key

        hashes = {id_: skeleton_key(skel) for id_, _, skel in verdicts if skel is not None}
        skeletons = {hashes[id_]: skel for id_, _, skel in verdicts if skel is not None}
        bands = signatures({key: skel for key, skel in skeletons.items() if key in self.unsigned(skeletons)})
        rows = [
            (v.version, int(v.judged), v.rules, v.length, json.dumps(v.details(), ensure_ascii=False), hashes.get(id_), id_)
            for id_, v, _ in verdicts
        ]
        with self.transaction() as db:
            self.sign(db, bands)
            db.executemany(
                "UPDATE invitations SET lint_version = ?, judged = ?, rules = ?, length = ?, verdict = ?, text_hash = ?"
                " WHERE id = ?",
                rows,
            )

    def acceptance(
        self,
        scope: Scope,
        *,
        bands: tuple[int, int],
        generic: Sequence[str],
        pitch: Sequence[str],
        version: str,
    ) -> tuple[list[Counted], int, str | None, str | None]:
        """The sent invitations of `scope`, counted by every column a stats group is made of; how many of their notes
        have no verdict by `version`; the first and last sent at (naive local, as exported).

        Two queries: those without a note (most) in one pass over the table with six sums, those with a note
        through the index of invitations with a message, grouped by their stored verdict."""
        names = {**scope.params, "ws": WHITESPACE, "short": bands[0], "long": bands[1], "version": version}
        noted = NOTED.format(table="i")
        sums = [f"SUM(i.connected = {c} AND i.replied IS {r})" for c in (0, 1) for r in ("NULL", 0, 1)]
        [bare] = self.query(
            f"SELECT {', '.join(sums)}, MIN(i.sent_at), MAX(i.sent_at) FROM invitations i NOT INDEXED"
            f" WHERE {scope.where} AND NOT {noted}",
            names,
        )
        combos = [(c, r) for c in (False, True) for r in (None, False, True)]
        counts = zip(combos, bare[:6], strict=True)
        counted: list[Counted] = [(c, r, False, None, None, False, False, int(n)) for (c, r), n in counts if n]
        first, last = bare[-2], bare[-1]
        sql = f"""
            SELECT i.connected, i.replied,
                CASE WHEN i.length < :short THEN 0 WHEN i.length <= :long THEN 1 ELSE 2 END, i.judged,
                {_any_rule(generic, names, "g")}, {_any_rule(pitch, names, "p")}, COUNT(*),
                SUM(i.lint_version IS NOT :version), MIN(i.sent_at), MAX(i.sent_at)
            FROM invitations i WHERE {scope.where} AND {noted} GROUP BY 1, 2, 3, 4, 5, 6"""
        stale = 0
        for accepted, replied, band, judged, is_generic, is_pitch, count, late, low, high in self.query(sql, names):
            counted.append((
                bool(accepted), None if replied is None else bool(replied), True, band,
                None if judged is None else bool(judged), bool(is_generic), bool(is_pitch), int(count),
            ))  # fmt: skip
            stale += int(late or 0)
            first = low if first is None or low < first else first
            last = high if last is None or high > last else last
        return counted, stale, first, last

    def verdicts_of(self, ids: Sequence[int]) -> dict[int, Verdict]:
        """The stored verdicts of these invitations, by id (those without one are left out)."""
        found: dict[int, Verdict] = {}
        for chunk in chunks(list(ids)):
            sql = f"SELECT id, lint_version, judged, length, verdict FROM invitations WHERE id IN ({marks(chunk)})"
            for id_, version, judged, length, details in self.query(sql, list(chunk)):
                verdict = Verdict.stored(version, judged, length, details) if version and details else None
                if verdict is not None:
                    found[int(id_)] = verdict
        return found
