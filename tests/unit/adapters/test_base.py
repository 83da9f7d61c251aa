"""What every backend declares and answers: capabilities (`supports`, `require`), a typed
embedding response, and `estimate_cost` (the default from `estimate()`, a hosted backend's
own prices), which the engine's dry run uses."""

from __future__ import annotations

import pytest

from sparkle_motion.adapters.base import (
    CostEstimate,
    EmbeddingResponse,
    Estimate,
    Provider,
    Rates,
    cost_of_estimate,
    estimate_cost,
)
from sparkle_motion.adapters.lipsync.audio_mux import AudioMux
from sparkle_motion.adapters.lipsync.wav2lip import Wav2Lip
from sparkle_motion.catalog.remote import RemoteAdapter
from sparkle_motion.catalog.where import Placement
from sparkle_motion.runs.engine import Engine, RetryPolicy
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.storage import Database, FilesystemArtifactStore
from tests.conftest import make_settings
from tests.support.fake_adapters import RecordingAdapter
from tests.support.media import context, step

RATES = Rates(cpu_usd_per_hour=36.0, gpu_usd_per_hour=360.0)  # $0.01 and $0.10 a second


class Hosted(RecordingAdapter, Provider):
    """A hosted image model priced per image (its seconds cost us nothing)."""

    capabilities = frozenset({"image"})

    def estimate_cost(self, step, profile, rates, attempts=1) -> CostEstimate:
        return CostEstimate(0.04, 0.04 * attempts)


class Local(RecordingAdapter, Provider):
    def estimate(self, step, profile) -> Estimate:
        return Estimate(time_s=10.0)


def test_the_default_is_the_estimates_seconds_at_the_devices_rate():
    ctx = context()
    image = step(ctx, "image.kf-000")
    profile = ctx.render_profile
    local = Local()
    want = cost_of_estimate(Estimate(time_s=10.0), image, profile, RATES, 3)
    assert local.estimate_cost(image, profile, RATES, 3) == want == CostEstimate(0.1, 0.3)
    # an adapter that does not inherit Costed: the same default from its estimate()
    plain = RecordingAdapter()
    assert estimate_cost(plain, image, profile, RATES, 2) == CostEstimate(0.0001, 0.0002)
    assert estimate_cost(Hosted(), image, profile, RATES, 3) == CostEstimate(0.04, 0.12)


def test_the_dry_run_totals_each_adapters_own_estimate(tmp_path):
    ctx = context()
    db = Database(tmp_path / "s.db")
    store = FilesystemArtifactStore(tmp_path / "art")
    hosted, other = Hosted(), RecordingAdapter()
    try:
        engine = Engine(
            store=store,
            records=StepRecords(db),
            adapter_for=lambda s, c: hosted if s.type == "image" else other,
            retry=RetryPolicy(max_attempts=2),
            rates=RATES,
        )
        report = engine.simulate(ctx)
    finally:
        db.close()
        store.close()
    images = [s for s in report.steps if s.step_type == "image"]
    assert images and all(s.est_cost_usd == 0.04 and s.est_cost_max_usd == 0.08 for s in images)
    assert report.cost_by_stage["base_images"] == pytest.approx(0.04 * len(images))


def test_capabilities_are_declared_and_an_unsupported_one_is_refused():
    assert Wav2Lip().supports("lipsync") and not Wav2Lip().supports("image")
    assert Wav2Lip.tier == "full" and AudioMux.tier == "preview"
    with pytest.raises(NotImplementedError, match="audio_mux does not support image"):
        AudioMux().require("image")
    AudioMux().require("lipsync")
    with pytest.raises(ValueError, match="capability must be one of"):
        AudioMux().supports("smell")


def test_an_embedding_response_is_sized():
    ok = EmbeddingResponse("m", 2, [[1.0, 0.0], [0.0, 1.0]])
    assert ok.vectors[1] == [0.0, 1.0]
    with pytest.raises(ValueError, match="bad vector"):
        EmbeddingResponse("m", 2, [[1.0, 0.0], [1.0]])


def test_a_tools_backend_supports_what_its_tool_yaml_says():
    remote = RemoteAdapter(
        Placement("sdxl", "images_sdxl", "http://127.0.0.1:9"), make_settings(), "t"
    )
    assert remote.supports("image") and not remote.supports("video")
    assert remote.tier == "full"  # its tool.yaml marks it gpu
    ctx = context()
    image = step(ctx, "image.kf-000")
    # its code imports here: its own figure, whatever the tool would say
    assert remote.estimate_cost(image, ctx.render_profile, RATES) == estimate_cost(
        remote_code(), image, ctx.render_profile, RATES
    )


def remote_code():
    from sparkle_motion.adapters.registry import adapter_named

    return adapter_named("sdxl")
