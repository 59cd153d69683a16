-- Whose export each import was: the account, by the export's own profile URL and name (from Profile.csv
-- or the sender side of its invitations). The first account is yours; `invite import` refuses an export
-- of another account unless asked (--another-account), and inbox and stats read one account at a time.
-- Imports and invitations from before this table belong to the first account recorded (NULL until then).
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT,
    name_key TEXT,
    profile_url TEXT,
    profile_key TEXT,
    added_at TEXT NOT NULL
);
ALTER TABLE imports ADD COLUMN account INTEGER REFERENCES accounts (id);
ALTER TABLE invitations ADD COLUMN account INTEGER REFERENCES accounts (id);
CREATE INDEX imports_account ON imports (account, export_date);
-- An export once took its date from its newest row, so one misread row (12/31/68 read as 2068) made it
-- the newest export for good: an export dated after the day it was imported is dated that day.
UPDATE imports SET export_date = substr(imported_at, 1, 10) WHERE export_date > date(imported_at, '+1 day');
