"""The short version of benchmarks/dedupe_quality.py: near-duplicates of real keyframes
(the preview's, at 640x360) found at the default SPARKLE_PHASH_MAX_DISTANCE, distinct
keyframes not; and keyframes the planner's seed 0 draws in one composition never pass
the pixel check a substitution needs."""

from __future__ import annotations

import io

import pytest
from benchmarks.dedupe_quality import IDEAS, measure, real_keyframes

from sparkle_motion.config import Settings

K = Settings.model_fields["phash_max_distance"].default
SIZE = (640, 360)


@pytest.fixture(scope="module")
def quality():
    return measure(real_keyframes(IDEAS[:5], size=SIZE), variants=150, pairs=300, seed=3)


def test_recall_of_near_duplicates(quality):
    assert quality.recall(K) >= 0.99


def test_false_positives_of_distinct_keyframes(quality):
    assert len(quality.consecutive) >= 20  # consecutive keyframes of one plan among them
    assert quality.false_positives(K) <= 0.005


def test_one_composition_in_another_tint_is_near_but_never_the_same_picture():
    """The example plan's keyframes drawn again in other moods (the sky's tint): the
    pHash finds most of them near, and the pixel check a substitution needs never takes
    one for the other."""
    from PIL import Image

    from sparkle_motion.adapters.images.procedural import draw_keyframe
    from sparkle_motion.dedupe.phash import phash, same_pixels
    from sparkle_motion.schemas import ImageStep
    from tests.support.media import context, small_plan

    def drawn(step: ImageStep) -> Image.Image:
        return Image.open(io.BytesIO(draw_keyframe(step, *SIZE, 1))).convert("RGB")

    near = same = 0
    for step in [s for s in context(small_plan()).plan.steps if isinstance(s, ImageStep)]:
        assert step.scene is not None
        for mood in {"melancholy", "joyful", "tense"} - {step.scene.mood}:
            tinted = step.model_copy(update={"scene": step.scene.model_copy(update={"mood": mood})})
            a, b = drawn(step), drawn(tinted)
            near += (int(phash(a), 16) ^ int(phash(b), 16)).bit_count() <= K
            same += same_pixels(a, b)
    assert near >= 3 and same == 0
