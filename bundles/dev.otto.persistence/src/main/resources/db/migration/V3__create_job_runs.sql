-- One row per job run the scheduler starts: inserted when it starts (outcome 'running', no
-- finished_at), completed when it ends. Ids, times, model references and fixed names only: never
-- prompt text, answers or provider messages. A deleted job's runs go with it.
-- Timestamps are ISO-8601 UTC text, millisecond precision, like jobs.
CREATE TABLE job_runs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id            INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    triggered_by      TEXT    NOT NULL CHECK (triggered_by IN ('schedule', 'manual', 'watchdog')),
    started_at        TEXT    NOT NULL,
    finished_at       TEXT,
    outcome           TEXT    NOT NULL
                      CHECK (outcome IN ('running', 'success', 'failed', 'timed_out', 'aborted')),
    router_run_id     TEXT,
    resolution_source TEXT,
    final_model       TEXT,
    reason            TEXT,
    error_class       TEXT,
    fallback_reasons  TEXT    NOT NULL DEFAULT '',
    attempts          INTEGER NOT NULL DEFAULT 0,
    tokens_in         INTEGER NOT NULL DEFAULT 0,
    tokens_out        INTEGER NOT NULL DEFAULT 0,
    CHECK ((finished_at IS NULL) = (outcome = 'running'))
);

-- a job's latest runs (due times, the watchdog's count of failures in a row)
CREATE INDEX job_runs_by_job ON job_runs (job_id, id);
-- runs left running by a process that died, found at scheduler start
CREATE INDEX job_runs_unfinished ON job_runs (id) WHERE finished_at IS NULL;
