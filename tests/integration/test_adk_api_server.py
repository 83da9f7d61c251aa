"""ADK's own HTTP server as the client of the production graph: `adk api_server workflows`
in a subprocess on a free port with a throwaway state home, a session created through its
REST API, an idea posted to `/run`; the run finished in our runs table with a film in the
artifact store, and the server is gone afterwards with nothing of its process group left.

Routes and bodies as google.adk 2.13's cli/api_server.py serves them:
    POST /apps/{app}/users/{user}/sessions    {"session_id"?, "state"?}  -> Session
    POST /run    {app_name, user_id, session_id, new_message: Content}   -> [Event]
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from sparkle_motion.production_agent import film_of, run_status
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import open_artifact_store
from tests.conftest import REPO, make_settings

APP, USER, RUN_ID = "sparkle_motion", "api-user", "api-run-1"
IDEA = "a lighthouse keeper befriends a whale"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(process: subprocess.Popen, base: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"adk api_server exited: {log.read_text()[-3000:]}"
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"adk api_server did not answer in {seconds} s: {log.read_text()[-3000:]}")


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group (SIGKILL if it lingers), then make sure no
    member of the group is left."""
    group = process.pid  # start_new_session: the server leads its own group
    if process.poll() is None:
        os.killpg(group, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            process.wait(15)
    deadline = time.monotonic() + 5
    while True:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"a process of group {group} outlived the server"
        time.sleep(0.1)


def test_adk_api_server_runs_an_idea_to_a_film(tmp_path):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKLE_")}
    env.update(SPARKLE_HOME=str(home), SPARKLE_DOTENV="", PYTHONPATH=str(REPO / "src"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "api_server.log"
    command = [
        str(Path(sys.executable).parent / "adk"),
        "api_server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        # explicit services: nothing is written under workflows/.adk
        "--session_service_uri",
        f"sqlite:///{tmp_path / 'adk_sessions.db'}",
        "--artifact_service_uri",
        "memory://",
        "--memory_service_uri",
        "memory://",
        str(REPO / "workflows"),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_healthy(process, base, log)
        assert APP in httpx.get(f"{base}/list-apps", timeout=10).json()
        created = httpx.post(
            f"{base}/apps/{APP}/users/{USER}/sessions", json={"session_id": RUN_ID}, timeout=10
        )
        assert created.status_code == 200, created.text
        assert created.json()["id"] == RUN_ID and created.json()["events"] == []
        ran = httpx.post(
            f"{base}/run",
            json={
                "app_name": APP,
                "user_id": USER,
                "session_id": RUN_ID,
                "new_message": {"role": "user", "parts": [{"text": IDEA}]},
            },
            timeout=240,
        )
        assert ran.status_code == 200, f"{ran.text[:2000]}\n{log.read_text()[-3000:]}"
        outputs = [e["output"] for e in ran.json() if isinstance(e.get("output"), dict)]
        stages = [o["stage"] for o in outputs if "stage" in o]
        assert stages[-1] == "finalize" and outputs[-1]["run_status"] == "succeeded", outputs
        assert {"base_images", "video", "assemble"} <= set(stages)
        session = httpx.get(f"{base}/apps/{APP}/users/{USER}/sessions/{RUN_ID}", timeout=10)
        assert session.status_code == 200 and session.json()["events"]  # ADK kept the run
    finally:
        stop_group(process)
    assert process.returncode is not None
    assert not (REPO / "workflows" / ".adk").exists()
    settings = make_settings(home=home)
    status = run_status(RUN_ID, settings=settings)
    assert status.status is RunStatus.SUCCEEDED and status.failures == []
    assert status.owner_pid is None  # finalize let the run go
    film = film_of(RUN_ID, settings=settings)
    assert film is not None and film.run_id == RUN_ID and film.duration_s > 0
    store = open_artifact_store(settings, scan=False)
    try:
        data = store.read_bytes(film.artifact_uri)  # checksum-verified
    finally:
        store.close()
    assert data[4:8] == b"ftyp" and len(data) == film.size_bytes
    assert (home / "runs" / RUN_ID / "plan.json").is_file()  # the idea became a plan
