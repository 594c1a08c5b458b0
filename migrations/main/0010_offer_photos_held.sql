-- An offer's photos wait in the database, not in the uploads folder: a file created when an
-- offer arrives would carry the second it arrived in its change and birth times, which no
-- program can set back. They become content-addressed files when a curator accepts the
-- offer (a staff action, audited anyway). Rows of older installations keep their files and
-- have no bytes here.
ALTER TABLE offer_photos ADD COLUMN master BLOB;
ALTER TABLE offer_photos ADD COLUMN preview BLOB;
