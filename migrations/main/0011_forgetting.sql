-- Forgetting: an offer's sealed record (contact, story, name, answers) is purged after the
-- retention period; the register of entries keeps the offer's row and notes that it was.
ALTER TABLE offers ADD COLUMN sealed_purged INTEGER NOT NULL DEFAULT 0 CHECK (sealed_purged IN (0, 1));
-- How many answers the donor sent through the status page (the answers themselves are sealed
-- in contacts.sqlite, for the keyholders).
ALTER TABLE offers ADD COLUMN answers INTEGER NOT NULL DEFAULT 0;
