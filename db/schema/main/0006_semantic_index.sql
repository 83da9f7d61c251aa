-- Semantic prompt reuse (sparkle_motion.dedupe.semantic): one row per image step that
-- rendered, with its prompt, the sha256 of its normalized prompt, its embedding (384
-- float32 values, all-MiniLM-L6-v2, unit length, as a BLOB; NULL until a lookup first
-- needs it: the model loads only when a candidate exists), what made it (adapter and its
-- version, model id, size, seed, count, and a hash of the other rendering options and the
-- scene) and the artifacts it made (a JSON list of URIs). A later run's image step with
-- the same prompt (or one whose cosine similarity reaches SPARKLE_DEDUPE_THRESHOLD) and
-- all of those the same reuses them.
CREATE TABLE IF NOT EXISTS semantic_index (
    id INTEGER PRIMARY KEY,
    prompt TEXT NOT NULL,      -- the text embedded (the prompt the model sees)
    prompt_sha256 TEXT NOT NULL,
    embedding BLOB,
    embedding_model TEXT,
    adapter TEXT,
    adapter_version TEXT,
    model_id TEXT,
    size TEXT NOT NULL,        -- "<width>x<height>" as the step asks, "default" when unset
    seed INTEGER,
    count INTEGER NOT NULL,
    opts_sha256 TEXT NOT NULL, -- sampler, steps, guidance, negative prompts, scene, profile
    run_id TEXT NOT NULL,
    step_id TEXT NOT NULL,
    keyframe INTEGER,
    uris TEXT NOT NULL,        -- JSON list of the artifact URIs the step made
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_semantic_index_match
    ON semantic_index(adapter, model_id, size, seed);
CREATE INDEX IF NOT EXISTS ix_semantic_index_prompt ON semantic_index(prompt_sha256);
