-- Rights statements per object and per image, by URI from the fixed vocabulary
-- (src/collection/rights.rs). NULL inherits: an image its object's statement, an object the
-- collection's (`rights` in zbor.toml).
ALTER TABLE objects ADD COLUMN rights TEXT;
ALTER TABLE media ADD COLUMN rights TEXT;
