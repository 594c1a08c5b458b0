-- The audit log: append-only, each entry holding the hash of the one before it, so that an
-- edited or deleted entry breaks the chain (`zbor audit verify` names the first broken one).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,             -- UTC timestamp
    actor     TEXT NOT NULL,             -- a staff username, or 'system'
    action    TEXT NOT NULL,             -- e.g. 'login', 'login-failed', 'publish'
    target    TEXT NOT NULL DEFAULT '',  -- what was acted on
    details   TEXT NOT NULL DEFAULT '{}',-- JSON: field-level changes, a reason, …
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- Append-only inside zbor: the database itself refuses changes to past entries.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
