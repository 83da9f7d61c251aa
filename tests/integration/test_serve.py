"""`sparkle-motion serve` for real: the production API and four FunctionTools as separate
processes on free loopback ports (one start, shared by these tests). A film made over
HTTP: invoke, follow /events and /status to the end, download it through its signed URL
and check its sha256 against the manifest; its keyframes, clips and film came from the
tool processes, as the step records say. A second /invoke during a run gets 409. A tool
killed mid-stage is restarted by serve and the run still finishes. SIGTERM stops
everything, with no process of this state home left."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.media import HEIGHT, WIDTH, small_plan
from tests.support.serve import Serve, processes_of, start_serve

TOOLS = ("images_sdxl", "videos_wan", "assemble_ffmpeg", "script_agent")
RENDERED_BY = {"base_images": "images_sdxl", "video": "videos_wan", "assemble": "assemble_ffmpeg"}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Serve]:
    serve = start_serve(tmp_path_factory.mktemp("serve"), tools=TOOLS)
    yield serve
    serve.stop()


def finish(serve: Serve, run_id: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    with serve.client() as client:
        while True:
            status = client.get("/status", params={"run_id": run_id}).json()
            if status["status"] in ("succeeded", "failed", "stopped", "crashed"):
                return status
            assert time.monotonic() < deadline, status
            time.sleep(0.3)


def records(serve: Serve, run_id: str) -> dict[str, dict]:
    """The run's step timeline, from GET /status."""
    with serve.client() as client:
        steps = client.get("/status", params={"run_id": run_id}).json()["steps"]
    return {r["step_id"]: r for r in steps}


def test_a_film_over_http_rendered_by_the_tool_processes(served):
    plan = small_plan("short.json")
    with served.client() as client:
        # as `curl -d` sends it: JSON labelled a form
        started = client.post(
            "/invoke",
            content=json.dumps({"plan": plan, "run_id": "served-film"}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert started.status_code == 202, started.text
        busy = client.post("/invoke", json={"plan": plan, "run_id": "served-other"})
        assert busy.status_code == 409 and "served-film" in busy.json()["error"]["message"]
        events = []  # the stream ends by itself once the run has ended
        with httpx.stream(  # a signed URL: no token, as a browser's EventSource
            "GET", served.api + started.json()["events_url"], timeout=300, trust_env=False
        ) as stream:
            assert stream.status_code == 200
            events = [json.loads(x[5:]) for x in stream.iter_lines() if x.startswith("data:")]
        assert events[-1] == {"status": "succeeded"}, events[-3:]
        kinds = {e.get("type") for e in events[:-1]}
        assert {"step_started", "step_completed", "stage_finished"} <= kinds, kinds
        status = finish(served, "served-film")
        assert status["status"] == "succeeded", status
        listed = client.get("/artifacts", params={"run_id": "served-film"}).json()
        final = listed["video_final"]
        film = httpx.get(served.api + final["download_url"], trust_env=False)  # no token
        assert film.status_code == 200
        assert hashlib.sha256(film.content).hexdigest() == final["checksum_sha256"]
        assert len(film.content) == final["size_bytes"]
    done = records(served, "served-film")
    for record in done.values():
        tool = RENDERED_BY.get(record["stage"])
        expected = f"{tool} at {served.tools[tool]}" if tool else None
        assert record["served_by"] == expected, record["step_id"]


def rendering_in(root: Path, pid: int) -> bool:
    """Process `pid`'s POST /render is inside its adapter now: its scratch folder
    (`<host>-<pid>-<start>/render-*`) has the work folder and no answer yet."""
    for folder in (root / "runs" / ".scratch").glob(f"*-{pid}-*/render-*"):
        if (folder / "work").is_dir() and not (folder / "response.tar").exists():
            return True
    return False


def test_a_tool_killed_mid_stage_is_restarted_and_the_run_finishes(served):
    plan = small_plan("short.json", width=WIDTH * 2, height=HEIGHT * 2)  # new keys: renders
    victim = served.pids["videos_wan"]
    with served.client() as client:
        assert client.post("/invoke", json={"plan": plan, "run_id": "served-kill"}).is_success
        deadline = time.monotonic() + 120
        while not rendering_in(served.root, victim):  # a clip is rendering: its tool dies
            assert time.monotonic() < deadline, records(served, "served-kill")
            time.sleep(0.02)
        os.killpg(victim, signal.SIGKILL)
    status = finish(served, "served-kill")
    assert status["status"] == "succeeded", status
    assert re.search(r"videos_wan exited with code -9 .*restarting", served.output())
    assert "videos_wan restarted" in served.output()
    steps = records(served, "served-kill").values()
    clips = [r for r in steps if r["stage"] == "video" and r["status"] == "succeeded"]
    assert clips and all(
        r["served_by"] == f"videos_wan at {served.tools['videos_wan']}" for r in clips
    )
    assert max(r["attempts"] for r in clips) >= 2  # the clip it dropped was tried again


def test_sigterm_stops_every_process_of_the_state_home(served):
    assert set(served.pids) == {"api", *TOOLS}
    assert processes_of(served.root)  # running now
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(30) == 0, served.output()
    deadline = time.monotonic() + 10
    while processes_of(served.root):
        assert time.monotonic() < deadline, processes_of(served.root)
        time.sleep(0.1)
    assert "stopped" in served.output()
