"""A run's estimate of the work it has left (runs/eta.py): measured durations of its own
finished steps beat the adapters' estimates, a running step counts what is left of it,
an ended run has none (0 when it succeeded), and a run of the runs table is estimated
from the plan stored with it under the profile it was started with."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from sparkle_motion.adapters.registry import adapter_for
from sparkle_motion.runs.eta import measured, progress, run_progress, stored_context
from sparkle_motion.runs.table import Runs
from sparkle_motion.schemas import ErrorAnnotation, RunStatus, StepExecutionRecord
from sparkle_motion.storage import Database
from tests.conftest import make_settings
from tests.support.media import context, small_plan

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SECONDS = {"image": 2.0, "tts": 3.0, "video": 5.0, "lipsync": 7.0, "assemble": 11.0}
SECONDS["finalize"] = 13.0


def estimate(step):
    return SECONDS[step.type]


@pytest.fixture(scope="module")
def steps():
    ids = [s.id for s in context(small_plan("short.json")).plan.steps]
    assert ids[:3] == ["image.kf-000", "image.kf-001", "image.kf-002"]
    assert ids[-2:] == ["assemble.film", "finalize.film"] and len(ids) == 9
    return context(small_plan("short.json")).plan.steps


def rec(step, status="succeeded", start=0.0, took=1.0, **over):
    data = dict(
        run_id="r1",
        plan_id="paper-boat",
        step_id=step.id,
        stage=step.type,
        step_type=step.type,
        step_key="a" * 64,
        status=status,
        attempts=1,
        started_at=T0 + timedelta(seconds=start),
        finished_at=None if status == "running" else T0 + timedelta(seconds=start + took),
        duration_s=None if status == "running" else took,
    )
    if status == "failed":
        data["error"] = ErrorAnnotation(error_type="CommandError", message="x", transient=False)
    data.update(over)
    return StepExecutionRecord.model_validate(data)


def test_before_any_step_every_step_counts_its_adapters_estimate(steps):
    got = progress(RunStatus.RUNNING, steps, [], estimate, now=T0)
    assert got.eta_s == sum(SECONDS[s.type] for s in steps) == 2 * 3 + 3 + 2 * 5 + 7 + 11 + 13
    assert got.steps_left == 9 and got.elapsed_s is None


def test_measured_durations_of_the_runs_own_steps_beat_the_estimate(steps):
    kf0, kf1 = steps[:2]
    done = [rec(kf0, took=4.0), rec(kf1, start=4.0, took=8.0)]  # images take 6 s here
    got = progress(RunStatus.RUNNING, steps, done, estimate, now=T0 + timedelta(seconds=20))
    assert got.steps_left == 7
    assert got.eta_s == 6.0 + 3 + 2 * 5 + 7 + 11 + 13  # kf-002 at the measured mean
    assert got.elapsed_s == 20.0
    assert measured(done) == {"image": 6.0}


def test_cached_steps_are_done_but_no_measurement(steps):
    cached = [rec(s, status="cached", took=0.0) for s in steps[:3]]
    got = progress(RunStatus.RUNNING, steps, cached, estimate, now=T0)
    assert got.steps_left == 6 and measured(cached) == {}
    assert got.eta_s == 3 + 2 * 5 + 7 + 11 + 13


def test_a_running_step_counts_what_is_left_of_it(steps):
    video = next(s for s in steps if s.type == "video")
    done = [rec(s, status="cached", took=0.0) for s in steps[:4]]  # images and the voice
    running = rec(video, status="running", start=2.0)
    now = T0 + timedelta(seconds=5.5)  # 3.5 s into a step estimated at 5 s
    got = progress(RunStatus.RUNNING, steps, [*done, running], estimate, now=now)
    assert got.eta_s == 1.5 + 5 + 7 + 11 + 13 and got.steps_left == 5
    late = progress(RunStatus.RUNNING, steps, [*done, running], estimate, now=now + timedelta(60))
    assert late.eta_s == 5 + 7 + 11 + 13  # overdue: it counts 0, never less


def test_failed_or_skipped_steps_of_a_live_run_still_count(steps):
    failed = [rec(steps[0], status="failed")]
    got = progress(RunStatus.PAUSED, steps, failed, estimate, now=T0)
    assert got.steps_left == 9 and got.eta_s == sum(SECONDS[s.type] for s in steps)


def test_a_succeeded_run_has_none_left_and_its_elapsed_time_stops(steps):
    records = [rec(s, start=i * 2.0, took=1.5) for i, s in enumerate(steps)]
    later = T0 + timedelta(hours=3)
    got = progress(RunStatus.SUCCEEDED, steps, records, estimate, now=later)
    assert (got.eta_s, got.steps_left) == (0.0, 0)
    assert got.elapsed_s == 8 * 2.0 + 1.5  # first start to last end, not to now
    assert progress(RunStatus.SUCCEEDED, None, records, estimate, now=later).eta_s == 0.0


@pytest.mark.parametrize("status", ["failed", "stopped", "crashed", "rejected"])
def test_an_ended_run_has_no_estimate(steps, status):
    records = [rec(steps[0])]
    got = progress(RunStatus(status), steps, records, estimate, now=T0 + timedelta(hours=1))
    assert got.eta_s is None and got.steps_left == 8 and got.elapsed_s == 1.0


def test_no_estimate_for_a_step_means_no_eta(steps):
    def partial(step):
        return None if step.type == "image" else 1.0

    got = progress(RunStatus.RUNNING, steps, [], partial, now=T0)
    assert got.eta_s is None and got.steps_left == 9
    done = [rec(steps[0], took=4.0)]  # an image measured: the other two need no estimate
    assert progress(RunStatus.RUNNING, steps, done, partial, now=T0).eta_s == 2 * 4.0 + 6 * 1.0
    assert progress(RunStatus.RUNNING, None, [], estimate, now=T0).eta_s is None


# ------------------------------------------------------------------ a run of the table


def stored_run(tmp_path, plan_text, profile):
    db = Database(tmp_path / "s.db")
    runs = Runs(db)
    runs.create("r1", "")
    runs.acquire("r1")
    runs.set_plan("r1", plan_text, None, render_profile=profile)
    return db, runs.get("r1")


def test_a_stored_run_is_estimated_from_its_plan_and_its_adapters(tmp_path):
    settings = make_settings()
    plan = small_plan("short.json")
    db, row = stored_run(tmp_path, json.dumps(plan), "preview")
    try:
        ctx = stored_context(row, settings)
        assert [s.id for s in ctx.plan.steps] == [s.id for s in context(plan).plan.steps]
        want = sum(
            adapter_for(s, ctx.render_profile).estimate(s, ctx.render_profile).time_s
            for s in ctx.plan.steps
        )
        got = run_progress(row, RunStatus.RUNNING, [], settings)
        assert got.eta_s == pytest.approx(want, abs=1e-3) and want > 0
        assert got.steps_left == 9
    finally:
        db.close()


def test_the_profile_a_run_started_with_beats_the_plans(tmp_path):
    plan = small_plan("short.json")  # names preview at 320x176
    db, row = stored_run(tmp_path, json.dumps(plan), "full")  # as `--profile full` chose
    try:
        ctx = stored_context(row, make_settings())
        assert ctx.render_profile.name == "full" and ctx.render_profile.width == 1280
    finally:
        db.close()
    db, row = stored_run(tmp_path / "b", json.dumps(plan), "preview")
    try:
        ctx = stored_context(row, make_settings(render_profile="full"))  # a process-wide option
        assert ctx.render_profile.name == "preview" and ctx.render_profile.width == 320
    finally:
        db.close()


def test_no_stored_plan_or_an_invalid_one_gives_no_estimate(tmp_path):
    settings = make_settings()
    for i, text in enumerate(["a lighthouse keeper befriends a whale", '{"id": "x"}']):
        db, row = stored_run(tmp_path / str(i), text, None)
        try:
            assert stored_context(row, settings) is None
            got = run_progress(row, RunStatus.RUNNING, [], settings)
            assert got.eta_s is None and got.steps_left is None
        finally:
            db.close()
