"""Runs: content-keyed steps, their records, and the per-run lock (the engine's ledger)."""
