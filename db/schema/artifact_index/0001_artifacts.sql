-- The filesystem artifact index (ARTIFACTS_FS_INDEX, default <ARTIFACTS_FS_ROOT>/index.db).
-- A row is inserted only after its payload and manifest are durable on disk.
CREATE TABLE IF NOT EXISTS artifacts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    app_name         TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    scope            TEXT NOT NULL,         -- run_id (= ADK session id), or 'user:<user_id>'
    stage            TEXT NOT NULL,
    artifact_id      TEXT NOT NULL,
    version          INTEGER NOT NULL,
    name             TEXT NOT NULL,         -- payload file name
    artifact_type    TEXT NOT NULL,         -- keyframe, dialogue_wav, shot_mp4, adk, ...
    adk_filename     TEXT NOT NULL,         -- the ADK filename it is listed under
    rel_dir          TEXT NOT NULL UNIQUE,  -- version folder, relative to the root
    mime_type        TEXT NOT NULL,
    checksum_sha256  TEXT NOT NULL,
    size_bytes       INTEGER NOT NULL,
    created_at       REAL NOT NULL,
    metadata         TEXT NOT NULL DEFAULT '{}',
    UNIQUE (app_name, user_id, scope, artifact_id, version)
);
CREATE INDEX IF NOT EXISTS ix_artifacts_scope ON artifacts(app_name, user_id, scope, stage);
CREATE INDEX IF NOT EXISTS ix_artifacts_filename ON artifacts(app_name, user_id, scope, adk_filename);
CREATE INDEX IF NOT EXISTS ix_artifacts_created ON artifacts(created_at);
