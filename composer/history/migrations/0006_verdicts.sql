-- Each note's lint verdict, stored once (when it is recorded or imported) with the linter's version
-- (`composer.lint.lint_version`), so `stats` and `inbox` read it instead of linting every note again:
-- a note is linted again only when its stored version is not the linter's. NULL: not linted yet
-- (every row of a history from before this migration, and an invitation without a note).
-- Invitations: `rules` the rules that fired (',generic-phrase,no-specifics,', for SQL to group by),
-- `judged` whether its language is judged, `length` as LinkedIn counts it, `verdict` the findings,
-- scores, language and hook as JSON (what `inbox` shows).
ALTER TABLE invitations ADD COLUMN lint_version TEXT;
ALTER TABLE invitations ADD COLUMN judged INTEGER;
ALTER TABLE invitations ADD COLUMN rules TEXT;
ALTER TABLE invitations ADD COLUMN length INTEGER;
ALTER TABLE invitations ADD COLUMN verdict TEXT;
-- The few invitations with a note, by direction and time: what `stats` groups by verdict and `inbox` judges.
CREATE INDEX invitations_noted ON invitations (direction, sent_at) WHERE message != '';
-- Notes: the findings were stored already; `verdict` adds the scores, language and whether it was judged.
ALTER TABLE notes ADD COLUMN lint_version TEXT;
ALTER TABLE notes ADD COLUMN verdict TEXT;
-- Near-identical notes are found through MinHash band keys (composer.similarity.band_keys), stored once
-- per skeleton: `bands` maps a skeleton's key (composer.similarity.skeleton_key) to its band keys, and
-- a lookup reads only the skeletons that share a band with the note, never every note.
-- `skel_hash` is the key of a note's `skeleton` (the repeat check's), `text_hash` of its text's plain
-- skeleton (what `stats` matches sent notes by); an invitation's `text_hash` is its note's. NULL: not
-- computed yet (filled when a command needs them).
ALTER TABLE notes ADD COLUMN skel_hash INTEGER;
ALTER TABLE notes ADD COLUMN text_hash INTEGER;
ALTER TABLE invitations ADD COLUMN text_hash INTEGER;
CREATE TABLE bands (skel INTEGER NOT NULL, key INTEGER NOT NULL, PRIMARY KEY (skel, key)) WITHOUT ROWID;
CREATE INDEX bands_key ON bands (key, skel);
CREATE INDEX notes_skel_hash ON notes (skel_hash, sent_at);
CREATE INDEX notes_text_hash ON notes (text_hash);
CREATE INDEX notes_unsigned ON notes (sent_at) WHERE skel_hash IS NULL OR text_hash IS NULL;
-- Which recorded note an imported sent note is (`invite stats` counts by its template): the best match,
-- its score, the matching's version, and the newest recorded note it was matched against; NULL: not
-- matched yet. Matched once, then only against the notes recorded since (composer.history.store.matches).
ALTER TABLE invitations ADD COLUMN match_note INTEGER;
ALTER TABLE invitations ADD COLUMN match_score REAL;
ALTER TABLE invitations ADD COLUMN match_version TEXT;
ALTER TABLE invitations ADD COLUMN match_upto INTEGER;
