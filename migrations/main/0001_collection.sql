-- The collection database. Multilingual values are three columns (_be, _en, _ru); the
-- application picks the visitor's language and falls back to the others when one is empty.
-- Dates that are "fuzzy" are stored as an earliest and latest year plus a qualifier,
-- so "c. 2021" and "2020–2022" can be filtered and sorted.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'curator', 'keyholder', 'volunteer')),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL
);

-- Authorities: reused, never retyped.
CREATE TABLE makers (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('person', 'collective', 'anonymous', 'pseudonym')),
    name_be       TEXT NOT NULL DEFAULT '',
    name_en       TEXT NOT NULL DEFAULT '',
    name_ru       TEXT NOT NULL DEFAULT '',
    bio_be        TEXT NOT NULL DEFAULT '',
    bio_en        TEXT NOT NULL DEFAULT '',
    bio_ru        TEXT NOT NULL DEFAULT '',
    private_notes TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);

CREATE TABLE organisations (
    id            INTEGER PRIMARY KEY,
    name_be       TEXT NOT NULL DEFAULT '',
    name_en       TEXT NOT NULL DEFAULT '',
    name_ru       TEXT NOT NULL DEFAULT '',
    private_notes TEXT NOT NULL DEFAULT ''
);

CREATE TABLE places (
    id      INTEGER PRIMARY KEY,
    name_be TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    name_ru TEXT NOT NULL DEFAULT ''
);

CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('protest', 'march', 'auction', 'exhibition')),
    name_be         TEXT NOT NULL DEFAULT '',
    name_en         TEXT NOT NULL DEFAULT '',
    name_ru         TEXT NOT NULL DEFAULT '',
    description_be  TEXT NOT NULL DEFAULT '',
    description_en  TEXT NOT NULL DEFAULT '',
    description_ru  TEXT NOT NULL DEFAULT '',
    starts_on       TEXT,             -- ISO date, may be only 'YYYY' or 'YYYY-MM'
    ends_on         TEXT,
    place_id        INTEGER REFERENCES places (id),
    organisation_id INTEGER REFERENCES organisations (id)
);

-- Donors are pseudonymous: a random id and the credit they chose. There is deliberately no
-- contact column; contacts are sealed in contacts.sqlite, joined only by the random offer id.
CREATE TABLE donors (
    id          TEXT PRIMARY KEY,     -- random, opaque
    credit      TEXT NOT NULL CHECK (credit IN ('anonymous', 'pseudonym', 'name')),
    credit_name TEXT NOT NULL DEFAULT '',
    created_on  TEXT NOT NULL         -- a date, never a time
);

-- Private storage locations.
CREATE TABLE locations (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE,
    notes TEXT NOT NULL DEFAULT ''
);

-- Running numbers. Entry numbers count every arrival; accession numbers only objects
-- taken into the collection. Both are allocated in the transaction that uses them and a
-- counter never goes back, so a number is never reused.
CREATE TABLE number_counters (
    register TEXT NOT NULL CHECK (register IN ('entry', 'accession')),
    scope    TEXT NOT NULL,           -- e.g. the year
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (register, scope)
);

CREATE TABLE objects (
    id                 INTEGER PRIMARY KEY,
    entry_number       TEXT NOT NULL UNIQUE,
    accession_number   TEXT UNIQUE,
    object_type        TEXT NOT NULL CHECK (object_type IN ('painting', 'poster', 'flag', 'ribbon',
                           'badge', 'banner', 'clothing', 'letter', 'photograph', 'document', 'other')),
    title_be           TEXT NOT NULL DEFAULT '',
    title_en           TEXT NOT NULL DEFAULT '',
    title_ru           TEXT NOT NULL DEFAULT '',
    description_be     TEXT NOT NULL DEFAULT '',
    description_en     TEXT NOT NULL DEFAULT '',
    description_ru     TEXT NOT NULL DEFAULT '',
    inscription_be     TEXT NOT NULL DEFAULT '',
    inscription_en     TEXT NOT NULL DEFAULT '',
    inscription_ru     TEXT NOT NULL DEFAULT '',
    materials_be       TEXT NOT NULL DEFAULT '',
    materials_en       TEXT NOT NULL DEFAULT '',
    materials_ru       TEXT NOT NULL DEFAULT '',
    dimensions         TEXT NOT NULL DEFAULT '',
    parts              INTEGER NOT NULL DEFAULT 1 CHECK (parts >= 1),
    date_qualifier     TEXT NOT NULL DEFAULT 'unknown'
                           CHECK (date_qualifier IN ('unknown', 'exact', 'circa', 'before', 'after', 'between')),
    date_earliest      INTEGER,       -- year
    date_latest        INTEGER,       -- year
    acquisition_method TEXT CHECK (acquisition_method IN ('gift', 'purchase', 'deposit', 'transfer', 'found')),
    acquired_on        TEXT,          -- a date
    -- Ownership and custody: a deposit leaves the depositor as owner, the museum as keeper.
    owner              TEXT NOT NULL DEFAULT 'museum' CHECK (owner IN ('museum', 'depositor', 'unknown')),
    keeper             TEXT NOT NULL DEFAULT 'museum' CHECK (keeper IN ('museum', 'owner', 'borrower')),
    donor_id           TEXT REFERENCES donors (id),
    state              TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'withdrawn')),
    published_at       TEXT,
    -- Sensitive fields are private until a curator opens them.
    inscription_public INTEGER NOT NULL DEFAULT 0 CHECK (inscription_public IN (0, 1)),
    acquisition_public INTEGER NOT NULL DEFAULT 0 CHECK (acquisition_public IN (0, 1)),
    internal_notes     TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (date_earliest IS NULL OR date_latest IS NULL OR date_earliest <= date_latest),
    CHECK (state = 'draft' OR accession_number IS NOT NULL)
);
CREATE INDEX objects_state ON objects (state, published_at);

