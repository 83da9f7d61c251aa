"""What a run costs: a step's estimate from its adapter's seconds at the device's rate (one
attempt to every attempt), its actual cost recorded from what it took, the dry run's
totals by stage and by model, and a budget that refuses a start, stops a run between
steps and lets a resume with a higher one render only what is left."""

from __future__ import annotations

import json

import pytest

from sparkle_motion.adapters.base import Estimate
from sparkle_motion.errors import PermanentStageError, PlanResourceError
from sparkle_motion.runs.cost import (
    CostEstimate,
    Rates,
    actual_cost,
    estimate_cost,
    run_budget,
    spent,
    step_device,
)
from sparkle_motion.runs.engine import Engine, RetryPolicy
from sparkle_motion.runs.intake import build_run_context
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import Database, FilesystemArtifactStore, MemoryLog
from tests.conftest import EXAMPLES, make_settings
from tests.support.fake_adapters import RecordingAdapter
from tests.support.media import context, step

LIGHTHOUSE = json.loads((EXAMPLES / "lighthouse_whale.json").read_text())
RATES = Rates(cpu_usd_per_hour=36.0, gpu_usd_per_hour=360.0)  # $0.01 and $0.10 a second
DEAR = Rates(3.6e9, 3.6e9)  # $1M a second: every step costs over $1


def test_an_estimate_is_one_attempt_to_every_attempt_at_the_devices_rate():
    ctx = context()
    image = step(ctx, "image.kf-000")
    cpu = ctx.render_profile
    assert step_device(image, cpu) == "cpu"
    assert estimate_cost(Estimate(time_s=10.0), image, cpu, RATES, 3) == CostEstimate(0.1, 0.3)
    gpu = cpu.model_copy(update={"device": "cuda:0"})
    assert step_device(image, gpu) == "cuda:0"
    assert estimate_cost(Estimate(time_s=10.0), image, gpu, RATES, 3) == CostEstimate(1.0, 3.0)
    assembly = step(ctx, "assemble.film")  # ffmpeg: the CPU, whatever the profile
    assert step_device(assembly, gpu) == "cpu"
    priced = Estimate(time_s=0.0, cost_usd=0.25)  # a hosted backend's price per step
    assert estimate_cost(priced, image, cpu, RATES, 2) == CostEstimate(0.25, 0.5)
    assert actual_cost(2.5, "cuda:1", RATES) == 0.25 and actual_cost(2.5, None, RATES) == 0.025


def test_the_setting_overrides_the_plans_budget():
    assert run_budget(2.0, make_settings()) == 2.0
    assert run_budget(2.0, make_settings(max_cost_usd=5.0)) == 5.0
    assert run_budget(None, make_settings()) is None


@pytest.fixture
def rig(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "art")
    db = Database(tmp_path / "s.db")
    adapter = RecordingAdapter()

    def engine(budget=None, rates=DEAR):
        return Engine(
            store=store,
            records=StepRecords(db),
            adapter_for=lambda step, ctx: adapter,
            retry=RetryPolicy(max_attempts=3, base_delay_s=0.0),
            sleep=lambda s: None,
            memory=MemoryLog(db),
            workdir=tmp_path,
            rates=rates,
            budget_usd=budget,
        )

    yield engine, adapter, db
    db.close()
    store.close()


def ctx_of(run_id="run1"):
    return build_run_context(LIGHTHOUSE, run_id=run_id, settings=make_settings())


def test_each_step_records_what_it_cost_and_a_reused_one_costs_nothing(rig):
    engine, _, _ = rig
    first = engine(rates=RATES).execute(ctx_of())
    costs = [r.metrics["cost_usd"] for r in first.records.values()]
    assert all(c > 0 for c in costs)
    for record in first.records.values():  # its seconds at the CPU rate
        assert record.metrics["cost_usd"] == pytest.approx(record.duration_s * 0.01, abs=1e-6)
    again = engine(rates=RATES).execute(ctx_of("run2"))
    assert again.executed == [] and all(
        r.metrics.get("cost_usd", 0.0) == 0.0 for r in again.records.values()
    )


