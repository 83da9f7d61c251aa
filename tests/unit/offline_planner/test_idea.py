"""read_idea: the cast (names, how many, kinds), the place, time, weather, action and props
of an idea, in English and in Spanish, French, German, Japanese and Chinese."""

from __future__ import annotations

import pytest

from sparkle_motion.offline_planner.idea import read_idea


def cast(text: str) -> list[tuple[str, str]]:
    return [(b.name, b.concept) for b in read_idea(text).beings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a lighthouse keeper befriends a whale", [("", "keeper"), ("", "whale")]),
        (
            "Two old friends, Marta and Leo, argue over a chess game",
            [("Marta", "friend"), ("Leo", "friend")],
        ),
        ("Three sisters bake a cake", [("", "sister")] * 3),
        ("Hugo the baker burns the bread", [("Hugo", "baker")]),
        ("Captain Ruiz steers her ship", [("Captain Ruiz", "captain")]),
        ("Old Mr. Tanaka waters his garden", [("Mr. Tanaka", "person")]),
        ("A robot gardener grows a flower", [("", "gardener")]),
        ("An owl and a mouse become unlikely friends", [("", "owl"), ("", "mouse")]),
        ("a driver named Walter drives home, as he did when he was a boy", [("Walter", "driver")]),
        (
            "Kai, Ben and Sofia build a raft",
            [("Kai", "person"), ("Ben", "person"), ("Sofia", "person")],
        ),
        ("Una niña y su perro buscan conchas", [("", "girl"), ("", "dog")]),
        ("Mi abuela y yo hacemos pan", [("", "grandmother"), ("", "narrator")]),
        ("Deux enfants construisent un bonhomme de neige", [("", "child")] * 2),
        ("Oma Hilde backt Kuchen", [("Oma Hilde", "grandmother")]),
        ("Zwei Kinder bauen ein Boot im Wald", [("", "child")] * 2),
        ("二人の子供が凧を揚げている", [("", "child")] * 2),
        ("Storm", []),
        ("The clock ate my Tuesday", []),
    ],
)
def test_the_cast(text, expected):
    assert cast(text) == expected


def test_genders_from_words_names_and_pronouns():
    idea = read_idea("A whale sings to her calf while Leo and a stranger watch his boat")
    genders = {b.concept if not b.name else b.name: b.gender for b in idea.beings}
    assert genders["whale"] == "f" and genders["Leo"] == "m"
    assert read_idea("A clockmaker repairs his clock").beings[0].gender == "m"


@pytest.mark.parametrize(
    ("text", "language", "place", "time", "weather"),
    [
        ("Two friends argue in a Paris cafe at night", "en", "cafe", "night", None),
        ("A winter night in the forest", "en", "forest", "night", "snow"),
        ("A dog waits every evening at the train station", "en", "station", "dusk", None),
        ("Midnight on the rooftops of Tokyo", "en", "rooftop", "night", None),
        ("A man chases his umbrella down the windy street", "en", "street", None, "wind"),
        ("Una niña juega en la playa al atardecer", "es", "beach", "dusk", None),
        ("Un chat dort sur le toit pendant un orage", "fr", "rooftop", None, "storm"),
        ("Ein Fuchs schleicht nachts durch die verschneite Stadt", "de", "city", "night", "snow"),
        ("一只小猫在雨夜里等待", "zh", "", "night", "rain"),
    ],
)
def test_place_time_weather_and_language(text, language, place, time, weather):
    idea = read_idea(text)
    assert idea.language == language
    assert idea.scene.place_head == place
    assert idea.scene.time == time
    assert idea.scene.weather == weather


@pytest.mark.parametrize(
    ("text", "verb", "act", "props"),
    [
        (
            "Two friends argue over a chess game in a cafe",
            "argue",
            "argue over a chess game",
            ["chess game"],
        ),
        ("A girl flies a kite on the beach", "fly", "fly a kite", ["kite"]),
        ("A little fish is afraid to leave the coral reef", "leave", "leave the coral reef", []),
        ("Two brothers race toy boats down a stream", "race", "race toy boats", ["toy boats"]),
        (
            "Dos hermanos construyen un castillo de arena en la playa",
            "build",
            "build the sand castle",
            ["sand castle"],
        ),
        (
            "Un vieux libraire range ses livres pendant un orage",
            "tidy",
            "tidy the books",
            ["books"],
        ),
    ],
)
def test_action_and_props(text, verb, act, props):
    scene = read_idea(text).scene
    assert (scene.verb, scene.act, scene.props) == (verb, act, props)


def test_a_question_and_a_dummy_subject_still_find_the_action():
    assert read_idea("What if the moon fell into the sea?").scene.subject == "the moon"
    idea = read_idea("It is the night before the play and Rosa cannot remember her lines")
    assert idea.scene.verb == "remember" and "lines" in idea.scene.predicate


def test_long_ideas_are_cut_to_a_premise():
    idea = read_idea("A girl flies a kite. " * 40)
    assert len(idea.text) <= 300


def test_the_rest_of_the_sentence_and_both_places_of_a_journey():
    scene = read_idea("Fog rolls over the harbour as the fishing boats come home").scene
    assert scene.predicate == "rolls over the harbour"
    assert scene.more == "as the fishing boats come home"
    journey = read_idea("A cyclist races from the bakery to the old lighthouse").scene
    assert journey.place == "the bakery and the old lighthouse"


def test_a_place_in_a_relative_clause_after_the_main_verb_is_not_the_setting():
    # "ships" is where the whale works, not where the story happens: the keeper's
    # lighthouse is
    idea = read_idea(
        "A lonely lighthouse keeper befriends a whale who guides ships through the fog"
    )
    assert idea.scene.place_head == "lighthouse"
    assert read_idea("A boy meets a fox who lives in the forest").scene.place_head == "forest"


@pytest.mark.parametrize(
    ("text", "concept"),
    [("A plumber fixes a leak", "plumber"), ("Two florists compete at the fair", "florist")],
)
def test_someone_named_by_their_work_is_a_character(text, concept):
    assert {b.concept for b in read_idea(text).beings} == {concept}


def test_unknown_words_are_kept_as_written_not_dropped():
    scene = read_idea("Le petit Jules regarde le métro avec sa mère").scene
    assert scene.place == "the subway" or "métro" in scene.place
    unknown = read_idea("Kai tinkers with an old radio").scene
    assert unknown.predicate.startswith("tinkers with")
    spanish = read_idea("Mi abuela y yo hacemos tortillas en su cocina").scene
    assert spanish.props == ["tortillas"] and spanish.place_head == "kitchen"


def test_fang_flies_only_a_kite():
    from sparkle_motion.offline_planner.cjk import concepts

    assert concepts("两个孩子在公园里放风筝") == (["child", "park", "kite"], ["fly"])
    assert "fly" not in concepts("孩子们放学回家")[1]  # 放学: school is out
    assert "fly" not in concepts("她把书放在桌子上")[1]  # 放在: puts down


def test_a_second_one_of_a_kind_is_another_character_the_same_one_is_not():
    assert len(read_idea("An old owl teaches a young owl to fly").beings) == 2
    assert len(read_idea("A cat chases a mouse and the cat falls").beings) == 2  # cat, mouse
