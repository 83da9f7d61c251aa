"""The land outside: water where the words name it, with a shore for anyone standing;
forests, cities, mountains and the rest change the frame."""

from __future__ import annotations

import itertools

from sparkle_motion.adapters.images.storyboard.exteriors import SAND

from .frames import H, changed, char, near, pixels, step

LANDS = [
    "the sea",
    "a beach",
    "a forest",
    "a city street",
    "a mountain",
    "a desert",
    "a field",
    "a lighthouse",
    "a frozen lake",
    "a river",
    "a park",
    "a hill",
    "a lake",
    "a cottage",
]


def test_every_setting_word_changes_the_land():
    frames = {s: pixels(step("a walk", setting=s)) for s in LANDS}
    for a, b in itertools.combinations(LANDS, 2):
        assert changed(frames[a], frames[b]).mean() > 0.05, (a, b)


def test_someone_standing_by_the_sea_stands_on_a_shore():
    alone = pixels(step("waves", setting="the sea"))
    with_girl = pixels(step("waves", setting="the beach", characters=[char("g", "G", "a girl")]))
    assert near(with_girl[int(H * 0.9) :], SAND, 30).mean() > 0.3
    assert not near(alone[int(H * 0.9) :], SAND, 30).any()
