"""What a frame shows (`read`) and how it is composed: determinism, the speaker nearer,
no text but names, and names clear of the subtitles' band and the cropped margins."""

from __future__ import annotations

import numpy as np
import pytest

from sparkle_motion.adapters.images.procedural import draw_keyframe
from sparkle_motion.adapters.images.storyboard.scene import TEXT_MARGIN

from .frames import H, W, changed, char, pixels, step

PAIR = [char("ana", "Ana", "a woman"), char("ben", "Ben", "a man")]


def test_same_step_same_bytes_and_seeds_and_keyframes_differ():
    s = step("a fox in a forest", characters=[char("fox", "Fox", "a red fox")])
    assert draw_keyframe(s, W, H, 5) == draw_keyframe(s, W, H, 5)
    assert draw_keyframe(s, W, H, 5) != draw_keyframe(s, W, H, 6)


def test_no_caption_and_no_keyframe_label_are_drawn():
    a = step("a fox in a forest", caption="", keyframe=1)
    b = step("a fox in a forest", caption="THE FOX BEGINS", keyframe=1)
    assert b.scene is not None
    b = b.model_copy(update={"scene": b.scene.model_copy(update={"shot_id": "s9-other"})})
    assert draw_keyframe(a, W, H, 2) == draw_keyframe(b, W, H, 2)


def test_names_stay_out_of_the_subtitle_band_and_the_margins():
    assert TEXT_MARGIN >= 0.06
    for chars in (
        PAIR,
        [char("cat", "Tom", "a grey cat"), char("kid", "Lu", "a little girl")],
        [char("a", "A"), char("b", "B"), char("c", "C")],
    ):
        for keyframe in (0, 1, 3):  # wide, medium and close
            short = pixels(step("a park", characters=chars, keyframe=keyframe, speaker="kid"))
            longer = [c.model_copy(update={"name": c.name + " Bartholomew-Smythe"}) for c in chars]
            long_ = pixels(step("a park", characters=longer, keyframe=keyframe, speaker="kid"))
            diff = changed(short, long_)
            assert diff.any()  # the names are drawn
            assert not diff[int(H * 0.75) :].any()  # never in the bottom quarter
            mx, my = int(W * TEXT_MARGIN), int(H * TEXT_MARGIN)
            assert not diff[:my].any() and not diff[:, :mx].any() and not diff[:, W - mx :].any()


def test_a_name_is_pulled_up_and_in_when_its_figure_is_low_or_at_an_edge():
    import random

    from PIL import Image, ImageDraw

    from sparkle_motion.adapters.images.storyboard.canvas import Canvas, Drawn
    from sparkle_motion.adapters.images.storyboard.framing import Placed
    from sparkle_motion.adapters.images.storyboard.reading import Cast
    from sparkle_motion.adapters.images.storyboard.scene import _label

    for top in ((0.0, H * 0.98), (W * 1.0, H * 0.9), (W * 0.5, 0.0)):
        image = Image.new("RGB", (W, H))
        c = Canvas(ImageDraw.Draw(image), W, H, random.Random(0))
        drawn = Drawn(top=top, hand=top, feet=top, box=(0, 0, 1, 1))
        who = Placed(Cast(kind="cat", id="tom", name="Tom the Cat"), 0, 0, 10, 1, False, drawn)
        _label(c, who)
        lit = np.asarray(image).sum(axis=2) > 0
        mx, my = int(W * TEXT_MARGIN), int(H * TEXT_MARGIN)
        assert lit.any() and not lit[int(H * 0.75) :].any(), top
        assert not lit[:my].any() and not lit[:, :mx].any() and not lit[:, W - mx :].any(), top


def test_someone_a_close_shot_leaves_out_has_no_name_on_screen():
    def frame(ben_name: str, keyframe: int) -> bytes:
        chars = [PAIR[0], PAIR[1].model_copy(update={"name": ben_name})]
        return draw_keyframe(
            step("a meadow", characters=chars, speaker="ana", keyframe=keyframe), W, H, 4
        )

    assert frame("Ben", 3) == frame("Benedict", 3)  # close on Ana: Ben is off screen
    assert frame("Ben", 1) != frame("Benedict", 1)  # the medium two-shot holds them both


@pytest.mark.parametrize("size", [(16, 16), (64, 36), (100, 400), (1000, 90)])
def test_any_frame_shape_draws_every_kind_of_thing(size):
    import io

    from PIL import Image

    from sparkle_motion.adapters.images.storyboard import words

    tables = (words.CREATURES, words.PROPS, words.WEATHER, words.EXTERIORS)
    prompt = " ".join(ws[0] for t in tables for ws in t.values())
    chars = [char("a", "Ana", "an old queen with a scarf"), char("b", "Rex", "a dog")]
    for setting in ("a kitchen", "a cafe", "a city by the sea", None):
        for keyframe in (0, 1, 3):
            s = step(prompt, setting=setting, characters=chars, speaker="a", keyframe=keyframe)
            png = draw_keyframe(s, size[0], size[1], 1)
            assert Image.open(io.BytesIO(png)).size == size
