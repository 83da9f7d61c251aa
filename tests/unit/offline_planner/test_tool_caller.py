"""The offline tool-calling model's reading of a request: each argument from its words,
nothing guessed (a required one it cannot find is MissingArgument naming it), and its
words for what a tool answered."""

from __future__ import annotations

import pytest

from sparkle_motion.offline_planner.tool_caller import MissingArgument, arguments, report

RENDER = {"run_id": "string", "step_id": "string", "backend": "string"}
PLAN = {"idea": "string", "seed": "integer"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("render image.kf-003 of run run-5b1c", {"run_id": "run-5b1c", "step_id": "image.kf-003"}),
        (
            "Please render video.s2-turn of run r.2 with wan.",
            {"run_id": "r.2", "step_id": "video.s2-turn", "backend": "wan"},
        ),
        (
            "run_id: abc step image.kf-000 using sdxl",
            {"run_id": "abc", "step_id": "image.kf-000", "backend": "sdxl"},
        ),
        ("for run x1, redo tts.launch-l1", {"run_id": "x1", "step_id": "tts.launch-l1"}),
    ],
)
def test_render_arguments_come_from_the_words(text, expected):
    assert arguments(text, RENDER, ["run_id", "step_id"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "write a plan, seed 7: a keeper befriends a whale",
            {"idea": "a keeper befriends a whale", "seed": 7},
        ),
        ("Write a movie plan about two foxes at dawn", {"idea": "two foxes at dawn"}),
        ("a storm over the harbour", {"idea": "a storm over the harbour"}),
        ("make a film about a kite, seed=3", {"idea": "a kite", "seed": 3}),
    ],
)
def test_the_text_argument_is_what_the_others_left(text, expected):
    assert arguments(text, PLAN, ["idea"]) == expected


@pytest.mark.parametrize(
    ("text", "missing"),
    [("render the first keyframe of run r1", "step_id"), ("render image.kf-000", "run_id")],
)
def test_a_required_argument_is_never_guessed(text, missing):
    with pytest.raises(MissingArgument) as caught:
        arguments(text, RENDER, ["run_id", "step_id"])
    assert caught.value.args[0] == missing


def test_the_report_says_what_came_back():
    out = {
        "backend": "ffmpeg_motion",
        "step_id": "video.a",
        "outputs": [{"uri": "artifact+fs://r/x"}],
    }
    assert report(out) == "ffmpeg_motion rendered video.a: artifact+fs://r/x"
    assert report({"error": {"type": "RunNotFoundError", "message": "no run r"}}) == (
        "The tool refused: RunNotFoundError: no run r"
    )
    assert report({"plan": {"title": "T", "shots": [1, 2]}}) == "Wrote the plan 'T' (2 shots)"
