"""How a review gate reads an answer from each door: `sparkle-motion review` (a mapping),
`adk run` (the typed line, bare or as {"result": ...}), or JSON typed there."""

from __future__ import annotations

import pytest

from sparkle_motion.errors import HumanInputRequestError
from sparkle_motion.graph.review_gate import read_answer

KEY = "review:keyframes"


def test_a_mapping_passes_as_it_is():
    answer = {"decision": "reject", "keyframes": [1], "note": "dark"}
    assert read_answer(KEY, answer) == answer


@pytest.mark.parametrize("wrap", [lambda t: t, lambda t: {"result": t}])
def test_a_typed_line(wrap):
    assert read_answer(KEY, wrap("approve")) == {
        "decision": "approve",
        "keyframes": [],
        "note": None,
    }
    assert read_answer(KEY, wrap("Yes lovely")) == {
        "decision": "approve",
        "keyframes": [],
        "note": "lovely",
    }
    assert read_answer(KEY, wrap(" reject 1 2 too dark ")) == {
        "decision": "reject",
        "keyframes": [1, 2],
        "note": "too dark",
    }
    assert read_answer(KEY, wrap('{"decision": "reject", "keyframes": [0]}')) == {
        "decision": "reject",
        "keyframes": [0],
    }


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("maybe later", r"review:keyframes: answer 'maybe later': start it with approve or reject"),
        ("", "start it with approve or reject"),
        ('{"decision": ', "review:keyframes: the answer is not valid JSON"),
        (3, "review:keyframes: the answer must be a mapping or a line of text, got 3"),
    ],
)
def test_what_cannot_be_read_is_a_typed_error(answer, message):
    with pytest.raises(HumanInputRequestError, match=message):
        read_answer(KEY, answer)
