-- Whether the person a sent invitation went to wrote to you after connecting, from the export's
-- messages.csv: 1 or 0 for accepted invitations of an export that had it, NULL when unknown.
-- Sticky like `connected`: once a reply was seen, a later export without it changes nothing back.
ALTER TABLE invitations ADD COLUMN replied INTEGER;
