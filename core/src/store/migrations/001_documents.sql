-- Documents and their bytes. A document is one snapshot chunk plus the
-- incremental chunks committed since; `heads` are the heads the chunks add
-- up to, so the next save is `save_after(heads)` (never `save_incremental`
-- after a load, which re-emits the whole history).
CREATE TABLE documents (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('inspection', 'enterprise', 'checklist')),
    heads      BLOB NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE chunks (
    id         INTEGER PRIMARY KEY,
    doc_id     TEXT NOT NULL REFERENCES documents(id),
    kind       TEXT NOT NULL CHECK (kind IN ('snapshot', 'incremental')),
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX chunks_by_doc ON chunks(doc_id, id);

-- This install's identity: the automerge actor id and similar settings.
CREATE TABLE device (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;
