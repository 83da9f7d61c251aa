"""A named prop changes the frame where it belongs: the kite in the sky, the chessboard
between two players, the boat on the water, the umbrella over a head..."""

from __future__ import annotations

import numpy as np
import pytest

from .frames import H, box, changed, char, near, pixels, step

PAIR = [char("ana", "Ana", "a woman"), char("ben", "Ben", "a man")]
ONE = [char("ben", "Ben", "a man")]


def _with_and_without(prop: str, chars=ONE, setting="a meadow", time="day"):
    a = pixels(
        step(f"{prop} here", setting=setting, characters=chars, speaker=chars[0].id, time=time)
    )
    b = pixels(step("here", setting=setting, characters=chars, speaker=chars[0].id, time=time))
    return a, changed(a, b)


@pytest.mark.parametrize(
    ("prop", "band"),  # the prop's box lies inside this band of rows (fractions of height)
    [
        ("a kite", (0.0, 0.75)),
        ("a bike", (0.5, 1.0)),
        ("a car", (0.45, 1.0)),
        ("a door", (0.0, 0.95)),
        ("an umbrella", (0.1, 0.6)),
        ("a guitar", (0.3, 0.9)),
        ("a book", (0.3, 0.9)),
        ("a lantern", (0.3, 0.95)),
        ("a ball", (0.7, 1.0)),
        ("a table", (0.25, 1.0)),  # with the one who sits at it
        ("a piano", (0.3, 0.95)),
    ],
)
def test_a_named_prop_is_drawn_where_it_belongs(prop, band):
    _, diff = _with_and_without(prop)
    assert diff.mean() > 0.001, prop
    top, bottom, _, _ = box(diff)
    assert band[0] * H <= top and bottom <= band[1] * H, (prop, top / H, bottom / H)


def test_a_door_stands_on_the_ground_behind_someone():
    for setting in ("a meadow", "a quiet room"):
        img, _ = _with_and_without("a door", setting=setting)
        top, bottom, _, _ = box(near(img, (110, 60, 40), 2))
        assert bottom - top > H * 0.15 and bottom < H * 0.8, setting


def test_a_kite_flies_high_on_a_string_to_the_hand():
    img, diff = _with_and_without("a kite")
    assert near(img[: int(H * 0.35)], (230, 60, 80), 3).any()  # the kite, high in the sky
    rows = np.nonzero(diff.any(axis=1))[0]
    assert rows.min() < H * 0.2 and rows.max() > H * 0.45  # the string comes down to a hand
