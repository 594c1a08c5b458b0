-- Redaction: regions of a photo (faces, names, number plates) destroyed in the pixels of
-- every public derivative, the master kept as it is.
--
-- `media.derivatives` names the folder of an image's derivatives: the master's own hash while
-- the image has no regions, otherwise a hash of the master's hash and its regions, so the
-- public addresses change whenever the regions do and no old derivative stays reachable.
ALTER TABLE media ADD COLUMN derivatives TEXT NOT NULL DEFAULT '';
UPDATE media SET derivatives = hash;
CREATE INDEX media_derivatives ON media (derivatives);

-- Regions of an object's image or of an offer's photo (before it is accepted), in the
-- master's pixels. Faces may be pixelated in coarse blocks; anything else is filled.
-- `suggested`: found by the face detector and not yet accepted by a curator (redacted all
-- the same until removed).
CREATE TABLE redactions (
    id             INTEGER PRIMARY KEY,
    media_id       INTEGER REFERENCES media (id) ON DELETE CASCADE,
    offer_id       TEXT,
    offer_position INTEGER,
    shape          TEXT NOT NULL CHECK (shape IN ('rect', 'ellipse')),
    kind           TEXT NOT NULL CHECK (kind IN ('face', 'text', 'plate', 'other')),
    method         TEXT NOT NULL CHECK (method IN ('fill', 'pixelate')),
    x              INTEGER NOT NULL CHECK (x >= 0),
    y              INTEGER NOT NULL CHECK (y >= 0),
    w              INTEGER NOT NULL CHECK (w > 0),
    h              INTEGER NOT NULL CHECK (h > 0),
    suggested      INTEGER NOT NULL DEFAULT 0 CHECK (suggested IN (0, 1)),
    FOREIGN KEY (offer_id, offer_position) REFERENCES offer_photos (offer_id, position) ON DELETE CASCADE,
    CHECK ((media_id IS NULL) <> (offer_id IS NULL)),
    CHECK (method = 'fill' OR kind = 'face')
);
CREATE INDEX redactions_media ON redactions (media_id);
CREATE INDEX redactions_offer ON redactions (offer_id, offer_position);

-- Types whose objects show people (photographs, and any a curator marks so): publishing one
-- asks a curator to confirm its photos were checked for faces and names.
ALTER TABLE object_types ADD COLUMN shows_people INTEGER NOT NULL DEFAULT 0 CHECK (shows_people IN (0, 1));
UPDATE object_types SET shows_people = 1 WHERE code = 'photograph';
