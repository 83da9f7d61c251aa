"""A stage's backends in order: the next capable one renders when the first fails for good,
the step record names both, a full backend never falls back to a preview one unless the
run asks, and a backend that cannot do the stage's work is skipped."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from sparkle_motion.adapters import registry
from sparkle_motion.adapters.base import capable, tier_of
from sparkle_motion.adapters.fallback import Fallback, run_in_order
from sparkle_motion.errors import (
    MissingDependencyError,
    MissingWeightsError,
    PermanentStageError,
    TransientStageError,
)
from sparkle_motion.graph.context import catalog_adapters
from sparkle_motion.runs.engine import Engine, RetryPolicy
from sparkle_motion.runs.metrics import home_metrics, prometheus, stage_metrics
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.schemas import StepStatus
from sparkle_motion.storage import Database, FilesystemArtifactStore, MemoryLog
from tests.conftest import make_settings
from tests.support.fake_adapters import RecordingAdapter
from tests.support.media import context, job, small_plan, step


@dataclass
class Backend(RecordingAdapter):
    """A fake backend that declares what it supports and its tier."""

    capabilities: frozenset[str] = frozenset({"image"})
    tier: str = "full"
    unloaded: int = 0
    errors: list[BaseException] = field(default_factory=list)  # raised by every step, in turn

    def supports(self, capability: str) -> bool:
        return capability in self.capabilities

    def run(self, job):
        if self.errors:
            self.calls[job.step.id] += 1
            raise self.errors.pop(0)
        return super().run(job)

    def unload(self) -> None:
        self.unloaded += 1


@pytest.fixture
def backends(monkeypatch):
    """Register fakes by name (the registry's own table, restored afterwards)."""
    made: dict[str, Backend] = {}

    def add(name: str, **kw) -> Backend:
        made[name] = fake = Backend(name=name, **kw)
        monkeypatch.setitem(registry._FACTORIES, name, lambda: fake)
        monkeypatch.setitem(registry._INSTANCES, name, fake)
        return fake

    return add


def image_ctx(fallbacks: list[str], images: str = "first", run_id: str = "t1"):
    ctx = context(run_id=run_id)
    profile = ctx.render_profile.model_copy(
        update={
            "adapters": {**ctx.render_profile.adapters, "images": images},
            "fallbacks": {"images": fallbacks},
        }
    )
    return ctx.model_copy(update={"render_profile": profile})


def wrapped(ctx, settings=None):
    image = step(ctx, "image.kf-000")
    return image, catalog_adapters(settings or make_settings())(image, ctx)


def test_the_next_capable_backend_renders_when_the_first_fails_for_good(backends, tmp_path):
    first = backends("first", errors=[PermanentStageError("weights corrupt")])
    second = backends("second")
    ctx = image_ctx(["second"])
    image, adapter = wrapped(ctx)
    assert isinstance(adapter, Fallback) and adapter.name == "first"
    assert adapter.model_id == first.model_id and adapter.version == first.version  # the key's
    out = adapter.run(job(ctx, image.id, {}, tmp_path / "w"))
    assert first.calls[image.id] == 1 and second.calls[image.id] == 1  # permanent: no retry
    meta = out[0].metadata
    assert meta["backend"] == "second" and meta["reuse_scope"] == "run"
    assert meta["fallback"]["from"] == "first" and meta["fallback"]["to"] == "second"
    assert meta["fallback"]["failed"][0]["error_type"] == "PermanentStageError"
    assert "first failed" in meta["policy_annotations"][0]
    assert "weights corrupt" in meta["policy_annotations"][0]


def test_a_profile_without_fallbacks_gets_its_backend_itself(backends):
    only = backends("first")
    _, adapter = wrapped(image_ctx([]))
    assert adapter is only


def test_transient_errors_are_retried_before_the_next_backend(backends, tmp_path):
    flaky = TransientStageError("busy")
    first = backends("first", errors=[flaky, flaky, flaky])
    backends("second")
    ctx = image_ctx(["second"])
    image, adapter = wrapped(ctx)
    slept: list[float] = []
    adapter.sleep = slept.append
    out = adapter.run(job(ctx, image.id, {}, tmp_path / "w"))
    assert first.calls[image.id] == 3 and slept == [0.5, 1.0]
    assert len(out[0].metadata["fallback"]["failed"]) == 3


def test_a_backend_without_the_capability_is_skipped(backends, tmp_path):
    backends("first", errors=[PermanentStageError("no")])
    video_only = backends("clips", capabilities=frozenset({"video"}))
    third = backends("third")
    ctx = image_ctx(["clips", "third"])
    image, adapter = wrapped(ctx)
    out = adapter.run(job(ctx, image.id, {}, tmp_path / "w"))
    assert video_only.calls[image.id] == 0 and third.calls[image.id] == 1
    assert out[0].metadata["fallback"]["skipped"] == ["clips: does not support image"]


def test_full_never_falls_back_to_preview_unless_the_run_asks(backends, tmp_path):
    first = backends("first", errors=[PermanentStageError("gone")] * 2)
    cheap = backends("cheap", tier="preview")
    ctx = image_ctx(["cheap"])
    image, adapter = wrapped(ctx)
    with pytest.raises(PermanentStageError) as refused:
        adapter.run(job(ctx, image.id, {}, tmp_path / "w"))
    assert cheap.calls[image.id] == 0
    assert "--fallback images=cheap" in refused.value.context["fallback_skipped"]
    assert refused.value.context["fallback_tried"] == "first"
    # the per-stage override asks for it: it renders, recorded
    _, asked = wrapped(ctx, make_settings(fallbacks=["images=cheap"]))
    out = asked.run(job(ctx, image.id, {}, tmp_path / "w2"))
    assert out[0].metadata["backend"] == "cheap" and first.calls[image.id] == 2


def test_a_preview_first_backend_may_fall_back_to_anything(backends, tmp_path):
    backends("first", tier="preview", errors=[PermanentStageError("x")])
    other = backends("other", tier="preview")
    ctx = image_ctx(["other"])
    image, adapter = wrapped(ctx)
    adapter.run(job(ctx, image.id, {}, tmp_path / "w"))
    assert other.calls[image.id] == 1


def test_a_backend_that_cannot_do_the_stages_work_is_refused_naming_the_key(backends):
    backends("first", capabilities=frozenset({"speech"}))
    with pytest.raises(MissingDependencyError) as refused:
        wrapped(image_ctx([]))
    assert refused.value.context["profile_key"] == "images"
    assert "does not support image" in refused.value.message


def test_every_backend_failing_raises_the_last_error_naming_what_was_tried(backends, tmp_path):
    backends("first", errors=[PermanentStageError("a")])
    backends("second", errors=[PermanentStageError("b")])
    ctx = image_ctx(["second"])
    image, adapter = wrapped(ctx)
    with pytest.raises(PermanentStageError, match="b") as failed:
        adapter.run(job(ctx, image.id, {}, tmp_path / "w"))
    assert failed.value.context["fallback_tried"] == "first, second"


def test_the_stage_is_over_every_candidate_unloads(backends):
    first, second = backends("first"), backends("second")
    _, adapter = wrapped(image_ctx(["second"]))
    adapter.unload()
    assert first.unloaded == 1 and second.unloaded == 1


def test_run_in_order_raises_a_permanent_error_when_told_not_to_move_on(tmp_path):
    bad = Backend(name="bad", errors=[PermanentStageError("refused")])
    good = Backend(name="good")
    ctx = context()
    names = {"bad": bad, "good": good}
    with pytest.raises(PermanentStageError):
        run_in_order(
            ["bad", "good"],
            names.__getitem__,
            job(ctx, "image.kf-000", {}, tmp_path),
            lambda s: None,
            next_on_permanent=False,
        )
    assert good.calls["image.kf-000"] == 0


def test_the_rules_for_undeclared_backends():
    plain = RecordingAdapter()
    assert capable(plain, "image") and capable(plain, None)  # trusted for its stage
    assert tier_of(plain) == "preview"  # never trusted as full
    with pytest.raises(ValueError, match="capability must be one of"):
        capable(Backend(), "smell")


def test_the_engine_records_which_backend_failed_and_which_rendered(backends, tmp_path):
    """Through the engine: the record's adapter is the one that rendered, its annotations
    name the one that failed, an event says so, and a resume of the run reuses it."""
    for kind in ("images", "video", "tts", "lipsync", "assemble"):
        backends(f"fake_{kind}", capabilities=frozenset({"image", "video", "speech",
                                                         "lipsync", "assembly"}))  # fmt: skip
    first = backends("first", errors=[PermanentStageError("weights corrupt")])
    backends("second")
    ctx = image_ctx(["second"])
    profile = ctx.render_profile.model_copy(
        update={"adapters": {k: f"fake_{k}" for k in ctx.render_profile.adapters} | {
            "images": "first"}}
    )  # fmt: skip
    ctx = ctx.model_copy(update={"render_profile": profile})
    store = FilesystemArtifactStore(tmp_path / "art")
    db = Database(tmp_path / "s.db")
    try:
        engine = Engine(
            store=store,
            records=StepRecords(db),
            adapter_for=catalog_adapters(make_settings()),
            retry=RetryPolicy(max_attempts=2, base_delay_s=0.0),
            sleep=lambda s: None,
            memory=MemoryLog(db),
            workdir=tmp_path,
        )
        result = engine.execute(ctx)
        record = result.records["image.kf-000"]
        assert record.status == StepStatus.SUCCEEDED
        assert record.adapter == "second"
        assert any(
            "first failed" in n and "second rendered" in n for n in record.policy_annotations
        )
        events = MemoryLog(db).list(ctx.run_id, "step_fallback")
        assert events and events[0].payload["from"] == "first"
        assert stage_metrics(result.records.values())["base_images"].fallbacks == 1
        text = prometheus(*home_metrics(db))
        assert 'sparkle_step_fallbacks_total{stage="base_images"} 1.0' in text
        again = engine.execute(ctx)  # a resume of this run keeps what the fallback rendered
        assert again.records["image.kf-000"].status == StepStatus.CACHED
        assert first.calls["image.kf-000"] == 1
    finally:
        db.close()
        store.close()


def test_the_full_profiles_lipsync_falls_back_to_audio_mux_only_when_asked():
    """The shipped profile: wav2lip (full) then audio_mux (preview), refused unless asked."""
    from sparkle_motion.catalog import adapter_for
    from sparkle_motion.plans.profiles import load_render_profiles

    settings = make_settings()
    full = load_render_profiles(settings).profiles["full"]
    assert full.fallbacks == {"lipsync": ["audio_mux"]}
    lipsync = step(context(small_plan("short.json")), "lipsync.launch")
    plain = adapter_for(lipsync, full, settings)
    assert isinstance(plain, Fallback) and plain.name == "wav2lip" and plain.tier == "full"
    usable, skipped = plain.order()
    assert usable == ["wav2lip"]
    assert skipped == [
        "audio_mux: a preview backend after full wav2lip (`--fallback lipsync=audio_mux` allows it)"
    ]
    asked = adapter_for(lipsync, full, make_settings(fallbacks=["lipsync=audio_mux"]))
    assert asked.order() == (["wav2lip", "audio_mux"], [])
    # the preview profile lists none: its backend itself
    preview = load_render_profiles(settings).profiles["preview"]
    assert not isinstance(adapter_for(lipsync, preview, settings), Fallback)


def test_preflight_passes_when_a_candidate_the_run_may_use_can_run(backends):
    """The first backend's weights missing: the run starts only when it may fall back."""
    first = backends("first")
    backends("cheap", tier="preview")

    def missing(profile):
        raise MissingWeightsError("no weights for first")

    first.preflight = missing
    ctx = image_ctx(["cheap"])
    _, refused = wrapped(ctx)
    with pytest.raises(MissingWeightsError, match="no weights for first"):
        refused.preflight(ctx.render_profile)
    _, asked = wrapped(ctx, make_settings(fallbacks=["images=cheap"]))
    asked.preflight(ctx.render_profile)  # cheap can run: the run may start
