-- Perceptual dedupe (sparkle_motion.dedupe): recent_index rows also say what image they are
-- and carry their 64-bit pHash split into four 16-bit bands, each indexed, so the entries
-- within Hamming distance k of a hash are found by probing the bands (two hashes within k
-- < 4(r + 1) bits agree within r bits on at least one band) and checking only those.
-- A row added through the seed API (get_canonical / add_or_get with any text) has no bands.
ALTER TABLE recent_index ADD COLUMN band0 INTEGER;
ALTER TABLE recent_index ADD COLUMN band1 INTEGER;
ALTER TABLE recent_index ADD COLUMN band2 INTEGER;
ALTER TABLE recent_index ADD COLUMN band3 INTEGER;
ALTER TABLE recent_index ADD COLUMN kind TEXT;          -- keyframe, clip_first, clip_last
ALTER TABLE recent_index ADD COLUMN adapter TEXT;       -- the backend that made it
ALTER TABLE recent_index ADD COLUMN model_id TEXT;
ALTER TABLE recent_index ADD COLUMN run_id TEXT;
ALTER TABLE recent_index ADD COLUMN step_id TEXT;
ALTER TABLE recent_index ADD COLUMN keyframe INTEGER;   -- its keyframe index in its run's plan
ALTER TABLE recent_index ADD COLUMN width INTEGER;
ALTER TABLE recent_index ADD COLUMN height INTEGER;
CREATE INDEX IF NOT EXISTS ix_recent_index_band0 ON recent_index(band0);
CREATE INDEX IF NOT EXISTS ix_recent_index_band1 ON recent_index(band1);
CREATE INDEX IF NOT EXISTS ix_recent_index_band2 ON recent_index(band2);
CREATE INDEX IF NOT EXISTS ix_recent_index_band3 ON recent_index(band3);
CREATE INDEX IF NOT EXISTS ix_recent_index_uri ON recent_index(canonical_uri);
