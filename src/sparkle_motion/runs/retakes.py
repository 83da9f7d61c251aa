"""Keyframe retakes: a keyframe a reviewer rejected is rendered again with a new seed.

The decisions live in the run's memory log (`review_applied` events of the `keyframes`
gate), so every start of the run, a resume from START included, derives the same seeds:
keyframe i rejected k times renders with `derive_seed(seed, "retake", k)`. Its key
changes with its seed, so exactly that keyframe and the clips made from it render again.
A rejection counts only for the keyframe it was made on: each event records the seed the
plan gave keyframe i, and a plan that gives it another one (a new plan under the same run
id) starts from take 0.
"""

from __future__ import annotations

from collections import Counter

from ..plans.ids import derive_seed
from ..schemas import ImageStep, RunContext
from ..storage.memory_log import MemoryLog

KEYFRAMES_GATE = "keyframes"
APPLIED = "review_applied"


def plan_seeds(ctx: RunContext) -> dict[int, int]:
    """The seed the plan gives each rendered keyframe (before any retake)."""
    return {
        s.keyframe: s.opts.seed if s.opts.seed is not None else 0
        for s in ctx.plan.steps
        if isinstance(s, ImageStep) and s.keyframe is not None
    }


def retakes(run_id: str, memory: MemoryLog, seeds: dict[int, int]) -> dict[int, int]:
    """How many times each keyframe, as the plan seeds it now (`plan_seeds`), was rejected
    (and so re-rendered) in the run."""
    counts: Counter[int] = Counter()
    for event in memory.list(run_id, APPLIED):
        p = event.payload
        if p.get("gate") != KEYFRAMES_GATE or p.get("decision") != "reject":
            continue
        made_on = p.get("seeds") or {}
        for k in p.get("keyframes") or []:
            if isinstance(k, int) and k in seeds and made_on.get(str(k)) == seeds[k]:
                counts[k] += 1
    return dict(counts)


def retake_seed(seed: int, take: int) -> int:
    return seed if take == 0 else derive_seed(seed, "retake", str(take))


def apply_retakes(ctx: RunContext, takes: dict[int, int]) -> RunContext:
    """`ctx` with the keyframe steps of rejected keyframes re-seeded (a copy; `ctx` is kept)."""
    if not takes:
        return ctx
    steps = []
    for step in ctx.plan.steps:
        if isinstance(step, ImageStep) and step.keyframe is not None:
            take = takes.get(step.keyframe, 0)
            if take:
                seed = step.opts.seed if step.opts.seed is not None else 0
                opts = step.opts.model_copy(update={"seed": retake_seed(seed, take)})
                step = step.model_copy(update={"opts": opts})
        steps.append(step)
    plan = ctx.plan.model_copy(update={"steps": steps})
    return ctx.model_copy(update={"plan": plan})
