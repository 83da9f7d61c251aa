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
        """Insert or replace the record of (run, step). One transaction: a reader sees the
        old record or the new one, never half of each."""
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
                    record.model_dump_json(),
                    time.time(),
                ),
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
        """The newest record, from any run, whose step with this key finished: succeeded,
        or cached (reused) in a later run; both carry the artifacts."""
        row = self.db.query_one(
            "SELECT record FROM step_records WHERE step_key = ? AND status IN (?, ?) "
            "ORDER BY updated_at DESC LIMIT 1",
            (step_key, StepStatus.SUCCEEDED.value, StepStatus.CACHED.value),
        )
        return None if row is None else StepExecutionRecord.model_validate_json(row[0])
