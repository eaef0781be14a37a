-- Document number blocks granted to this device by the server, and the
-- numbers it consumed or voided offline (the ledger that goes back).
CREATE TABLE number_blocks (
    department TEXT NOT NULL,
    form TEXT NOT NULL,
    year INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    PRIMARY KEY (department, form, year, start)
) WITHOUT ROWID;

CREATE TABLE number_uses (
    department TEXT NOT NULL,
    form TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    document TEXT NOT NULL,
    by_person TEXT NOT NULL,
    at TEXT NOT NULL,
    voided TEXT,
    synced INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (department, form, year, seq)
) WITHOUT ROWID;
CREATE INDEX number_uses_by_document ON number_uses (document, department, form, year);
