-- Sealed donor records, and nothing else. Each record is an age ciphertext of a fixed
-- padded size, bound inside the ciphertext to its offer's random id.
CREATE TABLE sealed_records (
    offer_ref  TEXT PRIMARY KEY,      -- random opaque id shared with the offer, nothing more
    ciphertext BLOB NOT NULL,
    created_on TEXT NOT NULL          -- a date, never a time
);
