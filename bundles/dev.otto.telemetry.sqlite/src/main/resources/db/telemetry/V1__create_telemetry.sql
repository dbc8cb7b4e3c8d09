-- One row per routed run: the allow-listed fields of RunTelemetry.toWire(), nothing else.
-- Times are ISO-8601 UTC text with milliseconds; day is the UTC day of finished_at.
CREATE TABLE runs (
    run_id            TEXT    NOT NULL PRIMARY KEY,
    task_id           TEXT    NOT NULL,
    task_type         TEXT,
    flow              TEXT,
    job_id            INTEGER,
    route_type        TEXT    NOT NULL,
    resolution_source TEXT,
    requested_model   TEXT,
    selected_model    TEXT,
    final_model       TEXT,
    attempt_count     INTEGER NOT NULL,
    transition_count  INTEGER NOT NULL,
    outcome           TEXT    NOT NULL,
    error_class       TEXT,
    tokens_in         INTEGER NOT NULL,
    tokens_out        INTEGER NOT NULL,
    started_at        TEXT    NOT NULL,
    finished_at       TEXT    NOT NULL,
    duration_ms       INTEGER NOT NULL,
    policy_audit      TEXT    NOT NULL,
    catalog_age_ms    INTEGER NOT NULL,
    config_version    TEXT,
    day               TEXT    NOT NULL
);
CREATE INDEX runs_by_day ON runs (day);
CREATE INDEX runs_by_finished ON runs (finished_at);

-- The steps of each run from model to model, in order; day is the run's day.
CREATE TABLE transitions (
    run_id      TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    from_model  TEXT    NOT NULL,
    to_model    TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    error_class TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    PRIMARY KEY (run_id, attempt)
);
CREATE INDEX transitions_by_day_reason ON transitions (day, reason);

-- Every model_fallback event as it was published; day is the UTC day of ts.
CREATE TABLE fallback_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      TEXT    NOT NULL,
    task_id     TEXT    NOT NULL,
    from_model  TEXT    NOT NULL,
    to_model    TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    route_type  TEXT    NOT NULL,
    error_class TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    ts          TEXT    NOT NULL,
    day         TEXT    NOT NULL
);
CREATE INDEX fallback_events_by_day ON fallback_events (day);

-- Records this sink accepted but could not store, by the UTC day of the record.
CREATE TABLE dropped_events (
    day   TEXT    NOT NULL PRIMARY KEY,
    count INTEGER NOT NULL
);
