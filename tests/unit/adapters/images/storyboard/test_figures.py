"""People: a build and features read from their words, else from their id; a child is
drawn shorter, an old person with a stick, a feature changes the silhouette."""

from __future__ import annotations

from sparkle_motion.adapters.images.storyboard.canvas import character_colour
from sparkle_motion.adapters.images.storyboard.figures import look_of

from .frames import box, changed, char, near, pixels, step


def test_look_reads_build_and_features_from_words():
    old = look_of("ada", "Ada, an old keeper with a grey braid and a scarf")
    assert old.build == "old" and {"scarf", "long_hair"} <= old.features
    kid = look_of("ben", "Ben, a little boy in a red cap")
    assert kid.build == "child" and "hat" in kid.features and not kid.female
    queen = look_of("q", "the queen")
    assert "crown" in queen.features and queen.female
    assert look_of("x", "someone").features  # an id always picks one feature
    assert look_of("x", "someone") == look_of("x", "someone")


def test_a_child_is_shorter_than_an_adult():
    def height(appearance: str) -> int:
        img = pixels(
            step("a meadow", characters=[char("p", "P", appearance)]), width=640, height=360
        )
        top, bottom, _, _ = box(near(img, character_colour("p"), 2))
        return bottom - top

    assert height("a small boy") < 0.8 * height("a tall man")


def test_features_change_the_silhouette():
    plain = pixels(step("a meadow", characters=[char("p", "P", "a man with glasses")]))
    for feature in ("a hat", "a scarf", "a crown", "a beard", "long curly hair"):
        other = pixels(
            step("a meadow", characters=[char("p", "P", f"a man with glasses and {feature}")])
        )
        assert changed(plain, other).any(), feature
    old = pixels(step("a meadow", characters=[char("p", "P", "an old man with glasses")]))
    stick = (110, 75, 40)
    assert near(old, stick, 2).any() and not near(plain, stick, 2).any()


def test_the_colour_the_appearance_names_is_worn():
    """The plan says "in teal" and "a red scarf": the drawing shows them (the colour an id
    picks only when the words name none)."""
    from sparkle_motion.adapters.images.storyboard.canvas import NAMED_COLOURS, named_colour

    assert named_colour("a girl with a long grey coat, in teal") == NAMED_COLOURS["teal"]
    assert named_colour("a man in a green coat") == NAMED_COLOURS["green"]
    assert named_colour("a little boy in a red cap") is None  # the cap is red, not the boy
    assert look_of("ben", "a little boy in a red cap").hat == NAMED_COLOURS["red"]
    words = "a grandfather with a red scarf and wild hair, in yellow"
    assert character_colour("ike", words) == NAMED_COLOURS["yellow"]
    assert character_colour("ike") != NAMED_COLOURS["yellow"]  # the id alone picks another
    img = pixels(step("a meadow", characters=[char("ike", "Ike", words)]), width=640, height=360)
    assert near(img, NAMED_COLOURS["yellow"], 2).sum() > 200  # the coat
    assert near(img, NAMED_COLOURS["red"], 2).sum() > 20  # the scarf
