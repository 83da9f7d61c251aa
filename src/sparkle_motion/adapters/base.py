"""What an adapter is: it turns one step (and its upstream files) into output files.

Adapters are pure compute: the engine owns keys, retries, records and storage. They raise
our StageError family (transient vs permanent) so the engine's retry policy can decide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..schemas import ArtifactRef, RenderProfile, RunContext, Step
from ..schemas.artifacts import ReusedStep
from ..subprocesses import CancelToken, default_token


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
# `capabilities` answers `supports(capability)`; a caller that needs one checks it first.
CAPABILITIES = ("text", "embedding", "image", "video", "speech", "lipsync")


class Capable:
    """`supports(capability)` from a class's `capabilities` set."""

    capabilities: frozenset[str] = frozenset()

    def supports(self, capability: str) -> bool:
        if capability not in CAPABILITIES:
            raise ValueError(f"capability must be one of {', '.join(CAPABILITIES)}")
        return capability in self.capabilities


class Adapter(Protocol):
    name: str

    @property
    def version(self) -> str: ...  # a class attribute, or a property (catalog.remote)

    @property
    def model_id(self) -> str | None: ...

    def run(self, job: StepJob) -> list[Output]: ...

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate: ...
