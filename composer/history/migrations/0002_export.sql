-- What `invite import` read from LinkedIn's data export (source = 'export'): every invitation sent
-- and received, and whether it was accepted (sent) or is still pending (received).
-- `sent_at` is as the export gives it: local time without a zone, ISO 8601 to the minute.
-- `identity` makes re-importing idempotent: direction, time and the other person's name.
-- `connected` is sticky: once an export shows the two of you connected, the invitation was
-- accepted (sent) or answered (received). `seen_in` is the newest import that listed it.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    export_date TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    invitations INTEGER NOT NULL,
    connections INTEGER NOT NULL
);
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL DEFAULT 'export',
    direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    sent_at TEXT NOT NULL,
    person TEXT,
    person_key TEXT,
    profile_url TEXT,
    profile_key TEXT,
    message TEXT NOT NULL DEFAULT '',
    connected INTEGER NOT NULL DEFAULT 0,
    matched_by TEXT,
    seen_in INTEGER REFERENCES imports (id) ON DELETE SET NULL
);
CREATE INDEX invitations_direction ON invitations (direction, sent_at);
CREATE INDEX invitations_profile_key ON invitations (profile_key, sent_at);
CREATE INDEX invitations_person_key ON invitations (person_key, sent_at);
-- Lookups by person want the newest first: with the time in the index, SQLite never has to choose
-- between the person's index and the time's (and scan a big history).
DROP INDEX notes_profile_key;
CREATE INDEX notes_profile_key ON notes (profile_key, sent_at);
DROP INDEX notes_recipient_key;
CREATE INDEX notes_recipient_key ON notes (recipient_key, sent_at);
