"""Keyframe retakes: counted from the run's applied review decisions, applied as new seeds."""

from __future__ import annotations

from sparkle_motion.runs.retakes import apply_retakes, keyframe_indices, retake_seed, retakes
from sparkle_motion.schemas import ImageStep
from sparkle_motion.storage import Database, MemoryLog
from tests.support.media import context, small_plan


def seeds(ctx) -> dict[int, int]:
    return {s.keyframe: s.opts.seed for s in ctx.plan.steps if isinstance(s, ImageStep)}


def test_retakes_count_rejections_of_the_keyframes_gate_only(tmp_path):
    memory = MemoryLog(Database(tmp_path / "s.db"))
    applied = [
        {"gate": "keyframes", "decision": "reject", "keyframes": [1, 2]},
        {"gate": "keyframes", "decision": "reject", "keyframes": [2]},
        {"gate": "keyframes", "decision": "approve", "keyframes": []},
        {"gate": "script", "decision": "reject", "keyframes": [0]},
    ]
    for payload in applied:
        memory.write("r1", "review_applied", payload)
    memory.write(
        "r2", "review_applied", {"gate": "keyframes", "decision": "reject", "keyframes": [0]}
    )
    memory.write(
        "r1", "qa_manual_review", {"gate": "keyframes", "decision": "reject", "keyframes": [0]}
    )
    assert retakes("r1", memory) == {1: 1, 2: 2}
    assert retakes("nobody", memory) == {}


def test_apply_retakes_reseeds_exactly_the_rejected_keyframes():
    ctx = context(small_plan("short.json"))
    assert keyframe_indices(ctx) == [0, 1, 2]
    original = seeds(ctx)
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
