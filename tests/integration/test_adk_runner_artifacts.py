"""A real ADK Runner: an LlmAgent (on a scripted offline model) calls a tool that saves
and loads an artifact through tool_context, and the bytes land in our atomic store."""

from __future__ import annotations

from google.adk.agents import LlmAgent
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.adk.tools import ToolContext
from google.genai import types

from sparkle_motion.storage.adk_service import FilesystemArtifactService
from sparkle_motion.storage.fs_maintenance import check
from sparkle_motion.storage.fs_store import FilesystemArtifactStore
from tests.support.fake_llm import tool_then_report


async def keep_note(text: str, tool_context: ToolContext) -> dict:
    """Save a note as an artifact, then load it back."""
    version = await tool_context.save_artifact(
        "script/note-1/note.txt",
        types.Part(inline_data=types.Blob(data=text.encode(), mime_type="text/plain")),
    )
    loaded = await tool_context.load_artifact("script/note-1/note.txt")
    return {"version": version, "loaded": loaded.inline_data.data.decode()}


async def test_runner_saves_and_loads_through_our_store(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "root")
    agent = LlmAgent(
        name="noter",
        model=tool_then_report(
            types.FunctionCall(name="keep_note", args={"text": "the whale sings at dusk"}),
            lambda r: f"stored version {r['version']}: {r['loaded']}",
        ),
        instruction="Keep notes.",
        tools=[keep_note],
    )
    sessions = InMemorySessionService()
    runner = Runner(
        app_name="sparkle-motion",
        agent=agent,
        session_service=sessions,
        artifact_service=FilesystemArtifactService(store),
    )
    session = await sessions.create_session(
        app_name="sparkle-motion", user_id="local", session_id="run-adk"
    )
    texts = []
    async for event in runner.run_async(
        user_id="local",
        session_id=session.id,
        new_message=types.Content(role="user", parts=[types.Part(text="go")]),
    ):
        texts += [p.text for p in (event.content.parts if event.content else []) if p.text]
    assert texts[-1] == "stored version 0: the whale sings at dusk"
    [ref] = store.list("run-adk")
    assert (ref.stage, ref.artifact_id, ref.name, ref.mime_type) == (
        "script",
        "note-1",
        "note.txt",
        "text/plain",
    )
    assert store.read_bytes(ref.uri) == b"the whale sings at dusk"
    assert check(store).clean
    store.close()
