-- Loans in and out (SPECTRUM's loans in and loans out): with an organisation, for an exhibition,
-- under an agreement with dates, a reference, an insurance value and conditions of display.
-- Private: no public projection reads these tables (an object on loan out may stay public).
-- Sending and receiving record the objects' exits and moves, so their whereabouts stay whole.
CREATE TABLE loans (
    id              INTEGER PRIMARY KEY,
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    event_id        INTEGER REFERENCES events (id),
    reference       TEXT NOT NULL DEFAULT '',
    starts_on       TEXT NOT NULL,            -- the agreement's dates
    ends_on         TEXT NOT NULL,
    insurance_minor INTEGER CHECK (insurance_minor >= 0),
    currency        TEXT NOT NULL DEFAULT '',
    conditions      TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'requested'
                        CHECK (status IN ('requested', 'agreed', 'active', 'returned', 'cancelled')),
    created_on      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    sent_on         TEXT,                     -- out: left the museum; in: arrived
    returned_on     TEXT,
    CHECK (ends_on >= starts_on)
);

CREATE TABLE loan_objects (
    loan_id   INTEGER NOT NULL REFERENCES loans (id) ON DELETE CASCADE,
    object_id INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    -- A loan out: the condition report the object left with; its return needs a newer one.
    departure_report INTEGER REFERENCES condition_reports (id),
    PRIMARY KEY (loan_id, object_id)
);
CREATE INDEX loan_objects_object ON loan_objects (object_id);
