-- The registrar's procedures (SPECTRUM): accessioning apart from publishing, deaccession,
-- condition checking and valuation. All private: no public projection reads these tables.

-- The accession register: the decision that an object belongs to the collection, with its
-- date, method and the deciding authority. The number itself stays on `objects` (unique, and
-- never reused: see `number_counters`). A deaccessioned object keeps its number and its line
-- here, marked with the reason, authority, date and method of disposal.
CREATE TABLE accessions (
    object_id             INTEGER PRIMARY KEY REFERENCES objects (id) ON DELETE CASCADE,
    accessioned_on        TEXT NOT NULL,     -- a date
    method                TEXT CHECK (method IN ('gift', 'purchase', 'deposit', 'transfer', 'found')),
    authority             TEXT NOT NULL DEFAULT '',
    deaccessioned_on      TEXT,              -- a date
    deaccession_reason    TEXT NOT NULL DEFAULT '',
    deaccession_authority TEXT NOT NULL DEFAULT '',
    disposal_method       TEXT CHECK (disposal_method IN ('return', 'transfer', 'sale', 'exchange',
                              'destruction', 'loss', 'other')),
    CHECK ((deaccessioned_on IS NULL) = (disposal_method IS NULL))
);

-- Objects numbered before this migration were accessioned when first published.
INSERT OR IGNORE INTO accessions (object_id, accessioned_on, method)
    SELECT id, substr(COALESCE(published_at, updated_at), 1, 10), acquisition_method
    FROM objects WHERE accession_number IS NOT NULL;

-- A deaccessioned object is never public again, whatever the application does.
CREATE TRIGGER IF NOT EXISTS deaccessioned_stay_unpublished
BEFORE UPDATE OF state ON objects
WHEN NEW.state = 'published'
     AND EXISTS (SELECT 1 FROM accessions WHERE object_id = NEW.id AND deaccessioned_on IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a deaccessioned object cannot be published');
END;

-- Dated condition reports on the SPECTRUM scale, by the person who checked.
CREATE TABLE condition_reports (
    id         INTEGER PRIMARY KEY,
    object_id  INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    checked_on TEXT NOT NULL,            -- a date
    condition  TEXT NOT NULL CHECK (condition IN ('good', 'fair', 'poor', 'unacceptable')),
    notes      TEXT NOT NULL DEFAULT '',
    checked_by TEXT NOT NULL
);
CREATE INDEX condition_reports_object ON condition_reports (object_id, checked_on);

-- A condition report's photos are the object's images like any other (sanitised masters,
-- content-addressed, backed up), marked with their report: never public, and not in the
-- object's list of catalogue images.
ALTER TABLE media ADD COLUMN condition_report INTEGER REFERENCES condition_reports (id);
CREATE INDEX media_condition_report ON media (condition_report);
CREATE TRIGGER IF NOT EXISTS condition_photos_stay_private_insert
BEFORE INSERT ON media WHEN NEW.is_public = 1 AND NEW.condition_report IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a condition report photo is never public');
END;
CREATE TRIGGER IF NOT EXISTS condition_photos_stay_private_update
BEFORE UPDATE OF is_public, condition_report ON media WHEN NEW.is_public = 1 AND NEW.condition_report IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a condition report photo is never public');
END;

-- Dated values, visible to publishing roles only.
CREATE TABLE valuations (
    id           INTEGER PRIMARY KEY,
    object_id    INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    valued_on    TEXT NOT NULL,          -- a date
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    purpose      TEXT NOT NULL CHECK (purpose IN ('insurance', 'acquisition', 'market')),
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL
);
CREATE INDEX valuations_object ON valuations (object_id, valued_on);

-- An object's history tab reads its audit entries by entry number.
CREATE INDEX IF NOT EXISTS audit_log_target ON audit_log (target);
