-- The office's rule documents that reached this device by sync (a year's
-- calendar, a region), as imported: read when the store opens, on top of
-- what is compiled into the app.
CREATE TABLE office_docs (
    doc_id  TEXT PRIMARY KEY,
    kind    TEXT NOT NULL,
    source  TEXT NOT NULL,
    text    TEXT NOT NULL
);

-- Office documents are a kind of their own. SQLite changes a CHECK by
-- rebuilding the table (the runner turns foreign keys off and checks them
-- before commit).
CREATE TABLE documents_new (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('inspection', 'enterprise', 'checklist', 'office')),
    heads      BLOB NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
INSERT INTO documents_new (id, kind, heads, updated_at) SELECT id, kind, heads, updated_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
