from __future__ import annotations

from datetime import UTC, datetime

from sparkle_motion.runs.records import StepRecords
from sparkle_motion.schemas import ErrorAnnotation, StepExecutionRecord
from sparkle_motion.storage import Database

T = datetime(2026, 1, 1, tzinfo=UTC)


def record(run_id="r1", step_id="video.s1", key="a" * 64, status="succeeded", **over):
    data = dict(
        run_id=run_id,
        plan_id="p",
        step_id=step_id,
        stage="video",
        step_type="video",
        step_key=key,
        status=status,
        attempts=1,
        started_at=T,
        finished_at=T,
    )
    data.update(over)
    return StepExecutionRecord.model_validate(data)


def test_put_get_list_and_replace(tmp_path):
    with Database(tmp_path / "s.db") as db:
        records = StepRecords(db)
        records.put(record(status="running", finished_at=None))
        records.put(record(step_id="video.s2", key="b" * 64))
        assert records.get("r1", "video.s1").status == "running"
        records.put(record(attempts=2))
        assert records.get("r1", "video.s1").attempts == 2
        assert [r.step_id for r in records.list("r1")] == ["video.s1", "video.s2"]
        assert records.get("r1", "nope") is None


def test_completed_keys_are_found_across_runs_only_when_succeeded(tmp_path):
    with Database(tmp_path / "s.db") as db:
        records = StepRecords(db)
        failed = ErrorAnnotation(error_type="CommandError", message="x", transient=False)
        records.put(record(run_id="r1", status="failed", error=failed))
        assert records.completed("a" * 64) is None
        records.put(record(run_id="r2"))
        assert records.completed("a" * 64).run_id == "r2"
