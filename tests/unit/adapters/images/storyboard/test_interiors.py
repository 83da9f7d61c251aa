"""Rooms: each kind of room is its own frame; a window shows the time of day outside;
lamps are lit after dark."""

from __future__ import annotations

import itertools

from sparkle_motion.adapters.images.storyboard.canvas import WARM_LIGHT
from sparkle_motion.adapters.images.storyboard.interiors import WALLS
from sparkle_motion.adapters.images.storyboard.sky import MOON

from .frames import H, changed, near, pixels, step

ROOMS = {
    "cafe": "a cafe",
    "kitchen": "the kitchen",
    "library": "the library",
    "shop": "a little shop",
    "classroom": "a classroom",
    "room": "her room",
}


def test_every_room_is_drawn_differently_and_not_like_outdoors():
    frames = {k: pixels(step("inside", setting=s, time="day")) for k, s in ROOMS.items()}
    outdoors = pixels(step("a walk", setting="a field", time="day"))
    for a, b in itertools.combinations(frames, 2):
        assert changed(frames[a], frames[b]).mean() > 0.2, (a, b)
    for k, frame in frames.items():
        assert changed(frame, outdoors).mean() > 0.5, k
    assert set(ROOMS) == set(WALLS)


def test_a_cafe_at_night_has_a_moon_in_its_window_and_lit_lamps():
    night = pixels(step("friends talk", setting="a cafe", time="night"))
    day = pixels(step("friends talk", setting="a cafe", time="day"))
    wall = slice(0, int(H * 0.55))
    assert near(night[wall], MOON, 3).any() and not near(day[wall], MOON, 3).any()
    assert near(night, WARM_LIGHT, 3).sum() > near(day, WARM_LIGHT, 3).sum()
    assert near(day[wall], (90, 150, 220), 40).any()  # a blue day sky through the window
