-- Deadlines are computed on any date: a finding whose deadline rests on the
-- fallback rule (a year without an official calendar) is listed as
-- provisional, and the listing shows when the deadline in force differs
-- from the one on file (a calendar arrived, a merge changed the grade).
ALTER TABLE findings ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN deadline_changed INTEGER NOT NULL DEFAULT 0;
