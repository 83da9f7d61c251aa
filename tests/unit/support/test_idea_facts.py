"""The idea corpus is well formed and the fact checker passes and fails the right plans."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.support import idea_facts
from tests.support.idea_facts import IdeaCorpusError, check_plan, has_stem, load, plan_stats


def chess_plan() -> dict[str, Any]:
    """A small plan that keeps every fact of the chess cafe idea."""
    return {
        "id": "p",
        "title": "Checkmate at Midnight",
        "description": "Two old friends, Marta and Leo, argue over a chess game in a Paris cafe",
        "language": "en",
        "characters": [
            {"id": "marta", "name": "Marta", "appearance": "a woman in a grey coat"},
            {"id": "leo", "name": "Léo Dubois", "appearance": "a man with a beret"},
            {"id": "waiter", "name": "Waiter", "appearance": "a tired waiter"},
        ],
        "shots": [
            {
                "id": "s1",
                "description": "Marta moves a knight across the chessboard.",
                "setting": "a small Paris café",
                "time_of_day": "night",
                "characters": ["marta", "leo"],
                "dialogue": [{"character": "marta", "text": "Your bishop is lost."}],
            },
            {
                "id": "s2",
                "description": "Leo slams the table; they are arguing now.",
                "setting": "the street outside",
                "time_of_day": "night",
                "characters": ["leo"],
                "dialogue": [{"character": "leo", "text": "Never!"}],
            },
        ],
        "base_images": [
            {"prompt": "two old friends over a chess board in a cafe at night"},
            {"prompt": "a man slamming a table"},
            {"prompt": "a night street"},
        ],
    }


CHESS_FACTS = {
    "names": ["Marta", "Léo"],
    "count": 2,
    "time": ["night"],
    "setting": ["cafe", "café", "paris"],
    "action": ["chess", "argu"],
    "language": "en",
}


def test_a_plan_that_keeps_every_fact_passes_all() -> None:
    assert check_plan(chess_plan(), CHESS_FACTS) == dict.fromkeys(CHESS_FACTS, True)


def test_only_the_stated_fact_kinds_are_checked() -> None:
    assert check_plan(chess_plan(), {"time": ["night"]}) == {"time": True}
    with pytest.raises(IdeaCorpusError, match="unknown kind"):
        check_plan(chess_plan(), {"mood": ["sad"]})


def test_the_idea_copied_into_title_or_description_counts_for_nothing() -> None:
    plan = chess_plan()
    plan["base_images"][0]["prompt"] = "two people at a table"
    plan["shots"][0]["description"] = "Marta moves a piece."
    plan["shots"][1]["description"] = "Leo slams the table."
    plan["metadata"] = {"idea": "argue over a chess game"}
    result = check_plan(plan, CHESS_FACTS)
    assert result["action"] is False


def test_a_name_must_be_an_on_screen_character() -> None:
    plan = chess_plan()
    plan["shots"][0]["characters"] = ["marta"]
    plan["shots"][1]["characters"] = []
    plan["shots"][1]["dialogue"] = []
    assert check_plan(plan, CHESS_FACTS)["names"] is False  # Léo declared but never seen
    plan = chess_plan()
    plan["characters"][1]["name"] = "Leonard"  # a longer word is not the name
    assert check_plan(plan, {"names": ["Leo"]}) == {"names": False}


def test_names_keep_their_accents_and_ignore_case() -> None:
    assert check_plan(chess_plan(), {"names": ["marta", "LÉO"]}) == {"names": True}
    assert check_plan(chess_plan(), {"names": ["Leo"]}) == {"names": False}


def test_a_speaker_who_is_in_no_shot_still_counts() -> None:
    plan = chess_plan()
    plan["shots"][0]["characters"] = ["marta"]
    plan["shots"][1]["characters"] = []
    assert check_plan(plan, {"count": 2, "names": ["Marta", "Léo"]}) == {
        "count": True,
        "names": True,
    }


def test_count_counts_characters_in_shots_not_declared_ones() -> None:
    plan = chess_plan()
    plan["shots"][0]["characters"].append("waiter")
    assert check_plan(plan, {"count": 2}) == {"count": False}
    plan["shots"][0]["characters"] = ["marta"]
    plan["shots"][1]["characters"] = []
    plan["shots"][1]["dialogue"] = []
    assert check_plan(plan, {"count": 2}) == {"count": False}


def test_every_shot_must_have_an_accepted_time_of_day() -> None:
    plan = chess_plan()
    plan["shots"][1]["time_of_day"] = "day"
    assert check_plan(plan, {"time": ["night"]}) == {"time": False}
    del plan["shots"][1]["time_of_day"]
    assert check_plan(plan, {"time": ["night"]}) == {"time": False}
    plan["shots"][1]["time_of_day"] = "dawn"
    assert check_plan(plan, {"time": ["dawn", "night"]}) == {"time": True}


def test_the_setting_needs_half_the_shots_and_a_keyframe_prompt() -> None:
    plan = chess_plan()
    assert check_plan(plan, {"setting": ["cafe"]}) == {"setting": False}  # "café" is not "cafe"
    plan["base_images"] = [{"prompt": "a table"}] * 3
    assert check_plan(plan, {"setting": ["café"]}) == {"setting": False}
    plan = chess_plan()
    plan["shots"].append(copy.deepcopy(plan["shots"][1]))
    assert check_plan(plan, {"setting": ["paris"]}) == {"setting": False}  # 1 shot of 3


def test_a_stem_matches_only_at_the_start_of_a_word() -> None:
    assert has_stem("They are ARGUING", ["argu"])
    assert not has_stem("pure jargon", ["argu"])
    assert has_stem("Une boulangerie à l'école", ["école"])
    assert not has_stem("ecole", ["école"])
    assert has_stem("雪の夜、猫が窓辺で", ["窓"])  # no spaces in Japanese: anywhere
    assert not has_stem(None, ["x"])


def test_the_action_may_be_said_in_a_line_but_must_be_drawn() -> None:
    plan = chess_plan()
    plan["shots"][1]["dialogue"][0]["text"] = "Stop arguing!"
    assert check_plan(plan, {"action": ["argu"]}) == {"action": False}  # in no prompt
    plan["base_images"][2]["prompt"] = "two friends arguing"
    assert check_plan(plan, {"action": ["argu"]}) == {"action": True}


def test_an_absent_language_is_english() -> None:
    plan = chess_plan()
    del plan["language"]
    assert check_plan(plan, {"language": "en"}) == {"language": True}
    assert check_plan(plan, {"language": "es"}) == {"language": False}


def test_plan_stats_counts_lines_distinct_lines_and_speakers() -> None:
    plan = chess_plan()
    plan["shots"][1]["dialogue"].append({"character": "leo", "text": "your bishop is lost"})
    stats = plan_stats(plan)
    assert (stats["lines"], stats["distinct_lines"], stats["speakers"]) == (3, 2, 2)
    assert stats["characters_on_screen"] == 2


def test_the_corpora_load_with_the_sizes_and_kinds_the_issue_asks_for() -> None:
    dev, heldout = load("dev"), load("heldout")
    assert len(dev) >= 62 and len(heldout) >= 20
    assert not {i["id"] for i in dev} & {i["id"] for i in heldout}
    assert sum(1 for i in dev if i.get("named_in_issue")) == 10
    for corpus, least in ((dev, 2), (heldout, 1)):
        languages = [i["language"] for i in corpus]
        assert all(languages.count(lang) >= least for lang in ("es", "fr", "de"))
        assert {"ja", "zh"} <= set(languages)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"id": "x", "idea": "y", "kind": "k", "language": "en"}, "facts: must be"),
        (
            {"id": "x", "idea": "y", "kind": "k", "language": "en", "facts": {"time": ["noon"]}},
            "facts.time",
        ),
        (
            {"id": "x", "idea": "y", "kind": "k", "language": "en", "facts": {"count": 0}},
            "facts.count",
        ),
        (
            {"id": "x", "idea": "y", "kind": "k", "language": "en", "facts": {"action": ["Kite"]}},
            "lowercase",
        ),
        ({"id": "x", "idea": "y" * 301, "kind": "k", "language": "en", "facts": {}}, "idea:"),
    ],
)
def test_a_bad_corpus_line_is_refused_naming_the_field(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, line: dict[str, Any], message: str
) -> None:
    (tmp_path / "dev.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    monkeypatch.setattr(idea_facts, "IDEAS_DIR", tmp_path)
    with pytest.raises(IdeaCorpusError, match=message):
        load("dev")