def test_a_budget_stops_the_run_between_steps_and_a_higher_one_finishes_it(rig):
    engine, adapter, db = rig
    stopped = engine(budget=0.5).execute(ctx_of())
    assert stopped.status is RunStatus.STOPPED
    assert len(stopped.executed) == 1  # the first step spent the budget; none started after
    (stop,) = MemoryLog(db).list("run1", "run_stopped")
    assert stop.payload["reason"] == "budget" and stop.payload["limit_usd"] == 0.5
    assert stop.payload["spent_usd"] > 0.5 and "resume with a higher one" in stop.payload["message"]
    adapter.calls.clear()
    second = engine(budget=1e12)
    resumed = second.execute(ctx_of())
    assert resumed.status is RunStatus.SUCCEEDED
    # the first session's step, reused by the resume, is still counted, and once
    recorded = StepRecords(db).list("run1")
    assert second.spent("run1") == pytest.approx(spent(recorded))
    assert recorded[0].metrics["cost_usd"] > 0.5
    assert stopped.executed[0] not in adapter.calls  # what was paid for is not paid again
    assert set(adapter.calls) == set(resumed.executed)


def test_a_start_over_the_budget_is_refused_naming_the_field(rig):
    engine, adapter, _ = rig
    with pytest.raises(PlanResourceError) as caught:
        engine(budget=0.001, rates=Rates(36.0, 36.0)).check_budget(ctx_of())
    assert caught.value.path == "max_cost_usd" and "estimated" in caught.value.message
    assert adapter.calls == {}  # nothing rendered
    report = engine(budget=1e6, rates=Rates(36.0, 36.0)).check_budget(ctx_of())
    assert report.within_budget and report.est_cost_usd > 0


def test_the_dry_report_totals_cost_by_stage_and_by_model(rig):
    engine, _, _ = rig
    report = engine(rates=Rates(36.0, 36.0)).simulate(ctx_of(), max_cost_usd=None)
    assert report.est_cost_max_usd == pytest.approx(3 * report.est_cost_usd)
    assert sum(m.steps for m in report.cost_by_model) == len(report.steps)
    assert sum(m.min_usd for m in report.cost_by_model) == pytest.approx(report.est_cost_usd)
    assert report.cost_by_stage["base_images"] == pytest.approx(
        sum(m.min_usd for m in report.cost_by_model if m.stage == "base_images")
    )
    assert report.rates_usd_per_hour == {"cpu": 36.0, "gpu": 36.0}
    assert {s.device for s in report.steps} == {"cpu"}


def test_a_step_rendered_again_in_the_same_run_adds_to_what_it_cost(rig):
    engine, _, _ = rig
    cheap = Rates(36.0, 36.0)
    first = engine(rates=cheap).execute(ctx_of())
    before = first.records["image.kf-000"].metrics["cost_usd"]
    again = engine(rates=cheap).execute(ctx_of(), from_stage="base_images")  # rendered again
    after = again.records["image.kf-000"]
    assert after.status.value == "succeeded"
    assert after.metrics["cost_usd"] > before  # the first render is not forgotten
    resumed = engine(rates=cheap).execute(ctx_of())  # reused: what it cost stays counted
    assert resumed.records["image.kf-000"].metrics["cost_usd"] == after.metrics["cost_usd"]


def test_a_failed_step_is_charged_at_its_stages_device(rig):
    engine, adapter, _ = rig
    adapter.failures["image.kf-000"] = [PermanentStageError("no")]
    ctx = build_run_context(
        {**LIGHTHOUSE, "render_profile": {"name": "preview"}}, run_id="g1", settings=make_settings()
    )
    gpu = ctx.model_copy(
        update={"render_profile": ctx.render_profile.model_copy(update={"device": "cuda:0"})}
    )
    failed = engine(rates=Rates(0.0, 3600.0)).execute(gpu).records["image.kf-000"]
    assert failed.status.value == "failed" and failed.device is None
    assert failed.metrics["cost_usd"] == pytest.approx(failed.duration_s, abs=1e-6)  # GPU rate
