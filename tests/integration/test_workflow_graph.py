"""The production graph from workflows/sparkle_motion/root_agent.yaml, run by ADK's Runner
with recording fake adapters registered under the preview profile's adapter names."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.adk.agents.config_agent_utils import from_config
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.genai import types

from sparkle_motion.adapters import registry
from sparkle_motion.config import reset_settings_cache
from tests.conftest import EXAMPLES, REPO
from tests.support.fake_adapters import RecordingAdapter

GRAPH = REPO / "workflows" / "sparkle_motion" / "root_agent.yaml"
PREVIEW = ("procedural_keyframes", "piper", "ffmpeg_motion", "audio_mux", "ffmpeg", "video_final")


@pytest.fixture
def wired(tmp_path, monkeypatch):
    monkeypatch.setenv("ARTIFACTS_FS_ROOT", str(tmp_path / "art"))
    monkeypatch.setenv("SPARKLE_DB_PATH", str(tmp_path / "s.db"))
    monkeypatch.setenv("SPARKLE_DOTENV", "")
    reset_settings_cache()
    adapter = RecordingAdapter()
    saved = dict(registry._FACTORIES)
    for name in PREVIEW:
        registry.register(name, lambda: adapter)
    yield adapter
    registry._FACTORIES.clear()
    registry._FACTORIES.update(saved)
    registry._INSTANCES.clear()
    reset_settings_cache()


async def run_graph(session_id: str, message: str):
    sessions = InMemorySessionService()
    runner = Runner(
        app_name="sparkle_motion", agent=from_config(str(GRAPH)), session_service=sessions
    )
    await sessions.create_session(app_name="sparkle_motion", user_id="local", session_id=session_id)
    events = [
        e
        async for e in runner.run_async(
            user_id="local",
            session_id=session_id,
            new_message=types.Content(role="user", parts=[types.Part(text=message)]),
        )
    ]
    return [
        e.output
        for e in events
        if e.output is not None and isinstance(e.output, dict) and "stage" in e.output
    ]


async def test_graph_runs_every_stage_then_reuses_everything(wired):
    outputs = await run_graph("run-graph-1", str(EXAMPLES / "lighthouse_whale.json"))
    stages = [o["stage"] for o in outputs]
    assert sorted(stages[:3]) == ["base_images", "dialogue_audio", "video"]
    assert stages.index("base_images") < stages.index("video")
    assert stages[3:] == ["lipsync", "custom", "assemble", "finalize"]
    assert all(o["status"] == "succeeded" for o in outputs), outputs
    first_calls = sum(wired.calls.values())
    assert first_calls == 27
    again = await run_graph("run-graph-2", str(EXAMPLES / "lighthouse_whale.json"))
    assert sum(wired.calls.values()) == first_calls  # a second identical run: 0 adapter calls
    assert all(o["executed"] == [] for o in again)


def node_sequence(db_path, app_name):
    import asyncio

    from google.adk.sessions.sqlite_session_service import SqliteSessionService

    async def read():
        service = SqliteSessionService(db_path=str(db_path))
        listed = await service.list_sessions(app_name=app_name, user_id=None)
        [meta] = listed.sessions
        session = await service.get_session(
            app_name=app_name, user_id=meta.user_id, session_id=meta.id
        )
        return [
            e.node_info.path
            for e in session.events
            if getattr(e, "node_info", None) and e.node_info.path
        ]

    paths = [p.split("/")[-1].split("@")[0] for p in asyncio.run(read())]
    # dialogue_audio runs beside base_images -> video: only their set is fixed, and that
    # base_images comes before video
    middle = paths[2:5]
    assert middle.index("base_images") < middle.index("video"), paths
    return [*paths[:2], *sorted(middle), *paths[5:]]


def test_adk_run_and_workflows_run_walk_the_same_graph(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SPARKLE_DOTENV": "",
        "ARTIFACTS_FS_ROOT": str(tmp_path / "art"),
        "SPARKLE_DB_PATH": str(tmp_path / "s.db"),
        "SPARKLE_RUNS_DIR": str(tmp_path / "runs"),
        "PYTHONPATH": str(REPO / "src"),
    }
    import json

    from tests.support.media import small_plan

    plan = str(tmp_path / "short.json")
    Path(plan).write_text(json.dumps(small_plan("short.json")))
    adk = subprocess.run(
        [
            str(Path(sys.executable).parent / "adk"),
            "run",
            str(GRAPH.parent),
            plan,
            "--session_service_uri",
            f"sqlite:///{tmp_path / 'adk.db'}",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert adk.returncode == 0, adk.stderr[-2000:]
    ours = subprocess.run(
        [
            sys.executable,
            "-m",
            "sparkle_motion.cli",
            "workflows",
            "run",
            plan,
            "--run-id",
            "r1",
            "--session-db",
            str(tmp_path / "ours.db"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # adk run rendered the film with the preview adapters; our door walks the same graph
    # and reuses every step
    assert "plan_intake: 9 steps planned" in ours.stdout, ours.stderr[-2000:]
    assert ours.returncode == 0 and ours.stdout.count("(0 run,") == 7, ours.stdout
    expected = [
        "script",
        "plan_intake",
        "base_images",
        "dialogue_audio",
        "video",
        "media_ready",
        "lipsync",
        "custom",
        "assemble",
        "finalize",
    ]
    assert node_sequence(tmp_path / "adk.db", "sparkle_motion") == expected
    assert node_sequence(tmp_path / "ours.db", "sparkle_motion") == expected
