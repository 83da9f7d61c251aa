"""Keyframe retakes: counted from the run's applied review decisions, applied as new seeds."""

from __future__ import annotations

from sparkle_motion.runs.retakes import (
    apply_retakes,
    plan_seeds,
    retake_seed,
    retakes,
)
from sparkle_motion.schemas import ImageStep
from sparkle_motion.storage import Database, MemoryLog
from tests.support.media import context, small_plan


def seeds(ctx) -> dict[int, int]:
    return {s.keyframe: s.opts.seed for s in ctx.plan.steps if isinstance(s, ImageStep)}


def test_retakes_count_rejections_of_the_keyframes_gate_only(tmp_path):
    memory = MemoryLog(Database(tmp_path / "s.db"))
    seeds = {0: 10, 1: 11, 2: 12}
    made_on = {"0": 10, "1": 11, "2": 12}
    applied = [
        {"gate": "keyframes", "decision": "reject", "keyframes": [1, 2], "seeds": made_on},
        {"gate": "keyframes", "decision": "reject", "keyframes": [2], "seeds": made_on},
        {"gate": "keyframes", "decision": "approve", "keyframes": [], "seeds": {}},
        {"gate": "script", "decision": "reject", "keyframes": [0], "seeds": made_on},
        # made on another plan's keyframe 0 (another seed): not this one's
        {"gate": "keyframes", "decision": "reject", "keyframes": [0], "seeds": {"0": 99}},
        {"gate": "keyframes", "decision": "reject", "keyframes": ["1", None], "seeds": made_on},
    ]
    for payload in applied:
        memory.write("r1", "review_applied", payload)
    memory.write(
        "r2",
        "review_applied",
        {"gate": "keyframes", "decision": "reject", "keyframes": [0], "seeds": made_on},
    )
    memory.write(
        "r1",
        "qa_manual_review",
        {"gate": "keyframes", "decision": "reject", "keyframes": [0], "seeds": made_on},
    )
    assert retakes("r1", memory, seeds) == {1: 1, 2: 2}
    assert retakes("r1", memory, {0: 99, 1: 11}) == {0: 1, 1: 1}
    assert retakes("nobody", memory, seeds) == {}


def test_apply_retakes_reseeds_exactly_the_rejected_keyframes():
    ctx = context(small_plan("short.json"))
    assert sorted(plan_seeds(ctx)) == [0, 1, 2]
    original = seeds(ctx)
    assert plan_seeds(ctx) == original
    again = apply_retakes(ctx, {2: 1})
    assert seeds(ctx) == original  # the input is kept
    new = seeds(again)
    assert new[0] == original[0] and new[1] == original[1]
    assert new[2] == retake_seed(original[2], 1) != original[2]
    assert seeds(apply_retakes(ctx, {2: 2}))[2] not in (original[2], new[2])
    assert apply_retakes(ctx, {}) is ctx and retake_seed(7, 0) == 7
    assert seeds(apply_retakes(ctx, {2: 1})) == new  # the same take, the same seed
    others = [s for s in again.plan.steps if not isinstance(s, ImageStep)]
    assert others == [s for s in ctx.plan.steps if not isinstance(s, ImageStep)]
