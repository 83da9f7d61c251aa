"""Keyframe retakes: a keyframe a reviewer rejected is rendered again with a new seed.

The decisions live in the run's memory log (`review_applied` events of the `keyframes`
gate), so every start of the run, a resume from START included, derives the same seeds:
keyframe i rejected k times renders with `derive_seed(seed, "retake", k)`. Its key
changes with its seed, so exactly that keyframe and the clips made from it render again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..plans.ids import derive_seed
from ..schemas import ImageStep, RunContext

KEYFRAMES_GATE = "keyframes"
APPLIED = "review_applied"


def retakes(run_id: str, memory: Any) -> dict[int, int]:
    """How many times each keyframe index was rejected (and so re-rendered) in the run."""
    counts: Counter[int] = Counter()
    for event in memory.list(run_id, APPLIED):
        p = event.payload
        if p.get("gate") == KEYFRAMES_GATE and p.get("decision") == "reject":
            counts.update(int(k) for k in p.get("keyframes") or [])
    return dict(counts)


def retake_seed(seed: int, take: int) -> int:
    return seed if take == 0 else derive_seed(seed, "retake", str(take))


def apply_retakes(ctx: RunContext, takes: dict[int, int]) -> RunContext:
    """`ctx` with the keyframe steps of rejected keyframes re-seeded (a copy; `ctx` is kept)."""
    if not takes:
        return ctx
    steps = []
    for step in ctx.plan.steps:
        take = takes.get(step.keyframe, 0) if isinstance(step, ImageStep) else 0
        if take and step.keyframe is not None:
            seed = step.opts.seed if step.opts.seed is not None else 0
            opts = step.opts.model_copy(update={"seed": retake_seed(seed, take)})
            step = step.model_copy(update={"opts": opts})
        steps.append(step)
    plan = ctx.plan.model_copy(update={"steps": steps})
    return ctx.model_copy(update={"plan": plan})


def keyframe_indices(ctx: RunContext) -> list[int]:
    """The keyframes the run renders (those with a `source` file are not reviewed)."""
    return [
        s.keyframe for s in ctx.plan.steps if isinstance(s, ImageStep) and s.keyframe is not None
    ]
