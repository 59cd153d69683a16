-- The notes invite-composer delivered: one row per note (`invite draft`, or a row of `invite merge`).
-- Times are UTC, ISO 8601 with a Z. `profile_key` and `recipient_key` are the normalised forms the
-- checks match on (composer.history.people); `skeleton` is the note with the recipient's own details
-- set aside (composer.similarity), for `repeated-note`. `findings` is a JSON list of
-- {"rule", "severity", "message"}. `run` groups the notes of one command, for `forget --last`.
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    sent_at TEXT NOT NULL,
    run TEXT NOT NULL,
    command TEXT NOT NULL,
    recipient TEXT,
    recipient_key TEXT,
    profile_url TEXT,
    profile_key TEXT,
    relationship TEXT,
    template TEXT,
    text TEXT NOT NULL,
    length INTEGER NOT NULL,
    account TEXT,
    findings TEXT NOT NULL DEFAULT '[]',
    skeleton TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notes_sent_at ON notes (sent_at);
CREATE INDEX notes_profile_key ON notes (profile_key);
CREATE INDEX notes_recipient_key ON notes (recipient_key);
CREATE INDEX notes_run ON notes (run);
