"""What a frame shows, read from its step's words."""

from __future__ import annotations

from sparkle_motion.adapters.images.storyboard.reading import kind_of, read

from .frames import char, step

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


def test_a_paper_boat_is_its_own_prop_and_a_boat_on_a_street_brings_no_sea():
    from sparkle_motion.adapters.images.storyboard.scene import read

    from .frames import step

    r = read(step("a girl holding a paper boat", setting="a wet city street"))
    assert r.props == ("paper_boat",) and "sea" not in r.land
    assert "sea" in read(step("a boat")).land


def test_rooms_by_other_names_and_a_calf_is_not_a_cow():
    for place in ("the empty museum", "an old barn", "the theatre"):
        assert read(step("footsteps", setting=place)).interior == "room", place
    assert kind_of("Calf", "her newborn calf") == "person"  # unsure: not drawn as a cow
    assert kind_of("Calf", "a baby whale, her calf") == "whale"
