"""What a frame shows (`read`) and how it is composed: determinism, the speaker nearer,
no text but names, and names clear of the subtitles' band and the cropped margins."""

from __future__ import annotations

import numpy as np
import pytest

from sparkle_motion.adapters.images.procedural import draw_keyframe
from sparkle_motion.adapters.images.storyboard.canvas import character_colour, mix
from sparkle_motion.adapters.images.storyboard.scene import TEXT_MARGIN, kind_of, read

from .frames import H, W, box, changed, char, near, pixels, step

PAIR = [char("ana", "Ana", "a woman"), char("ben", "Ben", "a man")]


def test_kind_of_a_character():
    assert kind_of("Moby", "a huge humpback whale") == "whale"
    assert kind_of("Crow", None) == "crow"
    assert kind_of("Mia", "a girl who loves whales") == "person"
    assert kind_of("Leo", "an old man with a hat") == "person"
    assert kind_of("Bolt", "a friendly little robot") == "robot"


def test_read_finds_room_land_time_props_and_unnamed_creatures():
    r = read(
        step(
            "two friends argue over chess, a whale painted on the wall",
            setting="a Paris cafe",
            time="night",
            characters=PAIR,
        )
    )
    assert r.interior == "cafe" and "city" in r.land and r.time == "night"
    assert r.props == ("chess",)  # chess brings its own table
    assert [c.kind for c in r.cast] == ["person", "person"] and r.extras == ()  # no whale inside
    r = read(step("a whale and a cat by the sea", characters=PAIR))
    assert [c.kind for c in r.cast] == ["person", "person", "whale", "cat"]
    assert read(step("a whale and a cat", setting="the kitchen")).extras == ("cat",)
    assert read(step("a boat on the waves")).land >= {"sea"}  # a boat needs water
    assert read(step("a storm, rain and fog")).weather == frozenset({"storm", "rain", "fog"})
    assert read(step("under the moon", time=None)).time == "night"
    # the setting says where we are; the prompt's room words count only without a place
    assert read(step("she walks home", setting="the forest")).interior is None
    assert read(step("she is at home")).interior == "room"


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


def test_a_name_is_pulled_up_and_in_when_its_figure_is_low_or_at_an_edge():
    import random

    from PIL import Image, ImageDraw

    from sparkle_motion.adapters.images.storyboard.canvas import Canvas, Drawn
    from sparkle_motion.adapters.images.storyboard.scene import Cast, Placed, _label

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


def test_a_rider_sits_on_the_horse_or_the_bike_they_ride():
    knight = [char("hugo", "Hugo", "a knight"), char("star", "Star", "a brown horse")]
    rides = pixels(step("Hugo rides his horse", characters=knight, speaker="hugo"))
    beside = pixels(step("Hugo and his horse", characters=knight, speaker="hugo"))
    hugo = character_colour("hugo")
    horse = box(near(rides, (130, 80, 45), 2))
    on, off = box(near(rides, hugo, 2)), box(near(beside, hugo, 2))
    assert on[1] < horse[1] and on[0] < off[0]  # above the horse's feet, higher than standing
    assert horse[2] <= (on[2] + on[3]) / 2 <= horse[3]  # over the horse
    ben = [char("ben", "Ben", "a boy")]
    cycling = pixels(step("Ben rides a bike", characters=ben, speaker="ben"))
    frame = box(near(cycling, (200, 40, 50), 2))
    body = box(near(cycling, character_colour("ben"), 2))
    assert frame[2] <= (body[2] + body[3]) / 2 <= frame[3]
