-- Whose export each import was: the account, by the export's own profile URL and name (the sender
-- side of its invitations, else Profile.csv). The first account is yours; `invite import` refuses an
-- export of another account unless asked (--another-account), and inbox and stats read one account
-- at a time. Imports and invitations from before this table (account NULL) are the first account's.
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
-- An import is merged in many short transactions, so no `draft` waits long for the lock; until its
-- last one sets `complete`, nothing of it is seen: the rows it added (`added_in`) are hidden, and the
-- rows it lists again are read with the import that listed them before (`previous_seen_in`). An
-- import stopped midway is undone, by itself or by the next one.
ALTER TABLE imports ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;
ALTER TABLE invitations ADD COLUMN added_in INTEGER;
ALTER TABLE invitations ADD COLUMN previous_seen_in INTEGER;
CREATE INDEX invitations_added_in ON invitations (added_in);
CREATE INDEX imports_account ON imports (account, complete, export_date);
-- An export once took its date from its newest row, so one misread row (12/31/68 read as 2068) made it
-- the newest export for good: an export dated after the day it was imported is dated that day.
UPDATE imports SET export_date = substr(imported_at, 1, 10) WHERE export_date > date(imported_at, '+1 day');
