-- Completed step keys, append-only: a key once done stays done, whatever later records of
-- the same (run, step) say (a forced re-run, a failure after a from_stage, a skip).
CREATE TABLE IF NOT EXISTS completed_steps (
    step_key    TEXT PRIMARY KEY,
    run_id      TEXT NOT NULL,
    step_id     TEXT NOT NULL,
    record      TEXT NOT NULL,          -- the StepExecutionRecord that completed it
    created_at  REAL NOT NULL
);
INSERT OR IGNORE INTO completed_steps (step_key, run_id, step_id, record, created_at)
    SELECT step_key, run_id, step_id, record, updated_at FROM step_records
    WHERE status IN ('succeeded', 'cached');