CREATE TABLE object_makers (
    object_id INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    maker_id  INTEGER NOT NULL REFERENCES makers (id),
    role      TEXT NOT NULL DEFAULT 'maker',
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (object_id, maker_id, role)
);
CREATE INDEX object_makers_maker ON object_makers (maker_id);

-- Events an object is connected to (carried at a march, shown at an exhibition).
CREATE TABLE object_events (
    object_id INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    event_id  INTEGER NOT NULL REFERENCES events (id),
    PRIMARY KEY (object_id, event_id)
);
CREATE INDEX object_events_event ON object_events (event_id);

-- Provenance: an ordered chain of events per object. Private unless marked public.
CREATE TABLE provenance_events (
    id             INTEGER PRIMARY KEY,
    object_id      INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('made', 'exhibited', 'auctioned', 'bought', 'given',
                       'deposited', 'moved', 'returned')),
    date_qualifier TEXT NOT NULL DEFAULT 'unknown'
                       CHECK (date_qualifier IN ('unknown', 'exact', 'circa', 'before', 'after', 'between')),
    date_earliest  INTEGER,
    date_latest    INTEGER,
    exact_date     TEXT,              -- ISO date when known to the day
    place_id       INTEGER REFERENCES places (id),
    event_id       INTEGER REFERENCES events (id),   -- e.g. the auction or exhibition
    lot            TEXT NOT NULL DEFAULT '',
    price_minor    INTEGER CHECK (price_minor IS NULL OR price_minor >= 0),  -- in cents
    currency       TEXT NOT NULL DEFAULT '' CHECK (currency = '' OR length(currency) = 3),
    note_be        TEXT NOT NULL DEFAULT '',
    note_en        TEXT NOT NULL DEFAULT '',
    note_ru        TEXT NOT NULL DEFAULT '',
    is_public      INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    UNIQUE (object_id, position)
);

CREATE TABLE provenance_parties (
    provenance_id   INTEGER NOT NULL REFERENCES provenance_events (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('maker', 'seller', 'buyer', 'giver', 'receiver',
                        'depositor', 'organiser', 'owner')),
    maker_id        INTEGER REFERENCES makers (id),
    donor_id        TEXT REFERENCES donors (id),
    organisation_id INTEGER REFERENCES organisations (id),
    museum          INTEGER NOT NULL DEFAULT 0 CHECK (museum IN (0, 1)),
    CHECK ((maker_id IS NOT NULL) + (donor_id IS NOT NULL) + (organisation_id IS NOT NULL) + museum = 1)
);
CREATE INDEX provenance_parties_event ON provenance_parties (provenance_id);

-- Where an object is, and was. Always private.
CREATE TABLE object_movements (
    id          INTEGER PRIMARY KEY,
    object_id   INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    location_id INTEGER NOT NULL REFERENCES locations (id),
    moved_on    TEXT NOT NULL,
    is_normal   INTEGER NOT NULL DEFAULT 0 CHECK (is_normal IN (0, 1)),
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX object_movements_object ON object_movements (object_id, moved_on);

-- An object leaving the museum: a deposit returned, a loan out.
CREATE TABLE object_exits (
    id        INTEGER PRIMARY KEY,
    object_id INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('return', 'loan_out', 'disposal')),
    exit_on   TEXT NOT NULL,
    expected_back TEXT,
    note      TEXT NOT NULL DEFAULT ''
);

-- Images. Files live under the uploads folder, named by the hash of their bytes.
CREATE TABLE media (
    id         INTEGER PRIMARY KEY,
    object_id  INTEGER NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    hash       TEXT NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    alt_be     TEXT NOT NULL DEFAULT '',
    alt_en     TEXT NOT NULL DEFAULT '',
    alt_ru     TEXT NOT NULL DEFAULT '',
    caption_be TEXT NOT NULL DEFAULT '',
    caption_en TEXT NOT NULL DEFAULT '',
    caption_ru TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    is_public  INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'ready', 'failed')),
    created_at TEXT NOT NULL
);
CREATE INDEX media_object ON media (object_id, position);
CREATE INDEX media_hash ON media (hash);

-- Full-text index of the PUBLIC projection only: published objects, public fields. Private
-- text never enters it, so no search can find an object by what it keeps private.
-- Text is normalised in Rust before indexing (ё→е, apostrophes dropped); rowid = objects.id.
CREATE VIRTUAL TABLE public_search USING fts5 (
    title, body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
