"""execute_plan: dry runs call nothing and report; real runs return artifacts; from_stage
re-runs a stage and what follows."""

from __future__ import annotations

import json

import pytest

from sparkle_motion.errors import PlanSchemaError, RunFailedError
from sparkle_motion.production_agent import execute_plan
from sparkle_motion.schemas import SimulateExecutionReport
from tests.conftest import EXAMPLES, make_settings
from tests.support.fake_adapters import RecordingAdapter

PLAN = json.loads((EXAMPLES / "lighthouse_whale.json").read_text())


@pytest.fixture
def env(tmp_path):
    settings = make_settings(
        artifacts_fs_root=tmp_path / "art",
        db_path=tmp_path / "s.db",
        runs_dir=tmp_path / "runs",
        max_cost_usd=1.0,
    )
    adapter = RecordingAdapter()
    return settings, adapter, (lambda step, ctx: adapter)


def test_dry_run_reports_without_calling_anything(env):
    settings, adapter, resolve = env
    report = execute_plan(PLAN, "dry", run_id="dry1", settings=settings, adapter_for=resolve)
    assert isinstance(report, SimulateExecutionReport) and sum(adapter.calls.values()) == 0
    assert len(report.steps) == 27 and report.est_total_time_s == pytest.approx(0.27)
    assert report.steps[0].simulated_artifact_uris == ["artifact+fs://dry1/image.kf-000-dryrun"]
    assert (
        report.within_budget
        and report.render_profile == "preview"
        and not any(s.cached for s in report.steps)
    )


def test_dry_run_after_a_run_knows_what_is_cached(env):
    settings, _adapter, resolve = env
    artifacts = execute_plan(PLAN, "run", run_id="r1", settings=settings, adapter_for=resolve)
    assert len(artifacts) == 27
    report = execute_plan(PLAN, "dry", run_id="r2", settings=settings, adapter_for=resolve)
    assert all(s.cached for s in report.steps) and report.est_total_time_s == 0


def test_dry_run_carries_policy_warnings(env):
    settings, _, resolve = env
    tight = json.loads(json.dumps(PLAN))
    tight["shots"][4]["duration_s"] = 3.0  # fits at 4 words/s, rushed at 2.5
    report = execute_plan(tight, "dry", settings=settings, adapter_for=resolve)
    assert [w.path for w in report.policy_warnings] == ["shots[4].dialogue"]


def test_from_stage_reruns_that_stage_and_later(env):
    settings, adapter, resolve = env
    execute_plan(PLAN, "run", run_id="r1", settings=settings, adapter_for=resolve)
    adapter.calls.clear()
    execute_plan(
        PLAN, "run", run_id="r1", settings=settings, adapter_for=resolve, from_stage="video"
    )
    assert {s.split(".")[0] for s in adapter.calls} == {
        "video",
        "lipsync",
        "assemble",
        "finalize",
    } and set(adapter.calls.values()) == {1}
    with pytest.raises(ValueError, match="from_stage must be one of"):
        execute_plan(
            PLAN, "run", run_id="r1", settings=settings, adapter_for=resolve, from_stage="colour"
        )


def test_failures_and_invalid_plans(env):
    from sparkle_motion.errors import CommandError

    settings, adapter, resolve = env
    adapter.failures["video.s1-lamp"] = [CommandError("ffmpeg exited 1")]
    with pytest.raises(RunFailedError, match="ffmpeg exited 1"):
        execute_plan(PLAN, "run", run_id="r1", settings=settings, adapter_for=resolve)
    bad = json.loads(json.dumps(PLAN))
    bad["base_images"].pop()
    with pytest.raises(PlanSchemaError):
        execute_plan(bad, "run", settings=settings, adapter_for=resolve)
    assert adapter.calls["image.kf-000"] == 1  # the invalid plan rendered nothing


def test_without_registered_adapters_steps_fail_with_a_clear_reason(env):
    settings, _, _ = env
    from sparkle_motion.adapters import registry

    saved = dict(registry.BUILTIN)
    registry.BUILTIN.pop("procedural_keyframes")
    registry._INSTANCES.clear()
    try:
        with pytest.raises(RunFailedError, match="is not registered"):
            execute_plan(PLAN, "run", run_id="r9", settings=settings)
    finally:
        registry.BUILTIN.update(saved)
