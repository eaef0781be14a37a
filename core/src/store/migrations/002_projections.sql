-- Projections: ordinary tables derived from the documents, updated in the
-- same transaction as each change and rebuildable from the documents.
CREATE TABLE inspections (
    id              TEXT PRIMARY KEY REFERENCES documents(id),
    enterprise_id   TEXT NOT NULL,
    enterprise_name TEXT NOT NULL,
    status          TEXT NOT NULL,
    plan_id         TEXT,
    started_at      TEXT,
    updated_at      TEXT NOT NULL,
    conflicts       INTEGER NOT NULL
) STRICT;
CREATE INDEX inspections_by_status ON inspections(status, updated_at);
CREATE INDEX inspections_by_enterprise ON inspections(enterprise_id, started_at);

CREATE TABLE findings (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections(id),
    enterprise_id TEXT NOT NULL,
    grade         TEXT NOT NULL,
    due_date      TEXT NOT NULL,
    immediate     INTEGER NOT NULL,
    status        TEXT NOT NULL,
    description   TEXT NOT NULL,
    found_at      TEXT NOT NULL,
    conflicted    INTEGER NOT NULL
) STRICT;
CREATE INDEX findings_by_deadline ON findings(status, due_date);
CREATE INDEX findings_by_inspection ON findings(inspection_id);

CREATE TABLE enterprise_history (
    enterprise_id  TEXT NOT NULL,
    inspection_id  TEXT NOT NULL REFERENCES inspections(id),
    inspected_on   TEXT,
    status         TEXT NOT NULL,
    findings_total INTEGER NOT NULL,
    findings_open  INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, inspection_id)
) STRICT;

CREATE TABLE enterprises (
    id          TEXT PRIMARY KEY REFERENCES documents(id),
    credit_code TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    industry    TEXT NOT NULL,
    grid        TEXT NOT NULL,
    risk        TEXT NOT NULL
) STRICT;
CREATE INDEX enterprises_by_grid ON enterprises(grid, name);

CREATE TABLE checklists (
    id       TEXT NOT NULL,
    version  INTEGER NOT NULL,
    doc_id   TEXT NOT NULL REFERENCES documents(id),
    industry TEXT NOT NULL,
    title    TEXT NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;
