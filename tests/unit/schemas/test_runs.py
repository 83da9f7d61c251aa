from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from sparkle_motion.schemas import ErrorAnnotation, RunStatus, StepExecutionRecord, StepStatus

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def record(**over):
    data = dict(
        run_id="r1",
        plan_id="p1",
        step_id="video.s1",
        stage="video",
        step_type="video",
        step_key="b" * 64,
        status="succeeded",
        attempts=1,
        started_at=T0,
        finished_at=T0 + timedelta(seconds=2),
    )
    data.update(over)
    return StepExecutionRecord.model_validate(data)


def test_crashed_and_failed_are_distinct_run_states():
    assert RunStatus.CRASHED != RunStatus.FAILED
    assert {s.value for s in RunStatus} >= {
        "running",
        "paused",
        "stopped",
        "failed",
        "crashed",
        "succeeded",
    }


def test_failed_step_needs_an_error_and_skipped_a_reason():
    with pytest.raises(ValidationError, match="error annotation"):
        record(status="failed")
    ok = record(
        status="failed",
        error=ErrorAnnotation(error_type="CommandError", message="ffmpeg exit 1", transient=False),
    )
    assert ok.status is StepStatus.FAILED
    with pytest.raises(ValidationError, match="skip_reason"):
        record(status="skipped")
    assert record(status="skipped", skip_reason="video.s1 failed").skip_reason


def test_time_must_not_run_backwards():
    with pytest.raises(ValidationError, match="finished_at"):
        record(finished_at=T0 - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="finished_at"):
        record(finished_at=None)
