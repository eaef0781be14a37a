-- Persisted automerge sync state per (document, peer): only the part
-- `sync::State::encode()` keeps (the heads both sides share). In-memory
-- state is discarded after any transport error and rebuilt from this.
CREATE TABLE sync_states (
    doc_id TEXT NOT NULL,
    peer   TEXT NOT NULL,
    state  BLOB NOT NULL,
    PRIMARY KEY (doc_id, peer)
) STRICT;
