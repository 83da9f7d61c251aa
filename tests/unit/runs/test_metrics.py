"""Per-stage metrics: a run's successes, failures, retries, reuse, time and cost from its
records, and every run's in Prometheus text, from the same records."""

from __future__ import annotations

import json
import re

import pytest

from sparkle_motion.errors import TransientStageError
from sparkle_motion.runs.cost import Rates
from sparkle_motion.runs.engine import Engine, RetryPolicy
from sparkle_motion.runs.intake import build_run_context
from sparkle_motion.runs.metrics import home_metrics, prometheus, stage_metrics
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.storage import Database, FilesystemArtifactStore
from tests.conftest import EXAMPLES, make_settings
from tests.support.fake_adapters import RecordingAdapter

LIGHTHOUSE = json.loads((EXAMPLES / "lighthouse_whale.json").read_text())
SAMPLE = re.compile(r"^(\w+)\{([^}]*)\} (\S+)$")


def test_a_runs_metrics_and_every_runs_prometheus_text(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "art")
    db = Database(tmp_path / "s.db")
    adapter = RecordingAdapter()
    adapter.failures["image.kf-001"] = [TransientStageError("busy")]  # one retry, then fine
    adapter.failures["video.s1-lamp"] = [TransientStageError("busy")] * 3  # fails: 3 tries
    engine = Engine(
        store=store,
        records=StepRecords(db),
        adapter_for=lambda step, ctx: adapter,
        retry=RetryPolicy(max_attempts=3, base_delay_s=0.0),
        sleep=lambda s: None,
        workdir=tmp_path,
        rates=Rates(36.0, 36.0),
    )
    try:
        first = engine.execute(build_run_context(LIGHTHOUSE, run_id="r1", settings=make_settings()))
        engine.execute(build_run_context(LIGHTHOUSE, run_id="r2", settings=make_settings()))
        records = list(first.records.values())
        found = {stage: m.view() for stage, m in stage_metrics(records).items()}
        images = found["base_images"]
        assert images["succeeded"] == len([r for r in records if r.stage == "base_images"])
        assert images["retries"] == 1 and images["failed"] == 0 and images["success_rate"] == 1.0
        video = found["video"]
        assert video["failed"] == 1 and video["retries"] == 2  # three tries: two retries
        assert video["success_rate"] < 1.0 and video["cost_usd"] > 0
        assert found["lipsync"]["skipped"] >= 1  # lipsync.s1-lamp waits on the failed clip
        assert images["seconds"] >= images["max_seconds"] > 0
        again = stage_metrics(StepRecords(db).list("r2"))["base_images"].view()
        assert again["cached"] == images["succeeded"] and again["cache_hit_rate"] == 1.0
        assert again["cost_usd"] == 0.0

        text = prometheus(*home_metrics(db))
        samples = {}
        for line in text.splitlines():
            if line.startswith("#"):
                assert re.match(r"^# (HELP|TYPE) sparkle_\w+ ", line), line
                continue
            name, labels, value = SAMPLE.match(line).groups()
            samples[(name, labels)] = float(value)
        ok = ("sparkle_steps_total", 'stage="base_images",status="succeeded"')
        assert samples[ok] == images["succeeded"]  # r2 reused them: its rows say cached
        hits = ("sparkle_reuse_hits_total", 'stage="base_images",kind="step_key"')
        assert samples[hits] == images["succeeded"]
        # r2 rendered the failed clip again at once: the retries are r1's
        assert samples[("sparkle_step_retries_total", 'stage="video"')] == 2
        assert samples[("sparkle_step_retries_total", 'stage="base_images"')] == 1
        errors = ("sparkle_step_errors_total", 'stage="video",error_type="TransientStageError"')
        assert samples[errors] == 1
        assert not [k for k in samples if k[0] == "sparkle_runs"]  # the engine alone: no run rows
        cost = samples[("sparkle_cost_usd_total", 'stage="base_images"')]
        spent = sum(r.metrics.get("cost_usd", 0.0) for r in records if r.stage == "base_images")
        assert cost == pytest.approx(spent)
    finally:
        db.close()
        store.close()
