-- Media pipeline: masters may be PNG (transparency), and derivatives are made by a durable
-- job queue so that an upload returns at once.
ALTER TABLE media ADD COLUMN master_format TEXT NOT NULL DEFAULT 'jpeg' CHECK (master_format IN ('jpeg', 'png'));
-- Derivative sizes that also have a (smaller) WebP file, e.g. '400,1200'.
ALTER TABLE media ADD COLUMN webp_sizes TEXT NOT NULL DEFAULT '';

CREATE TABLE jobs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('derivatives')),
    media_id   INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    run_after  TEXT NOT NULL,          -- UTC timestamp; retries back off
    locked_at  TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX jobs_ready ON jobs (state, run_after);
CREATE INDEX jobs_media ON jobs (media_id);
