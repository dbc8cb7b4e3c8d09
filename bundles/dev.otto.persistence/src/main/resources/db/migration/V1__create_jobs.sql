-- Scheduled jobs. AUTOINCREMENT: a deleted job's id is never given to a new job, so an id in
-- telemetry or in an operator's notes always means the same job.
-- Timestamps are ISO-8601 UTC text (readable with the sqlite3 tool), millisecond precision.
CREATE TABLE jobs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    flow       TEXT    NOT NULL,
    schedule   TEXT    NOT NULL,
    prompt     TEXT    NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

CREATE INDEX jobs_by_flow ON jobs (flow, id);
