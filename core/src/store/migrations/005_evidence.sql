-- Evidence on file, per inspection (a projection of each inspection's
-- `evidence` map): lets a new rectification photo be compared with every
-- picture already held for the enterprise without opening each inspection.
CREATE TABLE evidence_index (
    inspection_id TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    kind          TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    phash         TEXT,
    captured_at   TEXT,
    flags         INTEGER NOT NULL,
    PRIMARY KEY (inspection_id, sha256)
) STRICT;
CREATE INDEX evidence_by_enterprise ON evidence_index (enterprise_id);
