-- What a job does around its model run: the SOPs whose text goes before its prompt, and a
-- pre-run and a post-run command. Every existing row gets none of them (NULL).
--   sops:           SOP names in order, joined by ',' (a valid SOP name has no ',')
--   *_hook:         the command's argv, each argument as <length in chars>:<text> (arguments may
--                   hold any character but NUL; no separator can be confused with them)
--   *_timeout_ms:   the hook's own timeout, NULL for the configured default
ALTER TABLE jobs ADD COLUMN sops TEXT;
ALTER TABLE jobs ADD COLUMN pre_run_hook TEXT;
ALTER TABLE jobs ADD COLUMN pre_run_timeout_ms INTEGER CHECK (pre_run_timeout_ms > 0);
ALTER TABLE jobs ADD COLUMN post_run_hook TEXT;
ALTER TABLE jobs ADD COLUMN post_run_timeout_ms INTEGER CHECK (post_run_timeout_ms > 0);

-- job_runs gains the outcome 'skipped' (a failed pre-run hook) and a one-line note. SQLite cannot
-- change a CHECK constraint in place: the table is rebuilt with every row and id kept, and the
-- AUTOINCREMENT counter carried over so that no run id is ever given twice.
CREATE TABLE job_runs_v4 (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id            INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    triggered_by      TEXT    NOT NULL CHECK (triggered_by IN ('schedule', 'manual', 'watchdog')),
    started_at        TEXT    NOT NULL,
    finished_at       TEXT,
    outcome           TEXT    NOT NULL
                      CHECK (outcome IN ('running', 'success', 'failed', 'timed_out', 'aborted', 'skipped')),
    router_run_id     TEXT,
    resolution_source TEXT,
    final_model       TEXT,
    reason            TEXT,
    error_class       TEXT,
    fallback_reasons  TEXT    NOT NULL DEFAULT '',
    attempts          INTEGER NOT NULL DEFAULT 0,
    tokens_in         INTEGER NOT NULL DEFAULT 0,
    tokens_out        INTEGER NOT NULL DEFAULT 0,
    -- fixed text (program names, exit statuses), never hook output, prompts or provider messages
    note              TEXT,
    CHECK ((finished_at IS NULL) = (outcome = 'running'))
);

INSERT INTO job_runs_v4 (id, job_id, triggered_by, started_at, finished_at, outcome, router_run_id,
        resolution_source, final_model, reason, error_class, fallback_reasons, attempts, tokens_in, tokens_out)
    SELECT id, job_id, triggered_by, started_at, finished_at, outcome, router_run_id,
        resolution_source, final_model, reason, error_class, fallback_reasons, attempts, tokens_in, tokens_out
    FROM job_runs;

-- the old counter is at least the largest id ever given (AUTOINCREMENT), so it replaces the new one
DELETE FROM sqlite_sequence WHERE name = 'job_runs_v4';
INSERT INTO sqlite_sequence (name, seq) SELECT 'job_runs_v4', seq FROM sqlite_sequence WHERE name = 'job_runs';

DROP TABLE job_runs;
ALTER TABLE job_runs_v4 RENAME TO job_runs;

-- the indexes of V3, on the new table
CREATE INDEX job_runs_by_job ON job_runs (job_id, id);
CREATE INDEX job_runs_unfinished ON job_runs (id) WHERE finished_at IS NULL;
