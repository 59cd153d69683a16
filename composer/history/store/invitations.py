"""The `invitations` and `imports` tables: what `invite import` read from LinkedIn's data export.

Columns come from `Invitation`'s fields (`rows`). Re-importing is idempotent: an invitation's
`identity` is unique, and a second sighting only updates it (a profile URL or message the earlier
export lacked, `connected` and `replied` once they are true, `seen_in` when this export is the newer one;
`replied` stays unknown, NULL, until an export with messages.csv says). The
reading of the export itself, and how people are matched, is `composer.linkedin.importer`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from composer.history.store.database import Database, escape_like, now, to_text
from composer.history.store.rows import Invitation, column_names, from_row, stored_values, to_minutes

#: How an invitation's other person is found among the connections now (profile key, name key -> how, or None).
Matcher = Callable[[str | None, str | None], str | None]

_WRITTEN = column_names(Invitation, written=True)
_SELECT = f"SELECT {', '.join(column_names(Invitation))} FROM invitations"
_NEWEST_IMPORT = "SELECT id FROM imports ORDER BY export_date DESC, id DESC LIMIT 1"
_UPSERT = f"""
INSERT INTO invitations ({", ".join(_WRITTEN)}) VALUES ({", ".join("?" * len(_WRITTEN))})
ON CONFLICT (identity) DO UPDATE SET
    profile_url = COALESCE(excluded.profile_url, invitations.profile_url),
    profile_key = COALESCE(excluded.profile_key, invitations.profile_key),
    person_key = excluded.person_key,
    message = CASE WHEN excluded.message != '' THEN excluded.message ELSE invitations.message END,
    matched_by = CASE WHEN invitations.connected THEN invitations.matched_by ELSE excluded.matched_by END,
    connected = MAX(invitations.connected, excluded.connected),
    replied = CASE WHEN excluded.replied IS NULL THEN invitations.replied
        ELSE MAX(COALESCE(invitations.replied, 0), excluded.replied) END,
    seen_in = CASE
        WHEN invitations.seen_in IS NULL
          OR (SELECT export_date FROM imports WHERE id = invitations.seen_in)
             <= (SELECT export_date FROM imports WHERE id = excluded.seen_in)
        THEN excluded.seen_in ELSE invitations.seen_in END
"""


@dataclass
class Stored:
    """What an import changed: how many invitations are new, and each listed one's state as stored now."""

    new: int = 0
    #: identity -> (connected, matched by)
    states: dict[str, tuple[bool, str | None]] = field(default_factory=dict)


class InvitationTable(Database):
    """Storing an export's invitations and reading them for `inbox`, `stats` and `already-invited`."""

    def store_export(
        self, invitations: Sequence[Invitation], *, path: str, export_date: str, connections: int, match: Matcher
    ) -> Stored:
        """One export's invitations in one transaction; if it is the newest imported, `match` re-checks the pending."""
        stored = Stored()
        with self.transaction() as db:
            [(before,)] = db.execute("SELECT COUNT(*) FROM invitations").fetchall()
            cursor = db.execute(
                "INSERT INTO imports (path, export_date, imported_at, invitations, connections) VALUES (?, ?, ?, ?, ?)",
                (path, export_date, to_text(now()), len(invitations), connections),
            )
            run = cursor.lastrowid
            db.executemany(_UPSERT, (stored_values(replace(i, seen_in=run)) for i in invitations))
            [(after,)] = db.execute("SELECT COUNT(*) FROM invitations").fetchall()
            stored.new = after - before
            newest = db.execute(_NEWEST_IMPORT).fetchall()
            if newest and newest[0][0] == run:
                # the newest export knows who is connected now: invitations it no longer lists may have been answered
                pending = db.execute("SELECT id, profile_key, person_key FROM invitations WHERE connected = 0").fetchall()
                updates = [(by, id_) for id_, key, name in pending if (by := match(key, name)) is not None]
                db.executemany("UPDATE invitations SET connected = 1, matched_by = ? WHERE id = ?", updates)
            listed = {i.identity for i in invitations}
            for identity, connected, by in db.execute("SELECT identity, connected, matched_by FROM invitations"):
                if identity in listed:
                    stored.states[identity] = (bool(connected), by)
            db.execute("ANALYZE invitations")  # thousands of rows at once: let the planner know which index narrows most
        return stored

    def has_imports(self) -> bool:
        """Whether any LinkedIn export was imported."""
        return bool(self.query("SELECT 1 FROM imports LIMIT 1"))

    def pending_received(self) -> list[Invitation]:
        """Received invitations not answered, as the newest imported export lists them, newest first."""
        return [
            from_row(Invitation, row)
            for row in self.query(
                f"{_SELECT} WHERE direction = 'incoming' AND connected = 0 AND seen_in = ({_NEWEST_IMPORT})"
                " ORDER BY sent_at DESC, id DESC"
            )
        ]

    def newest_export_date(self) -> str | None:
        """The date (YYYY-MM-DD) of the newest imported export, or None when nothing was imported."""
        rows = self.query(f"SELECT export_date FROM imports WHERE id = ({_NEWEST_IMPORT})")
        return str(rows[0][0]) if rows else None

    def pending_sent(self, sent_before: datetime) -> list[Invitation]:
        """Sent invitations the newest imported export lists as not accepted, sent before a moment
        (naive local time), oldest first: the candidates to withdraw."""
        return [
            from_row(Invitation, row)
            for row in self.query(
                f"{_SELECT} WHERE direction = 'outgoing' AND connected = 0 AND seen_in = ({_NEWEST_IMPORT})"
                " AND sent_at < ? ORDER BY sent_at, id",
                [to_minutes(sent_before)],
            )
        ]

    def sent_invitations(self, since: datetime | None = None) -> list[Invitation]:
        """The sent invitations the imported exports list (from a naive local time), oldest first."""
        where, params = "direction = 'outgoing'", []
        if since is not None:
            where += " AND sent_at >= ?"
            params.append(to_minutes(since))
        return [from_row(Invitation, row) for row in self.query(f"{_SELECT} WHERE {where} ORDER BY sent_at", params)]

    def invited_in_export(self, *, profile: str | None = None, name: str | None = None) -> tuple[str, str, bool] | None:
        """(sent at, as the export gives it; "profile URL" or "name"; whether the export shows you connected) of the
        newest invitation you sent them that an imported LinkedIn export lists; None when there is none."""
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
                " ORDER BY sent_at DESC LIMIT 1",
                params,
            )
            if rows:
                return rows[0][0], by, bool(rows[0][1])
        return None

    def search_invitations(self, text: str, since: datetime | None = None) -> list[Invitation]:
        """Imported invitations whose person, note or profile URL contains `text` (any case), newest first."""
        pattern = escape_like(text)
        where = "(person LIKE ? ESCAPE '\\' OR message LIKE ? ESCAPE '\\' OR profile_url LIKE ? ESCAPE '\\')"
        params: list[str] = [pattern] * 3
        if since is not None:
            where += " AND sent_at >= ?"
            params.append(to_minutes(since.astimezone().replace(tzinfo=None)))
        return [
            from_row(Invitation, row) for row in self.query(f"{_SELECT} WHERE {where} ORDER BY sent_at DESC, id DESC", params)
        ]

    def forget_export(self) -> int:
        """Delete everything `invite import` added (invitations and the record of imports); returns the invitations."""
        with self.transaction() as db:
            count: int = db.execute("DELETE FROM invitations WHERE source = 'export'").rowcount
            db.execute("DELETE FROM imports")
        self.checkpoint()
        return count
