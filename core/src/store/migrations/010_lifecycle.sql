-- The closed loop: each hazard's life cycle as its events make it
-- (rules::lifecycle), listed for every role's tasks. `due_date` is the
-- deadline in force (a return or a failed 复查 sets a new one);
-- `original_due` the order's, which 按期整改 is measured against.
ALTER TABLE findings ADD COLUMN life_state TEXT NOT NULL DEFAULT 'found';
ALTER TABLE findings ADD COLUMN original_due TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN reinspection_due TEXT;
ALTER TABLE findings ADD COLUMN closed_at TEXT;
ALTER TABLE findings ADD COLUMN returned_reason TEXT;
ALTER TABLE findings ADD COLUMN escalation TEXT;
ALTER TABLE findings ADD COLUMN self_reported INTEGER NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN listing TEXT;
CREATE INDEX findings_by_life ON findings(life_state, due_date);
