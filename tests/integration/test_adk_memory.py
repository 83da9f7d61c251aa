"""An ADK agent's memory search finds an event a past run wrote to our memory log."""

from __future__ import annotations

from google.adk.agents import LlmAgent
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.adk.tools import load_memory
from google.genai import types

from sparkle_motion.storage import Database, MemoryLog
from sparkle_motion.storage.adk_memory import SparkleMemoryService
from tests.support.fake_llm import tool_then_report


def recaller():
    """Searches memory for 'whale', then repeats what it found."""

    def report(response):
        result = response["result"]  # load_memory's LoadMemoryResponse
        return (
            " | ".join(p.text for m in result.memories for p in m.content.parts if p.text)
            or "nothing"
        )

    return tool_then_report(types.FunctionCall(name="load_memory", args={"query": "whale"}), report)


async def test_agent_finds_a_past_runs_event(tmp_path):
    db = Database(tmp_path / "sparkle.db")
    log = MemoryLog(db)
    log.write(
        "run-old", "qa_manual_review", {"decision": "reject", "note": "the whale looks too small"}
    )
    log.write("run-old", "stage_completed", {"stage": "video"})
    memory = SparkleMemoryService(log, tmp_path / "adk_memory.db")
    sessions = InMemorySessionService()
    agent = LlmAgent(name="recaller", model=recaller(), instruction="Recall.", tools=[load_memory])
    runner = Runner(
        app_name="sparkle-motion", agent=agent, session_service=sessions, memory_service=memory
    )
    session = await sessions.create_session(
        app_name="sparkle-motion", user_id="local", session_id="run-new"
    )
    texts = []
    async for event in runner.run_async(
        user_id="local",
        session_id=session.id,
        new_message=types.Content(role="user", parts=[types.Part(text="what happened?")]),
    ):
        texts += [p.text for p in (event.content.parts if event.content else []) if p.text]
    assert (
        "qa_manual_review (run run-old)" in texts[-1] and "the whale looks too small" in texts[-1]
    )
    assert "stage_completed" not in texts[-1]  # only what matches the query
    log.write("run-old", "qa_manual_review", {"note": "second look at the whale"})
    assert await memory.sync() == 1 and await memory.sync() == 0
    await memory.close()
    db.close()
