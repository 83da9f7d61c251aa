-- Sparkle Motion's own tables, in one SQLite file (SPARKLE_DB_PATH, WAL).
-- Applied in order by sparkle_motion.storage.db; PRAGMA user_version records the last applied.

-- One row per production run; run_id is the ADK session id.
CREATE TABLE IF NOT EXISTS runs (
    run_id          TEXT PRIMARY KEY,
    plan_id         TEXT NOT NULL,
    status          TEXT NOT NULL,          -- schemas.runs.RunStatus
    render_profile  TEXT,
    plan_checksum   TEXT,
    owner_pid       INTEGER,                -- process holding the run lock, if any
    owner_host      TEXT,
    heartbeat_at    REAL,
    control         TEXT,                   -- requested pause / stop, read between steps
    created_at      REAL NOT NULL,
    updated_at      REAL NOT NULL,
    metadata        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS ix_runs_status ON runs(status);

-- One row per (run, step); `record` is the StepExecutionRecord JSON.
CREATE TABLE IF NOT EXISTS step_records (
    run_id      TEXT NOT NULL,
    step_id     TEXT NOT NULL,
    step_key    TEXT NOT NULL,              -- content hash of the step's inputs
    stage       TEXT NOT NULL,
    status      TEXT NOT NULL,              -- schemas.runs.StepStatus
    attempts    INTEGER NOT NULL DEFAULT 0,
    record      TEXT NOT NULL,
    updated_at  REAL NOT NULL,
    PRIMARY KEY (run_id, step_id)
);
CREATE INDEX IF NOT EXISTS ix_step_records_key ON step_records(step_key, status);

-- Seed schema: the memory log.
CREATE TABLE IF NOT EXISTS memory_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT,
    timestamp INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_memory_events_runid ON memory_events(run_id);
CREATE INDEX IF NOT EXISTS ix_memory_events_type ON memory_events(event_type);

-- Seed schema: perceptual-hash duplicate index.
CREATE TABLE IF NOT EXISTS recent_index (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phash TEXT NOT NULL UNIQUE,
    canonical_uri TEXT NOT NULL,
    last_seen INTEGER NOT NULL,
    hit_count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS ix_recent_index_phash ON recent_index(phash);
