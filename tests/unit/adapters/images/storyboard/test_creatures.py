"""Creatures are drawn as their kind: each kind gives a different frame, in its own
colours and shape (a whale long and low in the water, an orange fox, a black crow...)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sparkle_motion.adapters.images.storyboard.creatures import BIRD_COLOURS, SIZE

from .frames import H, box, changed, char, near, pixels, step

KINDS = sorted(SIZE)


def _one(kind: str, setting: str = "a meadow") -> np.ndarray:
    return pixels(step("a moment", setting=setting, characters=[char("it", "It", f"a {kind}")]))


def test_every_kind_draws_a_different_frame():
    frames = {k: _one(k) for k in KINDS}
    for a, b in itertools.combinations(KINDS, 2):
        # tiny ones (a snail, a bee) cover a few hundred pixels of this 384x216 frame
        assert changed(frames[a], frames[b]).sum() > 60, (a, b)


def test_a_person_is_not_drawn_like_any_creature():
    person = pixels(step("a moment", setting="a meadow", characters=[char("it", "It", "a man")]))
    for kind in KINDS:
        assert changed(person, _one(kind)).mean() > 0.003, kind


@pytest.mark.parametrize(
    ("kind", "colour", "min_share"),
    [
        ("fox", (222, 110, 36), 0.004),
        ("crow", BIRD_COLOURS["crow"][0], 0.0008),
        ("owl", BIRD_COLOURS["owl"][0], 0.0008),
        ("parrot", BIRD_COLOURS["parrot"][0], 0.0008),
        ("horse", (130, 80, 45), 0.01),
        ("robot", (172, 178, 190), 0.01),
        ("cat", (112, 112, 124), 0.002),
        ("dog", (150, 100, 55), 0.004),
    ],
)
def test_a_kind_wears_its_own_colours(kind, colour, min_share):
    assert near(_one(kind), colour, 3).mean() > min_share


def test_a_whale_lies_long_and_low_in_the_water_and_is_bigger_than_a_cat():
    img = _one("whale", "the open sea")
    top, bottom, left, right = box(near(img, (64, 84, 112), 3))
    assert right - left > 2.2 * (bottom - top)  # horizontal, not an upright pill
    assert top > H * 0.45  # it surfaces, it does not stand in the sky
    cat = box(near(_one("cat"), (112, 112, 124), 3))
    assert (right - left) > 3 * (cat[3] - cat[2])


def test_a_dragon_flies_with_wings_above_its_body():
    img = _one("dragon", "over the hills")
    drawn = changed(img, _one("nothing at all, just hills", "over the hills"))
    top, bottom, _, _ = box(drawn[: int(H * 0.6)])
    assert top < H * 0.2 and bottom - top > H * 0.2


def test_a_bird_with_someone_on_the_ground_perches_and_alone_it_flies():
    perched = pixels(
        step(
            "in the wood", characters=[char("fox", "Fox", "a fox"), char("crow", "Crow", "a crow")]
        )
    )
    crow = box(near(perched, BIRD_COLOURS["crow"][0], 3))
    assert H * 0.3 < crow[1] < H * 0.56  # on the branch at mid height
    flying = box(near(_one("crow"), BIRD_COLOURS["crow"][0], 3))
    assert flying[1] < H * 0.4


def test_a_coat_named_in_the_appearance_colours_the_animal():
    from sparkle_motion.adapters.images.storyboard.creatures import COAT_RGB

    for kind in ("cat", "dog", "horse", "bear", "goat"):
        plain = _one(kind)
        black = pixels(
            step("a moment", setting="a meadow", characters=[char("it", "It", f"a black {kind}")])
        )
        assert (
            near(black, COAT_RGB["black"], 2).sum() > near(plain, COAT_RGB["black"], 2).sum() + 20
        ), kind
