"""Composition: the speaker nearer, two characters facing each other, water creatures in
the free water, and the shot sizes later keyframes cycle through."""

from __future__ import annotations

import numpy as np

from sparkle_motion.adapters.images.procedural import draw_keyframe
from sparkle_motion.adapters.images.storyboard.canvas import character_colour, mix
from sparkle_motion.adapters.images.storyboard.framing import free_x

from .frames import H, W, box, char, near, pixels, step

PAIR = [char("ana", "Ana", "a woman"), char("ben", "Ben", "a man")]


def test_the_speaker_is_drawn_larger_and_lower():
    def extent(speaker: str, who: str) -> tuple[int, int]:
        img = pixels(step("a meadow", characters=PAIR, speaker=speaker), width=640, height=360)
        top, bottom, _, _ = box(near(img, character_colour(who), 2))
        return bottom - top, bottom

    ana_speaks, ana_listens = extent("ana", "ana"), extent("ben", "ana")
    assert ana_speaks[0] > ana_listens[0] * 1.15 and ana_speaks[1] > ana_listens[1]
    ben_speaks, ben_listens = extent("ben", "ben"), extent("ana", "ben")
    assert ben_speaks[0] > ben_listens[0] * 1.15


def test_two_characters_face_each_other():
    img = pixels(step("a meadow", characters=PAIR, speaker="ana"), width=640, height=360)
    ana = box(near(img, character_colour("ana"), 2))
    ben = box(near(img, character_colour("ben"), 2))
    assert ana[3] < ben[2]  # Ana on the left, Ben on the right
    # each one's front arm is on the side facing the other
    for who, side in (("ana", 1), ("ben", -1)):
        body = box(near(img, character_colour(who), 2))
        arm = near(img, mix(character_colour(who), (255, 255, 255), 0.12), 2)
        arm_x = np.nonzero(arm.any(axis=0))[0].mean()
        assert (arm_x - (body[2] + body[3]) / 2) * side > 0


def test_later_keyframes_cycle_through_medium_wide_and_close_shots_on_the_speaker():
    def height(keyframe: int) -> int:
        s = step("a meadow", characters=PAIR, speaker="ana", keyframe=keyframe)
        top, bottom, _, _ = box(near(pixels(s), character_colour("ana"), 2))
        return bottom - top

    wide, medium, again, close = height(0), height(1), height(2), height(3)
    assert wide == again and wide * 1.2 < medium and medium * 1.15 < close
    assert draw_keyframe(step("a meadow", keyframe=0), W, H, 1) == draw_keyframe(
        step("a meadow", keyframe=2), W, H, 1
    )


def test_a_free_spot_is_the_one_farthest_from_the_others_and_inside_the_frame():
    assert free_x([], 0.1) == 0.5
    assert free_x([0.5], 0.1) in (0.24, 0.76)
    assert free_x([0.28, 0.66], 0.1) == 0.5
    assert free_x([0.2], 0.3) == 0.7  # a wide body is kept inside


def test_a_medium_shot_keeps_the_lighthouse_and_a_close_one_need_not():
    tower = (232, 232, 226)
    for seed in range(6):
        s = step("by the lighthouse", characters=PAIR[:1], speaker="ana", keyframe=1)
        assert near(pixels(s, seed=seed), tower, 2).sum() > 50, seed
    closes = [
        near(pixels(step("by the lighthouse", characters=PAIR[:1], keyframe=3), seed=n), tower, 2)
        for n in range(6)
    ]
    assert any(c.sum() < 50 for c in closes)
