"""Review gates on a minimal ADK Workflow with a persistent session: the run pauses, a
decision recorded elsewhere (the CLI) resumes it; approve continues, a rejected script
ends the run, a rejected keyframe is re-rendered with a new seed and reviewed again."""

from __future__ import annotations

from google.adk import Context, Runner, Workflow
from google.adk.sessions.sqlite_session_service import SqliteSessionService
from google.adk.workflow import START
from google.genai import types
from typer.testing import CliRunner

from sparkle_motion.cli import app
from sparkle_motion.graph.interrupts import deliver_review_answers, review_node
from sparkle_motion.runs.reviews import record_decision, reviews
from tests.support.helpers_backend import temp_backend

RUN, USER = "run-review", "local"


def write_script(node_input: str):
    return {"artifact_uri": "artifact+fs://run-review/plan", "idea": node_input}


def render_keyframe(node_input: dict, ctx: Context):
    seed = (
        node_input.get("seed", 0) + 1
    )  # first render seed 1; each rejection re-renders with the next
    ctx.state["renders"] = ctx.state.get("renders", 0) + 1
    return {"artifact_uri": f"artifact+fs://run-review/kf-seed{seed}", "shot": 0, "seed": seed}


def finish(node_input: dict):
    return {"finished": node_input["artifact_uri"]}


def stop(node_input: dict):
    return {"stopped": "script rejected"}


def workflow():
    script_gate, keyframe_gate = review_node("script"), review_node("keyframe")
    return Workflow(
        name="gated",
        edges=[
            (START, write_script, script_gate),
            (script_gate, {"approved": render_keyframe, "rejected": stop}),
            (render_keyframe, keyframe_gate),
            (keyframe_gate, {"approved": finish, "rejected": render_keyframe}),
        ],
    )


async def start(tmp_path):
    sessions = SqliteSessionService(db_path=str(tmp_path / "sessions.db"))
    runner = Runner(app_name="sparkle-motion", agent=workflow(), session_service=sessions)
    await sessions.create_session(app_name="sparkle-motion", user_id=USER, session_id=RUN)
    events = [
        e
        async for e in runner.run_async(
            user_id=USER,
            session_id=RUN,
            new_message=types.Content(
                role="user", parts=[types.Part(text="a lighthouse keeper befriends a whale")]
            ),
        )
    ]
    return sessions, events


def outputs(events):
    return [e.output for e in events if e.output is not None]


async def resume(sessions, memory):
    runner = Runner(
        app_name="sparkle-motion", agent=workflow(), session_service=sessions
    )  # a new process
    return await deliver_review_answers(runner, run_id=RUN, user_id=USER, memory=memory)


async def test_approve_script_then_reject_a_keyframe_once(tmp_path):
    with temp_backend(tmp_path) as backend:
        sessions, events = await start(tmp_path)
        [pending] = reviews(RUN, memory=backend.memory)
        assert (pending.gate, pending.interrupt_id, pending.answered) == (
            "script",
            "review:script",
            None,
        )
        assert not any("finished" in str(o) for o in outputs(events))

        env = {
            "SPARKLE_DOTENV": "",
            "ARTIFACTS_FS_ROOT": str(tmp_path / "art"),
            "SPARKLE_DB_PATH": str(tmp_path / "s.db"),
        }
        cli = CliRunner()
        listing = cli.invoke(app, ["review", "list", RUN], env=env)
        assert listing.exit_code == 0 and "review:script" in listing.output
        assert (
            cli.invoke(app, ["review", "approve", RUN, "--note", "lovely"], env=env).exit_code == 0
        )

        events = await resume(sessions, backend.memory)
        [pending] = reviews(RUN, memory=backend.memory)
        assert (pending.gate, pending.shot, pending.artifact_uri) == (
            "keyframe",
            0,
            "artifact+fs://run-review/kf-seed1",
        )
        result = cli.invoke(
            app, ["review", "reject", RUN, "--shot", "0", "--note", "too dark"], env=env
        )
        assert result.exit_code == 0, result.output

        events = await resume(sessions, backend.memory)
        [pending] = reviews(RUN, memory=backend.memory)
        assert (
            pending.artifact_uri == "artifact+fs://run-review/kf-seed2"
        )  # re-rendered with a new seed
        record_decision(RUN, "approve", shot=0, memory=backend.memory)
        events = await resume(sessions, backend.memory)
        assert {"finished": "artifact+fs://run-review/kf-seed2"} in outputs(events)
        assert reviews(RUN, memory=backend.memory) == []
        decisions = [
            (e.payload["gate"], e.payload["decision"], e.payload["note"])
            for e in backend.memory.list(RUN, "qa_manual_review")
        ]
        assert decisions == [
            ("script", "approve", "lovely"),
            ("keyframe", "reject", "too dark"),
            ("keyframe", "approve", None),
        ]
        session = await sessions.get_session(
            app_name="sparkle-motion", user_id=USER, session_id=RUN
        )
        assert session.state["renders"] == 2


