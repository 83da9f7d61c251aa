-- The owner's process start time (clock ticks since boot, /proc/<pid>/stat field 22), so a
-- pid reused by an unrelated process after a crash is not mistaken for the live owner.
ALTER TABLE runs ADD COLUMN owner_started INTEGER;
