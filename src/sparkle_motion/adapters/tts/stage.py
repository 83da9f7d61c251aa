"""`tts_stage`: the stage policy that chooses who speaks each character's lines.

A profile with `tts: tts_stage` lists its candidates in `tts_providers` (the `full`
profile: chatterbox); a run never goes outside that list (so a `full` run never falls back
to a preview voice unless a per-stage override, `--adapter tts=piper`, asks for it). For a
line, the stage looks at every line of its character and:

1. drops each candidate that cannot take them, saying why: not in the allowlist
   (TTS_PROVIDER_ALLOWLIST and the line's `opts.provider_allowlist`, each when set), not
   available here (its weights or binary missing), a language it does not speak (the
   lines' `language_id`), a `required_features` it lacks, the longest line over
   `max_latency_s`, the character's lines over `max_cost_usd`;
2. scores the rest for the priority profile (`opts.priority_profile` when the plan sets
   it, else TTS_PRIORITY_PROFILE): weights over cost, latency and quality
   (cost 0.6/0.2/0.2, latency 0.2/0.6/0.2, quality 0.1/0.2/0.7, balanced a third each),
   each part in 0..1 (cost: 1 / (1 + usd / 0.001), a character's lines on a GPU cost about
   $0.001; latency: 1 / (1 + seconds / 2), for its longest line; quality:
   the provider's); the line's `opts.provider`, when it is a candidate left, goes first;
3. speaks with the best; a retryable error (TTSRetryableError, or any transient one) is
   tried again after 0.5 s and 1 s, then the character moves to the next candidate for
   this line and every later one of the run (the same voice for all its lines, as far as
   a process remembers: a resumed run starts from the ranking again); a permanent error
   (TTSInvalidInputError, TTSPolicyViolation, TTSQuotaExceeded, ...) fails the line.

No candidate left: TTSPolicyViolation naming each candidate and why. The choice, the
scores and every attempt are in the line's metadata (`tts_stage`) and, in short, in its
step record's `policy_annotations`. The candidates come from `resolve(name)`: the catalog
hands out the adapter for each (in process, or its tool over HTTP).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...config import get_settings
from ...errors import StageError, TTSPolicyViolation
from ...schemas import RenderProfile, RunContext, Step, TTSStep
from ..base import Adapter, Estimate, Output, Provider, StepJob
from ..fallback import run_in_order, unload_each
from .traits import SpeechTraits

WEIGHTS = {  # (cost, latency, quality)
    "cost": (0.6, 0.2, 0.2),
    "latency": (0.2, 0.6, 0.2),
    "quality": (0.1, 0.2, 0.7),
    "balanced": (1 / 3, 1 / 3, 1 / 3),
}


@dataclass
class Rated:
    provider: str
    score: float = 0.0
    cost_usd: float = 0.0
    latency_s: float = 0.0
    quality: float = 0.0
    excluded: str | None = None

    def row(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "score": round(self.score, 4),
            "cost_usd": round(self.cost_usd, 6),
            "latency_s": round(self.latency_s, 3),
            "quality": self.quality,
            "excluded": self.excluded,
        }


@dataclass
class Choice:
    priority: str
    ranked: list[Rated] = field(default_factory=list)

    @property
    def usable(self) -> list[str]:
        return [r.provider for r in self.ranked if r.excluded is None]


def character_lines(ctx: RunContext, step: TTSStep) -> list[TTSStep]:
    """Every line its character speaks in the plan (the line alone when it has none)."""
    lines = [
        s
        for s in ctx.plan.steps
        if isinstance(s, TTSStep) and s.character is not None and s.character == step.character
    ]
    return lines or [step]


def speech_seconds(ctx: RunContext, line: TTSStep) -> float:
    slot = next((x for x in ctx.dialogue_schedule if x.line_id == line.line_id), None)
    return slot.est_duration_s if slot is not None else max(0.5, len(line.text.split()) / 2.5)


def priority_of(step: TTSStep) -> str:
    if "priority_profile" in step.opts.model_fields_set:
        return step.opts.priority_profile
    return get_settings().tts_priority_profile


def rate(
    ctx: RunContext,
    step: TTSStep,
    candidates: list[str],
    traits: Callable[[str], SpeechTraits | None],
    available: Callable[[str], str | None],
    device: str,
) -> Choice:
    """Every candidate, scored or excluded with the reason, best first."""
    opts = step.opts
    priority = priority_of(step)
    wc, wl, wq = WEIGHTS[priority]
    lines = character_lines(ctx, step)
    languages = {(line.language_id or "en") for line in lines}
    speech = [speech_seconds(ctx, line) for line in lines]
    chars = sum(len(line.text) for line in lines)
    allow_setting = set(get_settings().tts_provider_allowlist)
    allow_line = set(opts.provider_allowlist)
    ranked: list[Rated] = []
    for name in candidates:
        found = Rated(name)
        ranked.append(found)
        own = traits(name)
        if allow_setting and name not in allow_setting:
            found.excluded = "not in TTS_PROVIDER_ALLOWLIST"
            continue
        if allow_line and name not in allow_line:
            found.excluded = "not in opts.provider_allowlist"
            continue
        if own is None:
            found.excluded = "not a speech backend"
            continue
        missing = available(name)
        if missing is not None:
            found.excluded = f"not available: {missing}"
            continue
        if not languages <= own.languages:
            found.excluded = f"does not speak {', '.join(sorted(languages - own.languages))}"
            continue
        lacking = set(opts.required_features) - own.features
        if lacking:
            found.excluded = f"lacks {', '.join(sorted(lacking))}"
            continue
        found.cost_usd = own.cost(sum(speech), chars, device)
        found.latency_s = own.seconds(max(speech), device)
        found.quality = own.quality
        if opts.max_latency_s is not None and found.latency_s > opts.max_latency_s:
            found.excluded = f"{found.latency_s:.2f} s over max_latency_s {opts.max_latency_s:g}"
            continue
        if opts.max_cost_usd is not None and found.cost_usd > opts.max_cost_usd:
            found.excluded = f"${found.cost_usd:.4f} over max_cost_usd {opts.max_cost_usd:g}"
            continue
        found.score = (
            wc / (1 + found.cost_usd / 0.001)
            + wl / (1 + found.latency_s / 2.0)
            + wq * found.quality
        )
    order = {name: i for i, name in enumerate(candidates)}
    preferred = opts.provider

    def key(r: Rated) -> tuple[int, int, float, int]:
        return (r.excluded is not None, r.provider != preferred, -r.score, order[r.provider])

    return Choice(priority, sorted(ranked, key=key))


class TtsStage(Provider):
    """The `tts_stage` adapter: one per process; `bound(resolve)` gives the one a step
    uses, with the candidates where the catalog places them."""

    name = "tts_stage"
    version = "1"
    capabilities = frozenset({"speech"})
    tier = "full"  # the `full` profile's policy (its candidates: `tts_providers`)

    def __init__(self) -> None:
        self._moved: dict[tuple[str, str], str] = {}  # (run, character) -> provider now
        self._lock = threading.Lock()
        self.sleep: Callable[[float], None] = time.sleep

    @property
    def model_id(self) -> str | None:
        return None  # a bound stage names its candidates' weights

    def bound(self, profile: RenderProfile, resolve: Callable[[str], Adapter]) -> BoundStage:
        return BoundStage(self, profile, resolve)

    def run(self, job: StepJob) -> list[Output]:  # in process, candidates in process too
        from ..registry import adapter_named

        return self.bound(job.context.render_profile, adapter_named).run(job)

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        from ..registry import adapter_named

        return self.bound(profile, adapter_named).estimate(step, profile)


class BoundStage(Provider):
    capabilities = TtsStage.capabilities
    tier = TtsStage.tier

    def __init__(self, stage: TtsStage, profile: RenderProfile, resolve: Callable[[str], Adapter]):
        self.stage, self.profile, self.resolve = stage, profile, resolve
        self.name, self.version = stage.name, stage.version
        self.candidates = list(profile.tts_providers)
        self._used: dict[str, Adapter] = {}

    def _adapter(self, name: str) -> Adapter:
        if name not in self._used:
            self._used[name] = self.resolve(name)
        return self._used[name]

    def _traits(self, name: str) -> SpeechTraits | None:
        """What it declares: from its code here (also when it renders in a tool)."""
        from ..registry import adapter_named

        try:
            return getattr(adapter_named(name), "speech", None)
        except StageError:
            return None

    def _check(self, name: str) -> None:
        """Raises what keeps `name` from speaking now (its weights, binary, package, tool)."""
        adapter: Any = self._adapter(name)
        if hasattr(adapter, "check_available"):
            adapter.check_available()
        elif hasattr(adapter, "check_weights"):
            adapter.check_weights(self.profile)
        elif hasattr(adapter, "preflight"):
            adapter.preflight(self.profile)

    def _available(self, name: str) -> str | None:
        """None when it can speak now, else why not."""
        try:
            self._check(name)
        except StageError as exc:
            return exc.message
        return None

    def preflight(self, profile: RenderProfile) -> None:
        """Before anything renders (intake, a dry run): some candidate can speak, else the
        first one's own error (MissingWeightsError naming its env var and files), or
        TTSPolicyViolation when the profile lists none."""
        first: StageError | None = None
        for name in self.candidates:
            try:
                self._check(name)
                return
            except StageError as exc:
                first = first or exc
        if first is not None:
            raise first
        raise TTSPolicyViolation(
            f"profile {profile.name!r} uses tts_stage but lists no tts_providers",
            context={"field": "tts_providers"},
        )

    @property
    def model_id(self) -> str | None:
        """What the choice depends on: each candidate's weights, the priority and the
        allowlist (so changing any of them renders the lines again)."""
        settings = get_settings()
        parts = []
        for name in self.candidates:
            try:
                parts.append(f"{name}={self._adapter(name).model_id}")
            except StageError:
                parts.append(f"{name}=?")
        parts.append(f"priority={settings.tts_priority_profile}")
        parts.append(f"allow={','.join(sorted(settings.tts_provider_allowlist))}")
        return ";".join(parts)

    @property
    def served_by(self) -> str | None:
        return None  # each candidate says where it ran, in the line's metadata

    def choose(self, ctx: RunContext, step: TTSStep) -> Choice:
        device = "cuda" if (ctx.render_profile.device or "cpu").startswith("cuda") else "cpu"
        return rate(ctx, step, self.candidates, self._traits, self._available, device)

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, TTSStep)
        ctx = job.context
        choice = self.choose(ctx, step)
        usable = choice.usable
        if not usable:
            why = "; ".join(f"{r.provider}: {r.excluded}" for r in choice.ranked) or "none listed"
            raise TTSPolicyViolation(
                f"{step.id}: no voice of profile {self.profile.name!r} can speak it ({why})",
                step_id=step.id,
                context={"field": "tts_providers"},
            )
        memory = (ctx.run_id, step.character or step.id)
        with self.stage._lock:
            moved = self.stage._moved.get(memory)
        if moved in usable:  # the character already moved on: keep its voice
            usable = usable[usable.index(moved) :]
        # each voice tried again after 0.5 s and 1 s; a permanent error fails the line (the
        # loop every stage's fallback uses: adapters/fallback.py)
        ran = run_in_order(usable, self._adapter, job, self.stage.sleep, next_on_permanent=False)
        name = ran.provider
        if name != usable[0] or moved is not None:
            with self.stage._lock:
                self.stage._moved[memory] = name
        served = getattr(self._adapter(name), "served_by", None)
        return [self._record(out, name, choice, ran.failed, served) for out in ran.outputs]

    def _record(
        self,
        out: Output,
        name: str,
        choice: Choice,
        attempts: list[dict[str, Any]],
        served_by: str | None,
    ) -> Output:
        best = choice.ranked[0]
        notes = [
            f"tts_stage.choice: {name} for {choice.priority} "
            + ", ".join(
                f"{r.provider} {r.score:.3f}"
                if r.excluded is None
                else f"{r.provider} excluded ({r.excluded})"
                for r in choice.ranked
            )
        ]
        if name != best.provider:
            why = f"failed ({len(attempts)} attempts)" if attempts else "failed earlier in the run"
            notes.append(
                f"tts_stage.fallback: {best.provider} {why}; {name} speaks this character "
                "from here on"
            )
        meta = {
            "backend": name,
            "model_id": self._adapter(name).model_id,
            **out.metadata,
            "served_by": served_by,  # the step record's: where the chosen voice ran
            "tts_stage": {
                "provider": name,
                "priority_profile": choice.priority,
                "ranking": [r.row() for r in choice.ranked],
                "attempts": attempts,
            },
            "policy_annotations": [*notes, *(out.metadata.get("policy_annotations") or [])],
            # a fallback voice is stored under the key the first choice's would have had: a
            # resume of this run keeps it, another run asks the first choice again
            **({"reuse_scope": "run"} if name != best.provider else {}),
        }
        return Output(out.name, out.data, out.mime_type, out.artifact_type, meta)

    def unload(self) -> None:
        unload_each(self.candidates, self._adapter)

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        for name in self.candidates:
            adapter = self._used.get(name)
            try:
                adapter = adapter or self._adapter(name)
            except StageError:
                continue
            return adapter.estimate(step, profile)
        return Estimate(time_s=1.0)