async def test_rejected_script_ends_the_run_cleanly(tmp_path):
    with temp_backend(tmp_path) as backend:
        sessions, _ = await start(tmp_path)
        record_decision(RUN, "reject", note="not this story", memory=backend.memory)
        events = await resume(sessions, backend.memory)
        assert {"stopped": "script rejected"} in outputs(events)
        assert reviews(RUN, memory=backend.memory) == []
        assert not any("finished" in str(o) for o in outputs(events))


async def test_bad_decisions_are_typed_errors(tmp_path):
    import pytest

    from sparkle_motion.errors import HumanInputRequestError

    with temp_backend(tmp_path) as backend:
        await start(tmp_path)
        with pytest.raises(HumanInputRequestError, match="decision must be"):
            record_decision(RUN, "maybe", memory=backend.memory)
        with pytest.raises(HumanInputRequestError, match="no open review"):
            record_decision(RUN, "approve", shot=3, memory=backend.memory)
        with pytest.raises(HumanInputRequestError, match="no open review"):
            record_decision("other-run", "approve", memory=backend.memory)


async def test_a_request_the_session_never_paused_on_does_not_block_answers(tmp_path):
    from sparkle_motion.adk_helpers import request_review

    with temp_backend(tmp_path) as backend:
        sessions, _ = await start(tmp_path)
        # a stray request logged by a run that crashed before ADK recorded the pause
        request_review(run_id=RUN, gate="keyframe", shot=7, reason="stray", artifact_uri=None)
        record_decision(RUN, "approve", gate="keyframe", shot=7, memory=backend.memory)
        record_decision(RUN, "approve", gate="script", memory=backend.memory)
        events = await resume(sessions, backend.memory)
        assert any(
            o and "artifact_uri" in o and "kf-seed1" in o["artifact_uri"] for o in outputs(events)
        )
        keys = {r.interrupt_id for r in reviews(RUN, memory=backend.memory)}
        assert "review:keyframe:shot7" in keys  # still listed, never sent


def test_open_interrupts_forget_requests_abandoned_by_a_new_message():
    from types import SimpleNamespace as NS

    from sparkle_motion.graph.interrupts import open_interrupts

    def call(key):
        fc = NS(name="adk_request_input", id=key)
        return NS(
            author="sparkle_motion",
            content=NS(parts=[NS(text=None, function_call=fc, function_response=None)]),
        )

    def reply(key):
        fr = NS(name="adk_request_input", id=key)
        return NS(
            author="user",
            content=NS(parts=[NS(text=None, function_call=None, function_response=fr)]),
        )

    text = NS(
        author="user",
        content=NS(parts=[NS(text="plan.json", function_call=None, function_response=None)]),
    )
    assert open_interrupts(NS(events=[call("review:script")])) == {"review:script"}
    assert open_interrupts(NS(events=[call("review:script"), reply("review:script")])) == set()
    # started again from START: the first request is abandoned, the second one is open
    events = [call("review:keyframes"), text, call("review:keyframes")]
    assert open_interrupts(NS(events=events)) == {"review:keyframes"}
    assert open_interrupts(NS(events=[*events, reply("review:keyframes")])) == set()
