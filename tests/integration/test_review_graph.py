"""The review gates of the production graph (root_agent.yaml), run by ADK's Runner over a
persistent session with recording fake adapters: each resume is a new Runner, as a new
process would make."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from google.adk.agents.config_agent_utils import from_config
from google.adk.runners import Runner
from google.adk.sessions.sqlite_session_service import SqliteSessionService
from google.genai import types

from sparkle_motion.config import get_settings
from sparkle_motion.errors import HumanInputRequestError
from sparkle_motion.graph.interrupts import deliver_review_answers
from sparkle_motion.graph.requests import run_request
from sparkle_motion.runs.reviews import record_decision, reviews
from sparkle_motion.runs.table import Runs
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import MemoryLog, open_database
from tests.conftest import REPO
from tests.support.media import small_plan

GRAPH = REPO / "workflows" / "sparkle_motion" / "root_agent.yaml"
USER = "local"


class Session:
    def __init__(self, tmp_path, run_id: str) -> None:
        self.run_id = run_id
        self.sessions = SqliteSessionService(db_path=str(tmp_path / "sessions.db"))
        plan = tmp_path / "plan.json"
        plan.write_text(json.dumps(small_plan("short.json")))
        self.plan = plan

    def runner(self) -> Runner:
        return Runner(
            app_name="sparkle_motion", agent=from_config(str(GRAPH)), session_service=self.sessions
        )

    async def send(self, text: str) -> list[dict]:
        if (
            await self.sessions.get_session(
                app_name="sparkle_motion", user_id=USER, session_id=self.run_id
            )
            is None
        ):
            await self.sessions.create_session(
                app_name="sparkle_motion", user_id=USER, session_id=self.run_id
            )
        message = types.Content(role="user", parts=[types.Part(text=text)])
        return outputs(
            [
                e
                async for e in self.runner().run_async(
                    user_id=USER, session_id=self.run_id, new_message=message
                )
            ]
        )

    async def answer(self) -> list[dict]:
        db = open_database(get_settings())
        try:
            events = await deliver_review_answers(
                self.runner(), run_id=self.run_id, user_id=USER, memory=MemoryLog(db)
            )
        finally:
            db.close()
        return outputs(events)

    def decide(self, decision: str, **kw) -> None:
        db = open_database(get_settings())
        try:
            record_decision(self.run_id, decision, memory=MemoryLog(db), **kw)
        finally:
            db.close()

    def waiting(self) -> list:
        db = open_database(get_settings())
        try:
            return reviews(self.run_id, memory=MemoryLog(db))
        finally:
            db.close()

    def row(self):
        db = open_database(get_settings())
        try:
            return Runs(db).get(self.run_id)
        finally:
            db.close()


def outputs(events) -> list[dict]:
    return [e.output for e in events if isinstance(e.output, dict)]


def answer_message(interrupt_id: str, response: dict) -> types.Content:
    """The message a door other than our CLI (adk run, adk web) answers an interrupt with."""
    return types.Content(
        role="user",
        parts=[
            types.Part(
                function_response=types.FunctionResponse(
                    name="adk_request_input", id=interrupt_id, response=response
                )
            )
        ],
    )


def stages(outs: list[dict]) -> list[str]:
    return [o["stage"] for o in outs if "stage" in o]


async def test_both_gates_pause_the_run_and_a_rejected_keyframe_is_rendered_again(wired, tmp_path):
    run = Session(tmp_path, "run-gated")
    outs = await run.send(run_request(run.plan, review=["script", "keyframes"]))
    # paused at the script: nothing rendered, the plan written out for the reviewer
    assert stages(outs) == [] and sum(wired.calls.values()) == 0
    [pending] = run.waiting()
    assert pending.gate == "script" and pending.answered is None
    assert (
        json.loads((tmp_path / "runs" / "run-gated" / "review" / "plan.json").read_text())["id"]
        == small_plan("short.json")["id"]
    )
    assert run.row().status is RunStatus.AWAITING_REVIEW
    assert await run.answer() == []  # nobody decided yet: nothing is sent, nothing runs

    run.decide("approve", note="fine")
    outs = await run.answer()
    assert {"review": "script", "decision": "approved", "note": "fine"} in outs
    # keyframes and voices rendered; clips wait for the keyframe review
    assert sorted(stages(outs)) == ["base_images", "dialogue_audio"]
    assert set(wired.calls) == {"image.kf-000", "image.kf-001", "image.kf-002", "tts.launch-l1"}
    [pending] = run.waiting()
    assert (pending.gate, pending.keyframes) == ("keyframes", (0, 1, 2))
    assert (tmp_path / "runs" / "run-gated" / "review" / "keyframes.png").stat().st_size > 0

    assert (pending.retaken, pending.kept) == ((), ())  # the first review: nothing is new
    first_request = pending.request_id

    before = Counter(wired.calls)
    run.decide("reject", keyframes=[2], note="too dark")
    outs = await run.answer()
    assert stages(outs) == ["base_images"]
    assert wired.calls - before == Counter({"image.kf-002": 1})  # exactly the rejected one
    [pending] = run.waiting()
    assert pending.gate == "keyframes" and pending.answered is None  # reviewed again
    # ... a new request, about the retaken keyframe alone, marked new; the others stay approved
    assert pending.request_id != first_request
    assert (pending.keyframes, pending.retaken, pending.kept) == ((2,), (2,), (0, 1))
    assert "the keyframes [2]: 2 rendered again (new)" in pending.message
    assert "keyframes [0, 1] stay approved" in pending.message
    with pytest.raises(HumanInputRequestError, match=r"keyframes: \[0\] not under review"):
        run.decide("reject", keyframes=[0])  # approved: not asked about again

    # rejected again (all under review: the one): its second take, the others untouched
    before = Counter(wired.calls)
    run.decide("reject")
    outs = await run.answer()
    assert {"review": "keyframes", "decision": "rejected", "note": None, "retake": [2]} in outs
    assert wired.calls - before == Counter({"image.kf-002": 1})
    [pending] = run.waiting()
    assert (pending.keyframes, pending.retaken, pending.kept) == ((2,), (2,), (0, 1))

    run.decide("approve")
    before = Counter(wired.calls)
    outs = await run.answer()
    assert stages(outs) == ["video", "lipsync", "custom", "assemble", "finalize"]
    assert all(o["status"] == "succeeded" for o in outs if "stage" in o), outs
    assert set(wired.calls - before) == {
        "video.launch",
        "video.drift",
        "lipsync.launch",
        "assemble.film",
        "finalize.film",
    }
    assert run.waiting() == []
    row = run.row()
    assert row.status is RunStatus.SUCCEEDED and row.owner_pid is None
    assert row.metadata["review_gates"] == ["script", "keyframes"]

    # the same run again from START: both approvals hold for the same plan and keyframes,
    # the retaken keyframe keeps its new seed, and nothing renders again
    before = Counter(wired.calls)
    outs = await run.send(run_request(run.plan, review=["script", "keyframes"]))
    assert [o.get("decision") for o in outs if "review" in o] == ["approved earlier"] * 2, outs
    assert wired.calls == before and run.waiting() == []


async def test_a_rejected_script_ends_the_run_with_nothing_rendered(wired, tmp_path):
    run = Session(tmp_path, "run-rejected")
    await run.send(run_request(run.plan, review=["script"]))
    run.decide("reject", note="not this story")
    outs = await run.answer()
    assert {"review": "script", "run_status": "rejected"} in outs
    assert stages(outs) == [] and sum(wired.calls.values()) == 0
    row = run.row()
    assert row.status is RunStatus.REJECTED and row.owner_pid is None


async def test_gates_from_settings_and_a_disabled_gate_passes_through(wired, tmp_path, monkeypatch):
    from sparkle_motion.config import reset_settings_cache

    monkeypatch.setenv("SPARKLE_REVIEW_GATES", "keyframes")
    reset_settings_cache()
    run = Session(tmp_path, "run-settings")
    outs = await run.send(str(run.plan))  # a plan path, as `adk run` sends it
    assert {
        "review": "script",
        "decision": "not_reviewed",
        "why": "gate not enabled for this run",
    } in outs
    [pending] = run.waiting()
    assert pending.gate == "keyframes"
    assert not any(step.startswith("video.") for step in wired.calls)
    # a new message to the paused session starts again from START: the old request is
    # abandoned, the same review is asked once more
    await run.send(str(run.plan))
    [pending] = run.waiting()
    assert pending.gate == "keyframes" and pending.answered is None
    run.decide("approve")
    outs = await run.answer()
    assert stages(outs)[-1] == "finalize" and run.row().status is RunStatus.SUCCEEDED


async def test_an_answer_from_another_door_is_checked_at_the_gate(wired, tmp_path):
    """adk web or the API answer the RequestInput directly, without `review reject`'s checks."""
    import pytest

    from sparkle_motion.errors import HumanInputRequestError

    run = Session(tmp_path, "run-web")
    await run.send(run_request(run.plan, review=["keyframes"]))
    [pending] = run.waiting()
    answer = answer_message(pending.interrupt_id, {"decision": "reject", "keyframes": ["x", 7]})
    with pytest.raises(
        HumanInputRequestError,
        match=r"review:keyframes: keyframes: a list of the keyframes under review \[0, 1, 2\]",
    ):
        async for _ in run.runner().run_async(
            user_id=USER, session_id=run.run_id, new_message=answer
        ):
            pass
    row = run.row()
    assert row.status is RunStatus.FAILED and row.owner_pid is None
    db = open_database(get_settings())
    try:
        assert MemoryLog(db).list(run.run_id, "review_applied") == []  # nothing applied
    finally:
        db.close()
    # run again: the same review is asked again, and nothing was re-rendered
    before = Counter(wired.calls)
    await run.send(run_request(run.plan, review=["keyframes"]))
    [pending] = run.waiting()
    assert pending.answered is None and wired.calls == before


async def test_an_answer_typed_in_adk_run_is_applied_and_kept_for_the_audit(wired, tmp_path):
    """`adk run workflows/sparkle_motion "reject 2 too dark" --session_id RUN` answers the
    interrupt with the bare line."""
    run = Session(tmp_path, "run-adk")
    await run.send(run_request(run.plan, review=["keyframes"]))
    [pending] = run.waiting()
    line = answer_message(pending.interrupt_id, {"result": "reject 2 too dark"})
    before = Counter(wired.calls)
    outs = outputs(
        [
            e
            async for e in run.runner().run_async(
                user_id=USER, session_id=run.run_id, new_message=line
            )
        ]
    )
    assert {
        "review": "keyframes",
        "decision": "rejected",
        "note": "too dark",
        "retake": [2],
    } in outs
    assert wired.calls - before == Counter({"image.kf-002": 1})
    db = open_database(get_settings())
    try:
        [answered] = MemoryLog(db).list(run.run_id, "qa_manual_review")
    finally:
        db.close()
    assert (answered.payload["decision"], answered.payload["via"]) == ("reject", "adk")
    assert answered.payload["keyframes"] == [2]
