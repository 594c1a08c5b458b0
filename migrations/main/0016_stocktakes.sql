-- Inventory (SPECTRUM's stocktaking): a stocktake of one location lists the objects the
-- records put there when it starts; staff tick what they find, and may add what they find
-- there that the records put elsewhere. Closing it reports what is missing and what is out of
-- place. Private, like every location.
CREATE TABLE stocktakes (
    id          INTEGER PRIMARY KEY,
    location_id INTEGER NOT NULL REFERENCES locations (id),
    started_on  TEXT NOT NULL,            -- a date
    started_by  TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    closed_on   TEXT,                     -- a date
    closed_by   TEXT,
    CHECK ((closed_on IS NULL) = (closed_by IS NULL))
);
-- At most one open stocktake per location.
CREATE UNIQUE INDEX stocktakes_open ON stocktakes (location_id) WHERE closed_on IS NULL;

CREATE TABLE stocktake_items (
    stocktake_id INTEGER NOT NULL REFERENCES stocktakes (id) ON DELETE CASCADE,
    object_id    INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    expected     INTEGER NOT NULL CHECK (expected IN (0, 1)),   -- the records put it here
    found        INTEGER NOT NULL DEFAULT 0 CHECK (found IN (0, 1)),
    PRIMARY KEY (stocktake_id, object_id)
);
