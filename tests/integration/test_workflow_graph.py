"""The production graph from workflows/sparkle_motion/root_agent.yaml, run by ADK's Runner
with recording fake adapters registered under the preview profile's adapter names."""

from __future__ import annotations

from pathlib import Path

from google.adk.agents.config_agent_utils import from_config
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.genai import types

from tests.conftest import EXAMPLES, REPO

GRAPH = REPO / "workflows" / "sparkle_motion" / "root_agent.yaml"


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
    # dialogue_audio runs beside base_images -> review_keyframes -> video: only their set
    # is fixed, and the order of that chain
    assert paths[:3] == ["script", "plan_intake", "review_script"], paths
    middle = paths[3:7]
    chain = [p for p in middle if p != "dialogue_audio"]
    assert chain == ["base_images", "review_keyframes", "video"], paths
    return [*paths[:3], *sorted(middle), *paths[7:]]


def test_adk_run_and_workflows_run_walk_the_same_graph(tmp_path):
    import os
    import re
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
    # `adk run` says where the film is: the last node's text names it and the run
    session = re.search(r"Session ID: (\S+)", adk.stderr).group(1)
    [said] = [line for line in adk.stdout.splitlines() if "]: film: " in line]
    film = Path(said.split("]: film: ")[1].split(" (")[0])
    assert film.is_file() and film.is_relative_to(tmp_path / "art" / session), said
    assert f"run {session} (`sparkle-motion status {session}`)" in said
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
    assert "film: " in ours.stdout and "\nrun r1\n" in ours.stdout
    expected = [
        "script",
        "plan_intake",
        "review_script",  # gates not enabled: they pass straight through
        "base_images",
        "dialogue_audio",
        "review_keyframes",
        "video",
        "media_ready",
        "lipsync",
        "custom",
        "assemble",
        "finalize",
    ]
    assert node_sequence(tmp_path / "adk.db", "sparkle_motion") == expected
    assert node_sequence(tmp_path / "ours.db", "sparkle_motion") == expected
