-- Blobs this device holds (photos, signatures, scans; the files live in the
-- store's blob folder, named by SHA-256) and their upload outbox. A blob is
-- never deleted locally before the server acknowledged its hash ('acked').
CREATE TABLE blobs (
    hash          TEXT PRIMARY KEY CHECK (length(hash) = 64),
    size          INTEGER NOT NULL,
    media_type    TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'uploading', 'acked', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  TEXT,
    last_error    TEXT,
    created_at    TEXT NOT NULL,
    acked_at      TEXT
) STRICT;
CREATE INDEX blobs_outbox ON blobs (state, next_attempt);
