"""An ADK agent's memory search finds an event a past run wrote to our memory log."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from google.adk.agents import LlmAgent
from google.adk.models import BaseLlm
from google.adk.models._capabilities import LlmCapabilities
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.adk.tools import load_memory
from google.genai import types

from sparkle_motion.storage import Database, MemoryLog
from sparkle_motion.storage.adk_memory import SparkleMemoryService

USAGE = types.GenerateContentResponseUsageMetadata(
    prompt_token_count=1, candidates_token_count=1, total_token_count=2
)


class Recaller(BaseLlm):
    """Searches memory for 'whale', then repeats what it found."""

    model: str = "recaller"

    @property
    def capabilities(self) -> LlmCapabilities:
        return LlmCapabilities(output_schema_and_tools=False)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        last = llm_request.contents[-1]
        found = [p.function_response for p in last.parts or [] if p.function_response]
        if found:
            result = found[0].response["result"]  # load_memory's LoadMemoryResponse
            texts = [p.text for m in result.memories for p in m.content.parts if p.text]
            part = types.Part(text=" | ".join(texts) or "nothing")
        else:
            part = types.Part(
                function_call=types.FunctionCall(name="load_memory", args={"query": "whale"})
            )
        yield LlmResponse(content=types.Content(role="model", parts=[part]), usage_metadata=USAGE)


async def test_agent_finds_a_past_runs_event(tmp_path):
    db = Database(tmp_path / "sparkle.db")
    log = MemoryLog(db)
    log.write(
        "run-old", "qa_manual_review", {"decision": "reject", "note": "the whale looks too small"}
    )
    log.write("run-old", "stage_completed", {"stage": "video"})
    memory = SparkleMemoryService(log, tmp_path / "adk_memory.db")
    sessions = InMemorySessionService()
    agent = LlmAgent(name="recaller", model=Recaller(), instruction="Recall.", tools=[load_memory])
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
