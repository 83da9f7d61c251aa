"""Lines written for the idea: in its language where a voice speaks it, English (and said
so) for Japanese and Chinese, never twice in a plan, paced, clear of the title and end
cards, and two speakers when the idea has two characters."""

from __future__ import annotations

import random
import re

import pytest

from sparkle_motion.offline_planner.dialogue import Slots, write_line
from sparkle_motion.offline_planner.story import TITLE_CARD_S, WORDS_PER_S, write_plan


def lines(plan):
    return [(line, shot) for shot in plan["shots"] for line in shot["dialogue"]]


def test_a_line_uses_the_ideas_own_words_and_is_not_repeated():
    slots = Slots(prop="the kite", place="the beach", act="fly a kite", weather=None)
    used: set[str] = set()
    rng = random.Random(0)
    said = [write_line("climax", "open", "en", slots, "Mila", "day", rng, used) for _ in range(6)]
    written = [s for s in said if s]
    assert len(written) == len(set(written)) >= 3
    assert all(re.search(r"Mila|kite|beach", s) for s in written)
    assert said[-1] is None or len(used) == len(written)  # the templates run out, never repeat


def test_no_act_said_to_the_one_it_is_about():
    plan = write_plan("a lighthouse keeper befriends a whale", 3)
    whale = next(c["id"] for c in plan["characters"] if c["name"] == "Whale")
    for line, _ in lines(plan):
        if line["character"] != whale:
            assert "befriend a whale, Whale" not in line["text"]


@pytest.mark.parametrize(
    ("idea", "language", "line_language"),
    [
        ("Una niña y su perro buscan conchas en la playa", "es", "es"),
        ("Le vieux pêcheur et son chat attendent sur le port", "fr", "fr"),
        ("Zwei Kinder bauen ein Boot am See", "de", "de"),
        ("桜の木の下で、二人の子供が凧を揚げている", "ja", "en"),
        ("老渔夫和他的孙女在海边看日出", "zh", "en"),
    ],
)
def test_lines_are_in_the_ideas_language_or_english_said_plainly(idea, language, line_language):
    plan = write_plan(idea, 0)
    assert plan["language"] == language
    assert {line["language_id"] for line, _ in lines(plan)} == {line_language}
    if line_language != language:
        assert "English" in plan["metadata"]["language_note"]
        assert "English" in plan["description"]


@pytest.mark.parametrize(
    "idea",
    [
        "Two old friends, Marta and Leo, argue over a chess game in a Paris cafe at night",
        "a lighthouse keeper befriends a whale",
        "Three friends camp on a beach and watch the stars",
        "Una niña y su perro buscan conchas en la playa al atardecer",
    ],
)
def test_two_or_more_speakers_and_the_whale_speaks(idea):
    plan = write_plan(idea, 1)
    speakers = {line["character"] for line, _ in lines(plan)}
    assert len(speakers) >= 2 and speakers == {c["id"] for c in plan["characters"]}


@pytest.mark.parametrize("seed", range(4))
def test_paced_and_clear_of_the_cards(seed):
    plan = write_plan("A boy teaches his little sister to ride a bike in the park", seed)
    total = sum(s["duration_s"] for s in plan["shots"])
    offset = 0.0
    for shot in plan["shots"]:
        for line in shot["dialogue"]:
            words = len(re.findall(r"[\w']+", line["text"]))
            start = offset + line["start_s"]
            assert start >= TITLE_CARD_S
            assert start + words / WORDS_PER_S <= total - TITLE_CARD_S
            assert line["start_s"] + words / WORDS_PER_S <= shot["duration_s"]
        offset += shot["duration_s"]
    texts = [line["text"] for line, _ in lines(plan)]
    assert len(texts) == len(set(texts))
