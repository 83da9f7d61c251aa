"""tts_stage: for each priority profile and limit, the provider chosen and the recorded
breakdown; retryable errors retried then the character moved to the next candidate (and
kept there for its later lines); permanent errors fail the line; the allowlists, the
languages, the required features and availability exclude with their reasons; nothing
left is a TTSPolicyViolation naming each candidate and why."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sparkle_motion.adapters import registry
from sparkle_motion.adapters.base import Estimate, Output
from sparkle_motion.adapters.tts.stage import TtsStage, rate
from sparkle_motion.adapters.tts.traits import SpeechTraits
from sparkle_motion.config import reset_settings_cache, use_settings
from sparkle_motion.errors import (
    TTSInvalidInputError,
    TTSPolicyViolation,
    TTSQuotaExceeded,
    TTSServerError,
)
from tests.conftest import make_settings
from tests.support.media import context, job, step

TRAITS = {
    # cheap and quick, plain; dear and slow, fine; in between, speaks Spanish, clones
    "plain": SpeechTraits("full", frozenset({"en"}), frozenset({"offline"}), {"cpu": 0.05}, 0.0, 0.3),
    "fine": SpeechTraits("full", frozenset({"en"}), frozenset({"voice_cloning", "watermark"}),
                         {"cpu": 3.0}, 0.0005, 0.95),
    "middle": SpeechTraits("full", frozenset({"en", "es"}), frozenset({"voice_cloning"}),
                           {"cpu": 0.5}, 0.00002, 0.7),
}  # fmt: skip


class Fake:
    """A speech backend that answers with its name, or raises what it is told to."""

    version = "1"
    model_id = "fake@1"

    @property
    def served_by(self) -> str:
        return f"{self.name}'s tool"

    def __init__(self, name: str) -> None:
        self.name, self.speech = name, TRAITS[name]
        self.fail: list[Exception] = []
        self.missing: str | None = None
        self.calls: list[str] = []

    def check_available(self) -> None:
        if self.missing:
            raise TTSServerError(self.missing)

    def run(self, job):
        self.calls.append(job.step.id)
        if self.fail:
            raise self.fail.pop(0)
        return [Output(f"{job.step.id}.wav", self.name.encode(), "audio/wav", "dialogue_wav")]

    def estimate(self, step, profile):
        return Estimate(time_s=1.0)


@pytest.fixture
def fakes() -> Iterator[dict[str, Fake]]:
    made = {name: Fake(name) for name in TRAITS}
    for name, fake in made.items():
        registry.register(name, lambda fake=fake: fake)
    use_settings(make_settings())
    yield made
    for name in made:
        registry._FACTORIES.pop(name, None)
        registry._INSTANCES.pop(name, None)
    reset_settings_cache()


def full_ctx(providers=("plain", "fine", "middle")):
    ctx = context()
    profile = ctx.render_profile.model_copy(
        update={
            "name": "full",
            "tts_providers": list(providers),
            "adapters": {**ctx.render_profile.adapters, "tts": "tts_stage"},
        }
    )
    return ctx.model_copy(update={"render_profile": profile})


def bound(ctx, fakes):
    stage = TtsStage()
    stage.sleep = lambda _s: None
    return stage.bound(ctx.render_profile, lambda name: fakes[name])


@pytest.mark.parametrize(
    ("priority", "chosen"),
    [("cost", "plain"), ("latency", "plain"), ("quality", "fine"), ("balanced", "plain")],
)
def test_each_priority_profile_chooses_and_records_why(fakes, priority, chosen):
    ctx = full_ctx()
    line = step(ctx, "tts.s1-lamp-l1")
    line.opts.priority_profile = priority
    choice = bound(ctx, fakes).choose(ctx, line)
    assert choice.priority == priority and choice.ranked[0].provider == chosen
    scores = [r.score for r in choice.ranked]
    assert scores == sorted(scores, reverse=True) and all(r.excluded is None for r in choice.ranked)
    fine = next(r for r in choice.ranked if r.provider == "fine")
    assert fine.cost_usd > 0 and fine.latency_s > 1 and fine.quality == 0.95


def test_limits_allowlists_languages_features_and_availability_exclude_with_reasons(
    fakes, tmp_path
):
    ctx = full_ctx()
    line = step(ctx, "tts.s1-lamp-l1")
    line.opts.max_latency_s = 1.0
    fakes["middle"].missing = "weights gone"
    ranked = {r.provider: r.excluded for r in bound(ctx, fakes).choose(ctx, line).ranked}
    assert (
        "over max_latency_s 1" in ranked["fine"]
        and ranked["middle"] == "not available: weights gone"
    )
    assert ranked["plain"] is None
    fakes["middle"].missing = None
    line.opts.max_latency_s = None
    line.opts.required_features = ["voice_cloning"]
    line.opts.provider_allowlist = ["fine", "plain"]
    ranked = {r.provider: r.excluded for r in bound(ctx, fakes).choose(ctx, line).ranked}
    assert ranked == {
        "plain": "lacks voice_cloning",
        "fine": None,
        "middle": "not in opts.provider_allowlist",
    }
    use_settings(make_settings(tts_provider_allowlist=["middle"]))
    line.opts = line.opts.model_copy(update={"provider_allowlist": [], "required_features": []})
    for other in (s for s in ctx.plan.steps if getattr(s, "character", None) == line.character):
        other.language_id = "es"  # the character speaks Spanish: only `middle` does
    ranked = {r.provider: r.excluded for r in bound(ctx, fakes).choose(ctx, line).ranked}
    assert ranked["middle"] is None and ranked["plain"] == "not in TTS_PROVIDER_ALLOWLIST"
    use_settings(make_settings())
    ranked = {r.provider: r.excluded for r in bound(ctx, fakes).choose(ctx, line).ranked}
    assert ranked["plain"] == "does not speak es" and ranked["middle"] is None


def test_the_preferred_provider_goes_first_when_it_is_left(fakes):
    ctx = full_ctx()
    line = step(ctx, "tts.s1-lamp-l1")
    line.opts.provider = "fine"
    line.opts.priority_profile = "cost"
    assert bound(ctx, fakes).choose(ctx, line).ranked[0].provider == "fine"


def test_retryable_errors_retry_then_move_the_character_for_good(fakes, tmp_path):
    ctx = full_ctx(("fine", "plain"))
    line = step(ctx, "tts.s1-lamp-l1")
    line.opts.priority_profile = "quality"
    stage = bound(ctx, fakes)
    fakes["fine"].fail = [TTSServerError("busy")] * 3  # three tries, then the next voice
    (out,) = stage.run(job(ctx, line.id, {}, tmp_path / "a"))
    assert out.data == b"plain" and fakes["fine"].calls == [line.id] * 3
    record = out.metadata["tts_stage"]
    assert record["provider"] == "plain" and len(record["attempts"]) == 3
    assert out.metadata["served_by"] == "plain's tool"  # the record's: where it ran
    assert [r["provider"] for r in record["ranking"]] == ["fine", "plain"]
    notes = out.metadata["policy_annotations"]
    assert notes[0].startswith("tts_stage.choice: plain for quality")
    assert notes[1].startswith("tts_stage.fallback: fine failed (3 attempts)")
    # the fallback voice is stored under fine's key: only this run may reuse it
    assert out.metadata["reuse_scope"] == "run" and out.metadata["backend"] == "plain"
    assert out.metadata["model_id"] == "fake@1"
    later = step(ctx, "tts.s2-song-l1")  # the same character (ada): straight to plain
    assert later.character == line.character
    later.opts.priority_profile = "quality"
    (again,) = stage.stage.bound(ctx.render_profile, lambda n: fakes[n]).run(
        job(ctx, later.id, {}, tmp_path / "b")
    )
    assert again.data == b"plain" and fakes["fine"].calls == [line.id] * 3
    other = step(ctx, "tts.s3-fog-l1")  # tobin still gets the best voice
    other.opts.priority_profile = "quality"
    (theirs,) = stage.run(job(ctx, other.id, {}, tmp_path / "c"))
    assert theirs.data == b"fine"
    assert "reuse_scope" not in theirs.metadata and theirs.metadata["backend"] == "fine"


@pytest.mark.parametrize("error", [TTSInvalidInputError("bad text"), TTSQuotaExceeded("quota")])
def test_a_permanent_error_fails_the_line_at_once(fakes, tmp_path, error):
    ctx = full_ctx(("fine", "plain"))
    line = step(ctx, "tts.s1-lamp-l1")
    line.opts.priority_profile = "quality"
    fakes["fine"].fail = [error]
    with pytest.raises(type(error)):
        bound(ctx, fakes).run(job(ctx, line.id, {}, tmp_path / "a"))
    assert fakes["plain"].calls == []


def test_no_candidate_left_names_each_and_why(fakes, tmp_path):
    ctx = full_ctx(("fine",))
    line = step(ctx, "tts.s1-lamp-l1")
    line.opts.max_cost_usd = 0.0
    with pytest.raises(TTSPolicyViolation, match=r"fine: \$0\.\d+ over max_cost_usd 0"):
        bound(ctx, fakes).run(job(ctx, line.id, {}, tmp_path / "a"))
    assert rate(ctx, line, [], lambda n: None, lambda n: None, "cpu").ranked == []
