"""More animals and creatures: the words that name them, sizes beside a person (a small
hero drawn bigger than life, never bigger than a person), flyers in the air."""

from __future__ import annotations

import pytest

from sparkle_motion.adapters.images.storyboard.beasts import BEASTS, LIFE_SIZES, SIZES
from sparkle_motion.adapters.images.storyboard.canvas import character_colour
from sparkle_motion.adapters.images.storyboard.reading import kind_of

from .frames import H, box, changed, char, near, pixels, step


@pytest.mark.parametrize(
    ("appearance", "kind"),
    [
        ("a stubborn goat", "goat"),
        ("a little lamb", "sheep"),
        ("two grey wolves", "wolf"),
        ("a friendly ghost", "ghost"),
        ("a green alien", "alien"),
        ("a shy bunny", "rabbit"),
        ("a wise old tortoise", "turtle"),
        ("a honey bee", "bee"),
        ("a circus elephant", "elephant"),
        ("a penguin", "penguin" if "penguin" in SIZES else "bird"),
    ],
)
def test_words_name_the_kind(appearance, kind):
    assert kind_of("Pat", appearance) == kind


def _alone(kind: str):
    return pixels(
        step("a field", characters=[char("it", "It", f"a {kind}")]), width=640, height=360
    )


def test_sizes_beside_a_person_and_small_heroes_drawn_bigger_than_life():
    for kind, (life, _) in LIFE_SIZES.items():
        drawn = SIZES[kind][0]
        assert life <= drawn <= max(life, 0.26) + 1e-9 and drawn < 1.3, kind
    elephant = _alone("elephant")
    mouse = _alone("mouse")
    sky = (90, 150, 220)  # the day sky's top: the frame outside the animal
    grown = ~near(elephant, sky, 30) & changed(
        elephant, pixels(step("a field"), width=640, height=360)
    )
    small = changed(mouse, pixels(step("a field"), width=640, height=360))
    assert grown.sum() > 10 * small.sum() > 0


@pytest.mark.parametrize("kind", ["bee", "butterfly"])
def test_flyers_are_in_the_air(kind):
    img = pixels(step("a field", characters=[char("it", "It", f"a {kind}")]))
    _, bottom, _, _ = box(changed(img, pixels(step("a field"))))  # it and its name
    assert bottom < H * 0.5, kind


def test_every_beast_wears_the_characters_colour():
    for kind in BEASTS:
        img = pixels(step("a field", characters=[char("pal", "Pal", f"a {kind}")]))
        assert near(img, character_colour("pal"), 2).sum() > 3, kind
