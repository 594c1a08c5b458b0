-- Whether the donor agreed that the museum may show the object publicly. An object whose donor
-- did not agree is published only when a curator confirms, in the audit log, that consent was
-- obtained since. Donors recorded before this existed are taken as having agreed.
ALTER TABLE donors ADD COLUMN consent_publish INTEGER NOT NULL DEFAULT 1 CHECK (consent_publish IN (0, 1));
