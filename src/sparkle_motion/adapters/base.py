"""What an adapter is: it turns one step (and its upstream files) into output files.

Adapters are pure compute: the engine owns keys, retries, records and storage. They raise
our StageError family (transient vs permanent) so the engine's retry policy can decide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..schemas import ArtifactRef, RenderProfile, RunContext, Step
from ..schemas.artifacts import ReusedStep
from ..stages import BY_NAME, STAGE_OF_STEP_TYPE
from ..subprocesses import CancelToken, default_token

if TYPE_CHECKING:
    from ..config import Settings


@dataclass(frozen=True)
class Output:
    name: str  # file name, e.g. "kf-000.png"
    data: bytes | Path
    mime_type: str | None = None
    artifact_type: str = "file"
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Estimate:
    time_s: float
    peak_memory_mb: float = 0.0
    peak_vram_mb: float = 0.0
    cost_usd: float = 0.0


@dataclass(frozen=True)
class StepJob:
    step: Step
    inputs: dict[str, Path]  # each @ref (and local input) of the step -> a verified local file
    context: RunContext
    workdir: Path  # scratch space of this attempt; removed afterwards
    # each upstream step's stored outputs, for adapters that describe them (finalize)
    upstream: dict[str, list[ArtifactRef]] = field(default_factory=dict)
    # every step of the run finished so far -> its outputs (finalize names what made the film)
    run_outputs: dict[str, list[ArtifactRef]] = field(default_factory=dict)
    # every step of the run recorded so far -> what it cost (finalize's breakdown)
    run_costs: dict[str, float] = field(default_factory=dict)
    # the run's keyframes reused from earlier renders (finalize's manifest says so)
    run_reused: list[ReusedStep] = field(default_factory=list)
    # the run's interrupt: pass it to every run_command (default: the process's token)
    cancel: CancelToken = field(default_factory=default_token)
    # live progress while it runs (model loads, denoising steps): (event name, fields);
    # the engine writes them to the run's events as `<stage policy>.<name>`
    on_event: Callable[[str, dict[str, Any]], None] | None = None


# What a backend can do (issue: providers with capabilities). An adapter that declares
# `capabilities` answers `supports(capability)`; a caller that needs one checks it first
# (`capable`), and an adapter asked for one it lacks raises NotImplementedError. `assembly`
# (the film cut from the stages' outputs: the assemble stage, as its tool.yaml says) is
# our extension of the seeds' six; finalize and custom steps need none (an empty set).
CAPABILITIES = ("text", "embedding", "image", "video", "speech", "lipsync", "assembly")
# a backend's tier: `full` (model weights, a GPU) or `preview` (CPU, no weights). One that
# does not say is `preview`: a `full` stage never falls back to it unless asked
TIERS = ("full", "preview")


def check_capability(capability: str) -> str:
    if capability not in CAPABILITIES:
        raise ValueError(f"capability must be one of {', '.join(CAPABILITIES)}, got {capability!r}")
    return capability


class Capable:
    """`supports(capability)` from a class's `capabilities` set; `require` raises
    NotImplementedError naming the backend and what it can do."""

    name: str
    capabilities: frozenset[str] = frozenset()

    def supports(self, capability: str) -> bool:
        return check_capability(capability) in self.capabilities

    def require(self, capability: str) -> None:
        if not self.supports(capability):
            can = ", ".join(sorted(self.capabilities)) or "nothing of " + ", ".join(CAPABILITIES)
            raise NotImplementedError(f"{self.name} does not support {capability} (it does {can})")


def capable(adapter: object, capability: str | None) -> bool:
    """Whether `adapter` can serve a stage that needs `capability` (None: any backend). An
    adapter without `supports` counts as having the capability of the stage it is named
    for (the profile's choice is trusted; only a declared set can rule a backend out)."""
    if capability is None:
        return True
    supports = getattr(adapter, "supports", None)
    return bool(supports(check_capability(capability))) if callable(supports) else True


def tier_of(adapter: object) -> str:
    tier = getattr(adapter, "tier", None)
    return tier if tier in TIERS else "preview"


@dataclass(frozen=True)
class EmbeddingResponse:
    """Texts' vectors from one batch call: unit length, `dim` each, in the texts' order."""

    model_id: str
    dim: int
    vectors: list[list[float]]

    def __post_init__(self) -> None:
        bad = [i for i, v in enumerate(self.vectors) if len(v) != self.dim]
        if bad:
            raise ValueError(f"bad vector: {len(bad)} not of dim {self.dim} (first at {bad[0]})")


# ------------------------------------------------------------------ what a step costs
#
# Rates are what an hour of a machine costs, in USD (settings `cost_cpu_usd_per_hour`,
# `cost_gpu_usd_per_hour`; docs/COST.md gives their sources). A backend's estimate is its
# estimated seconds (the figure the dry run's time sums) at the rate of the device its stage
# runs on under the profile, plus its own price per step (`Estimate.cost_usd`: a hosted
# model's); the minimum is one attempt, the maximum every attempt the retry policy allows.


@dataclass(frozen=True)
class Rates:
    cpu_usd_per_hour: float
    gpu_usd_per_hour: float

    @classmethod
    def of(cls, settings: Settings) -> Rates:
        return cls(settings.cost_cpu_usd_per_hour, settings.cost_gpu_usd_per_hour)

    def per_second(self, device: str | None) -> float:
        gpu = device is not None and device.startswith("cuda")
        return (self.gpu_usd_per_hour if gpu else self.cpu_usd_per_hour) / 3600.0


@dataclass(frozen=True)
class CostEstimate:
    min_usd: float
    max_usd: float
    currency: str = "USD"

    def __add__(self, other: CostEstimate) -> CostEstimate:
        return CostEstimate(self.min_usd + other.min_usd, self.max_usd + other.max_usd)


NOTHING = CostEstimate(0.0, 0.0)


def step_device(step: Step, profile: RenderProfile) -> str:
    """Where the step's work runs under the profile: a GPU stage on a CUDA profile on the
    GPU, everything else (ffmpeg, the preview's procedural stages) on the CPU."""
    stage = BY_NAME[STAGE_OF_STEP_TYPE[step.type]]
    device = profile.device or "cpu"
    return device if stage.gpu and device.startswith("cuda") else "cpu"


def cost_of_estimate(
    estimate: Estimate, step: Step, profile: RenderProfile, rates: Rates, attempts: int = 1
) -> CostEstimate:
    """One attempt at the estimated seconds (the minimum) to every attempt allowed (the
    maximum), each at the device's rate plus the backend's price per step."""
    once = estimate.time_s * rates.per_second(step_device(step, profile)) + estimate.cost_usd
    return CostEstimate(round(once, 6), round(once * max(1, attempts), 6))


class Costed:
    """`estimate_cost(step, profile, rates)`: by default its `estimate()`'s seconds at the
    device's rate (`cost_of_estimate`); a hosted backend overrides it with its prices (per
    image, per character)."""

    def estimate_cost(
        self, step: Step, profile: RenderProfile, rates: Rates, attempts: int = 1
    ) -> CostEstimate:
        own: Any = self  # the adapter's `estimate()`: Costed is mixed into adapters
        return cost_of_estimate(own.estimate(step, profile), step, profile, rates, attempts)


class Provider(Capable, Costed):
    """What a backend declares and answers: its capabilities (`supports`, `require`), its
    `tier` (adapters/fallback.py) and `estimate_cost`."""

    tier: str = "preview"


def estimate_cost(
    adapter: Any, step: Step, profile: RenderProfile, rates: Rates, attempts: int = 1
) -> CostEstimate:
    """What the engine and the dry run call: the adapter's own `estimate_cost` when it has
    one, else the default from its `estimate()` (an adapter that does not inherit Costed)."""
    own = getattr(adapter, "estimate_cost", None)
    if callable(own):
        found: CostEstimate = own(step, profile, rates, attempts)
        return found
    return cost_of_estimate(adapter.estimate(step, profile), step, profile, rates, attempts)


class Adapter(Protocol):
    name: str

    @property
    def version(self) -> str: ...  # a class attribute, or a property (catalog.remote)

    @property
    def model_id(self) -> str | None: ...

    def run(self, job: StepJob) -> list[Output]: ...

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate: ...
