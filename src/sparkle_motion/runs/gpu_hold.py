"""A GPU stage that loads its models in the run's own process holds the host's GPU lease
(adapters/gpu.py) while it renders, like a tool process does: two runs (or a run and a
tool) on one GPU take turns, in stage-table order, instead of running out of memory.

Taken only when one of the stage's backends is a local model adapter (a tool-served or
preview backend needs none: the tool takes its own) and the stage will run on a GPU (not
when the profile says `cpu`, nor when it asks for CUDA on a host without it: the models
then run on the CPU); given back when the stage ends, after its models were dropped."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from ..adapters.base import Adapter
from ..adapters.gpu_utils import ModelAdapter
from ..config import Settings
from ..errors import StageError
from ..schemas import RunContext, Step
from ..stages import GPU_STAGES, STAGE_OF_STEP_TYPE


def needs_lease(
    ctx: RunContext, stage: str, adapter_for: Callable[[Step, RunContext], Adapter]
) -> bool:
    if stage not in GPU_STAGES or (ctx.render_profile.device or "cpu") == "cpu":
        return False
    for step in ctx.plan.steps:
        if STAGE_OF_STEP_TYPE[step.type] != stage:
            continue
        with contextlib.suppress(StageError):
            adapter = adapter_for(step, ctx)
            # a stage with fallbacks (adapters/fallback.py): its first backend's model
            if isinstance(getattr(adapter, "primary", adapter), ModelAdapter):
                return on_gpu(ctx.render_profile.device)
    return False


def on_gpu(device: str | None) -> bool:
    """Whether a model asked to run on `device` runs on a GPU here (torch is installed:
    a local model adapter was found)."""
    from ..adapters.gpu_utils import device_for

    return device_for(device)[0].startswith("cuda")


@contextlib.contextmanager
def gpu_lease(
    ctx: RunContext,
    stage: str,
    adapter_for: Callable[[Step, RunContext], Adapter],
    settings: Settings,
) -> Iterator[Any]:
    """The lease for the block (the Lease, or None when the stage needs none)."""
    if not needs_lease(ctx, stage, adapter_for):
        yield None
        return
    from ..adapters.gpu import GpuLease

    device = ctx.render_profile.device or "cuda:0"
    lease = GpuLease("cuda:0" if device == "cuda" else device, root=settings.home / "locks")
    held = lease.acquire(stage)
    try:
        yield held
    finally:
        held.release()
