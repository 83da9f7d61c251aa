-- The lease the owner holds the run with: it refreshes heartbeat_at every owner_ttl_s / 4
-- seconds, and another host counts it dead once heartbeat_at is older than owner_ttl_s.
ALTER TABLE runs ADD COLUMN owner_ttl_s REAL;
