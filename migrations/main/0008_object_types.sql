-- no-transaction
-- Object types become an authority that curators extend and rename, like makers and events.
-- `objects.object_type` loses its fixed list and refers to `object_types (code)` instead; the
-- code is what web addresses (`/objects?type=flag`) and open data carry.
--
-- SQLite cannot drop a CHECK constraint, so `objects` is rebuilt the documented way
-- (https://sqlite.org/lang_altertable.html#otheralter): foreign keys off outside a
-- transaction, copy, drop, rename, all in one transaction. Every statement can run twice, so
-- a crash between the commit and sqlx's bookkeeping leaves a migration that simply runs again.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE IF NOT EXISTS object_types (
    id      INTEGER PRIMARY KEY,
    -- Lower-case letters, digits and hyphens: it appears in web addresses.
    code    TEXT NOT NULL UNIQUE
                CHECK (length(code) BETWEEN 1 AND 40 AND code NOT GLOB '*[^a-z0-9-]*'),
    name_be TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    name_ru TEXT NOT NULL DEFAULT ''
);
INSERT OR IGNORE INTO object_types (code, name_be, name_en, name_ru) VALUES
    ('painting', 'Карціна', 'Painting', 'Картина'),
    ('poster', 'Плакат', 'Poster', 'Плакат'),
    ('flag', 'Сцяг', 'Flag', 'Флаг'),
    ('ribbon', 'Стужка', 'Ribbon', 'Лента'),
    ('badge', 'Значок', 'Badge', 'Значок'),
    ('banner', 'Расцяжка', 'Banner', 'Растяжка'),
    ('clothing', 'Адзенне', 'Clothing', 'Одежда'),
    ('letter', 'Ліст', 'Letter', 'Письмо'),
    ('photograph', 'Фотаздымак', 'Photograph', 'Фотография'),
    ('document', 'Дакумент', 'Document', 'Документ'),
    ('other', 'Іншы прадмет', 'Other object', 'Другой предмет');

DROP TABLE IF EXISTS objects_new;
CREATE TABLE objects_new (
    id                 INTEGER PRIMARY KEY,
    entry_number       TEXT NOT NULL UNIQUE,
    accession_number   TEXT UNIQUE,
    object_type        TEXT NOT NULL REFERENCES object_types (code) ON UPDATE CASCADE,
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
INSERT INTO objects_new (id, entry_number, accession_number, object_type, title_be, title_en, title_ru, description_be, description_en, description_ru, inscription_be, inscription_en, inscription_ru, materials_be, materials_en, materials_ru, dimensions, parts, date_qualifier, date_earliest, date_latest, acquisition_method, acquired_on, owner, keeper, donor_id, state, published_at, inscription_public, acquisition_public, internal_notes, created_at, updated_at)
    SELECT id, entry_number, accession_number, object_type, title_be, title_en, title_ru, description_be, description_en, description_ru, inscription_be, inscription_en, inscription_ru, materials_be, materials_en, materials_ru, dimensions, parts, date_qualifier, date_earliest, date_latest, acquisition_method, acquired_on, owner, keeper, donor_id, state, published_at, inscription_public, acquisition_public, internal_notes, created_at, updated_at FROM objects;
DROP TABLE objects;
ALTER TABLE objects_new RENAME TO objects;
CREATE INDEX objects_state ON objects (state, published_at);
CREATE INDEX objects_type ON objects (object_type);

COMMIT;
PRAGMA foreign_keys = ON;
