from __future__ import annotations

import pytest

from sparkle_motion.offline_planner.idea import read_idea


@pytest.mark.parametrize(
    ("text", "characters", "verb", "setting_word"),
    [
        (
            "a lighthouse keeper befriends a whale",
            ["lighthouse keeper", "whale"],
            "befriends",
            "lighthouse",
        ),
        ("a robot in the desert learns to paint", ["robot"], "learns", "desert"),
        ("astronaut finds garden on mars", ["astronaut"], "finds", "Mars"),
        (
            "The old baker and her cat open a midnight bakery",
            ["old baker", "cat"],
            "open",
            "bakery",
        ),
        (
            "a detective chases a thief through the subway",
            ["detective", "thief"],
            "chases",
            "subway",
        ),
        ("Two sisters race a storm across the prairie", ["sisters"], "race", "prairie"),
    ],
)
def test_reads_cast_action_and_place(text, characters, verb, setting_word):
    idea = read_idea(text)
    assert idea.characters == characters
    assert idea.verb == verb
    assert setting_word in idea.setting


def test_props_and_mood():
    idea = read_idea("The old baker and her cat open a midnight bakery.")
    assert idea.props == ["midnight bakery"] and idea.action == "open a midnight bakery"
    assert read_idea("a detective chases a thief").mood == "tense"
    assert read_idea("a lighthouse keeper befriends a whale").mood == "warm"


def test_an_idea_with_no_one_in_it_gets_a_protagonist():
    idea = read_idea("rain")
    assert idea.invented_protagonist and idea.characters == ["wanderer"] and idea.props == ["rain"]
