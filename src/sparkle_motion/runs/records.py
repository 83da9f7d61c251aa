"""Step records in the `step_records` table: one row per (run, step), the record as JSON,
and the cross-run lookup that makes a completed step key free to reuse."""

from __future__ import annotations

import time

from ..schemas import StepExecutionRecord, StepStatus
from ..storage.db import Database


class StepRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def put(self, record: StepExecutionRecord) -> None:
        """Insert or replace the record of (run, step); a succeeded one also enters the
        append-only completed keys. One transaction: readers see all of it or none."""
        text = record.model_dump_json()
        with self.db.atomic() as conn:
            conn.execute(
                "INSERT INTO step_records (run_id, step_id, step_key, stage, status, attempts, record, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_id, step_id) DO UPDATE SET "
                "step_key = excluded.step_key, stage = excluded.stage, status = excluded.status, "
                "attempts = excluded.attempts, record = excluded.record, updated_at = excluded.updated_at",
                (
                    record.run_id,
                    record.step_id,
                    record.step_key,
                    record.stage,
                    record.status.value,
                    record.attempts,
                    text,
                    time.time(),
                ),
            )
            if record.status is StepStatus.SUCCEEDED:
                # outputs only their run may reuse never push out ones every run may
                verb = "INSERT OR IGNORE" if run_scoped(record) else "INSERT OR REPLACE"
                conn.execute(
                    f"{verb} INTO completed_steps (step_key, run_id, step_id, record, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (record.step_key, record.run_id, record.step_id, text, time.time()),
                )

    def get(self, run_id: str, step_id: str) -> StepExecutionRecord | None:
        row = self.db.query_one(
            "SELECT record FROM step_records WHERE run_id = ? AND step_id = ?", (run_id, step_id)
        )
        return None if row is None else StepExecutionRecord.model_validate_json(row[0])

    def list(self, run_id: str) -> list[StepExecutionRecord]:
        rows = self.db.query(
            "SELECT record FROM step_records WHERE run_id = ? ORDER BY rowid", (run_id,)
        )
        return [StepExecutionRecord.model_validate_json(r[0]) for r in rows]

    def completed(self, step_key: str) -> StepExecutionRecord | None:
        """The record that completed this key, in any run; later records of the same step
        (a forced re-run, a failure, a skip) never erase it."""
        row = self.db.query_one(
            "SELECT record FROM completed_steps WHERE step_key = ?", (step_key,)
        )
        return None if row is None else StepExecutionRecord.model_validate_json(row[0])


def run_scoped(record: StepExecutionRecord) -> bool:
    """Its outputs are reusable by its own run only (`reuse_scope: run` in their metadata)."""
    return any(a.metadata.get("reuse_scope") == "run" for a in record.artifacts)
