"""The short version of benchmarks/dedupe_quality.py: near-duplicates of real keyframes
(the preview's, at 640x360) found at the default SPARKLE_PHASH_MAX_DISTANCE, distinct
keyframes not; and keyframes the planner's seed 0 draws in one composition never pass
the pixel check a substitution needs."""

from __future__ import annotations

import pytest
from benchmarks.dedupe_quality import IDEAS, measure, real_keyframes, same_composition

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
    close, same, _ = same_composition(K, (IDEAS[1], IDEAS[9], IDEAS[11]), SIZE)
    assert close >= 1 and same == 0
