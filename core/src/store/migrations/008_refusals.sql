-- The edits this device made, by the change that carries them (automerge
-- bytes holding the editor and the edits), so that work set aside behind a
-- refused change can be made again where the rules allow.
CREATE TABLE edit_journal (
    change_hash TEXT PRIMARY KEY,
    doc_id      TEXT NOT NULL,
    entry       BLOB NOT NULL,
    at          TEXT NOT NULL
) STRICT;

-- Every refusal the server sent, as it said it.
CREATE TABLE refusals (
    id          INTEGER PRIMARY KEY,
    doc_id      TEXT NOT NULL,
    code        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    change_hash TEXT,
    at          TEXT NOT NULL
) STRICT;

-- Changes taken out of a document because the server refused them or they
-- depended on one: kept whole (exportable to the office), never lost.
-- state: set_aside | reapplied (made again as `reapplied_as`) | superseded
-- (the server sent the same change back, e.g. a colleague's relayed change).
CREATE TABLE set_aside (
    change_hash  TEXT PRIMARY KEY,
    doc_id       TEXT NOT NULL,
    refusal_id   INTEGER NOT NULL REFERENCES refusals(id),
    bytes        BLOB NOT NULL,
    refused      INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('set_aside', 'reapplied', 'superseded')),
    reapplied_as TEXT,
    note         TEXT
) STRICT;
CREATE INDEX set_aside_doc ON set_aside (doc_id, state);

-- Documents this device received but could not keep (a change it cannot
-- project): shown to the user; the other documents sync on. Cleared when the
-- document is received whole again.
CREATE TABLE quarantine (
    doc_id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
) STRICT;
