-- Offers from the intake form. An offer's id is random and opaque: it is the only link to its
-- sealed record in contacts.sqlite. Offers carry the day they arrived, never a time, and
-- nothing about the visitor who sent them. The donor's story and contact are never here.
CREATE TABLE offers (
    id              TEXT PRIMARY KEY,     -- random, opaque; joins contacts.sqlite
    entry_number    TEXT NOT NULL UNIQUE,
    received_on     TEXT NOT NULL,        -- a date, never a time
    lang            TEXT NOT NULL CHECK (lang IN ('be', 'en', 'ru')),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    object_type     TEXT NOT NULL,
    maker           TEXT NOT NULL DEFAULT '',
    credit          TEXT NOT NULL CHECK (credit IN ('anonymous', 'pseudonym', 'name')),
    credit_name     TEXT NOT NULL DEFAULT '',
    consent_publish INTEGER NOT NULL CHECK (consent_publish IN (0, 1)),
    state           TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'accepted', 'declined')),
    decided_on      TEXT,
    object_id       INTEGER REFERENCES objects (id),
    -- Receipts (optional): an Argon2id hash of the code for look-up, and an X25519 public key
    -- derived from the same hash, to which curators' replies are sealed.
    receipt_lookup    BLOB UNIQUE,
    receipt_recipient TEXT
);
CREATE INDEX offers_state ON offers (state, entry_number);

-- Photos of an offer, sanitised by the media module and stored content-addressed like any
-- other image. They move to the object's media when the offer is accepted.
CREATE TABLE offer_photos (
    offer_id      TEXT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    hash          TEXT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    master_format TEXT NOT NULL CHECK (master_format IN ('jpeg', 'png')),
    webp_sizes    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (offer_id, position)
);
CREATE INDEX offer_photos_hash ON offer_photos (hash);

-- Curators' replies, sealed to the offer's receipt: only the donor's code opens them.
CREATE TABLE offer_replies (
    id         INTEGER PRIMARY KEY,
    offer_id   TEXT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    sealed     BLOB NOT NULL,
    created_on TEXT NOT NULL
);
CREATE INDEX offer_replies_offer ON offer_replies (offer_id, id);

-- Installation-wide values made once, here. The receipt salt makes receipt hashes of this
-- museum differ from any other's; receipts themselves carry 80 random bits.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (name, value) VALUES ('receipt_salt', lower(hex(randomblob(16))));

-- Each audit entry follows exactly one other: two writers racing for the same predecessor
-- make one of them fail loudly instead of forking the chain.
CREATE UNIQUE INDEX audit_log_prev ON audit_log (prev_hash);
