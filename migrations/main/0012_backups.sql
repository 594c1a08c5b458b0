-- The backups made of this collection. Archives are sealed to the keyholders, so the server
-- cannot read one back: `zbor backup --since PREVIOUS` finds PREVIOUS here by the BLAKE3 hash
-- of its file, and leaves out the uploads that PREVIOUS's chain already holds. No dates: a
-- backup's time is not needed to chain it.
CREATE TABLE backups (
    hash TEXT PRIMARY KEY,
    parent TEXT REFERENCES backups (hash)
) WITHOUT ROWID;

-- The uploads (by their path in the uploads folder) that each backup carried.
CREATE TABLE backup_files (
    backup TEXT NOT NULL REFERENCES backups (hash),
    path TEXT NOT NULL,
    PRIMARY KEY (backup, path)
) WITHOUT ROWID;
