"""Review bookkeeping in the memory log: requests, decisions, what a rejection names."""

from __future__ import annotations

import pytest

from sparkle_motion.errors import HumanInputRequestError
from sparkle_motion.runs.reviews import (
    REQUESTED,
    latest_answer,
    record_decision,
    reviews,
)
from sparkle_motion.storage import Database, MemoryLog

RUN = "r1"


@pytest.fixture
def memory(tmp_path):
    db = Database(tmp_path / "s.db")
    yield MemoryLog(db)
    db.close()


def ask(memory, gate: str, keyframes=(), run_id: str = RUN) -> None:
    memory.write(
        run_id,
        REQUESTED,
        {
            "gate": gate,
            "shot": None,
            "interrupt_id": f"review:{gate}",
            "artifact_uri": "sheet.png",
            "message": "look",
            "keyframes": list(keyframes),
        },
    )


def test_a_keyframe_review_takes_rejections_by_keyframe(memory):
    ask(memory, "keyframes", [0, 1, 2])
    with pytest.raises(HumanInputRequestError, match=r"keyframes: \[5\] not under review"):
        record_decision(RUN, "reject", keyframes=[1, 5], memory=memory)
    with pytest.raises(HumanInputRequestError, match="only a rejection names keyframes"):
        record_decision(RUN, "approve", keyframes=[1], memory=memory)
    record_decision(RUN, "reject", keyframes=[2, 1, 2], note="too dark", memory=memory)
    [pending] = reviews(RUN, memory=memory)
    assert pending.answered == "reject" and pending.keyframes == (0, 1, 2)
    assert latest_answer(RUN, pending, memory) == {
        "decision": "reject",
        "note": "too dark",
        "keyframes": [1, 2],
    }
    # asked again: a plain rejection retakes every keyframe under review
    ask(memory, "keyframes", [0, 1, 2])
    record_decision(RUN, "reject", memory=memory)
    [pending] = reviews(RUN, memory=memory)
    assert latest_answer(RUN, pending, memory)["keyframes"] == [0, 1, 2]


def test_keyframes_on_a_review_that_is_not_over_keyframes(memory):
    ask(memory, "script")
    with pytest.raises(HumanInputRequestError, match="is not a keyframe review"):
        record_decision(RUN, "reject", keyframes=[0], memory=memory)


def test_a_decided_review_says_so_and_several_open_ones_need_a_gate(memory):
    ask(memory, "script")
    ask(memory, "keyframes", [0, 1])
    with pytest.raises(HumanInputRequestError, match="name one with --gate or --shot"):
        record_decision(RUN, "approve", memory=memory)
    record_decision(RUN, "approve", gate="script", memory=memory)
    with pytest.raises(
        HumanInputRequestError, match=r"review:script \(approve\) already decided; it applies when"
    ):
        record_decision(RUN, "reject", gate="script", memory=memory)
    record_decision(RUN, "approve", memory=memory)  # only keyframes is still open
    with pytest.raises(HumanInputRequestError, match="no open review matching that"):
        record_decision("other", "approve", memory=memory)
