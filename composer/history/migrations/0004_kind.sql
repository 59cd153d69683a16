-- What a recorded note is: an invitation's note ('invitation'), or a message such as a reply to an
-- invitation ('message'), which LinkedIn's monthly note quota does not count and `repeated-note`
-- and `already-invited` never compare. Replies recorded before this column are the notes drafted
-- for the `reply` relationship.
ALTER TABLE notes ADD COLUMN kind TEXT NOT NULL DEFAULT 'invitation';
UPDATE notes SET kind = 'message' WHERE relationship = 'reply';
