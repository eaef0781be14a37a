-- The official calendars that reached this device by sync (one row per
-- year, from the office's calendar documents). Read when the store opens;
-- they take precedence over the years compiled into the app.
CREATE TABLE calendars (
    year      INTEGER PRIMARY KEY,
    doc_id    TEXT NOT NULL,
    source    TEXT NOT NULL,
    text      TEXT NOT NULL
);

-- Calendar documents are a kind of their own. SQLite changes a CHECK by
-- rebuilding the table (the runner turns foreign keys off and checks them
-- before commit).
CREATE TABLE documents_new (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('inspection', 'enterprise', 'checklist', 'calendar')),
    heads      BLOB NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
INSERT INTO documents_new (id, kind, heads, updated_at) SELECT id, kind, heads, updated_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
