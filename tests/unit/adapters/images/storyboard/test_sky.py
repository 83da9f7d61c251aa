"""The sky by time of day: night is dark with a bright moon and stars; day is bright
with the sun; the mood tints it."""

from __future__ import annotations

import numpy as np

from sparkle_motion.adapters.images.storyboard.sky import MOON, STAR, palette

from .frames import H, near, pixels, step


def test_night_has_a_dark_sky_a_bright_moon_and_stars():
    night = pixels(step("a walk", setting="a field", time="night"))
    sky = night[: int(H * 0.45)]
    moon = near(sky, MOON, 3)
    assert moon.sum() > 30 and np.median(sky.sum(axis=2)) < 200
    assert near(sky, STAR, 3).sum() > 10
    day = pixels(step("a walk", setting="a field", time="day"))
    assert not near(day, MOON, 3).any() and np.median(day[: int(H * 0.45)].sum(axis=2)) > 450


def test_a_city_at_night_has_lit_windows():
    night = pixels(step("a walk", setting="a city street", time="night"))
    day = pixels(step("a walk", setting="a city street", time="day"))
    assert near(night, (255, 214, 130), 3).sum() > 3 * max(1, near(day, (255, 214, 130), 3).sum())


def test_the_mood_tints_the_sky():
    assert palette("day", "a tense standoff") != palette("day", None)
    assert palette("day", "calm") != palette("day", "tense")
