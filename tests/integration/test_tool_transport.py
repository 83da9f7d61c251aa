"""The catalog's two transports give the same film. One plan runs twice from fresh state
homes: once with every backend in the run's process, once with the keyframes, voices,
clips and the film rendered by FunctionTool apps served over real HTTP (uvicorn on
loopback) from a state home of their own, so nothing reaches them but the /render
archives. Every step's artifacts are byte-identical, the step keys are the same, and the
records say which tool rendered what."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sparkle_motion.production_agent import execute_plan
from sparkle_motion.resources import configs_dir
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.storage import open_artifact_store, open_database
from sparkle_motion.tools import assemble_ffmpeg, images_sdxl, tts_chatterbox, videos_wan
from tests.conftest import make_settings
from tests.support.media import small_plan
from tests.support.served import Served

TOKEN = "transport-test-token-0123"
SERVED = {  # tool module, the backends it renders here
    "images_sdxl": (images_sdxl, ["procedural_keyframes"]),
    "tts_chatterbox": (tts_chatterbox, ["piper"]),
    "videos_wan": (videos_wan, ["ffmpeg_motion"]),
    "assemble_ffmpeg": (assemble_ffmpeg, ["ffmpeg"]),
}
STAGE_TOOL = {
    "base_images": "images_sdxl",
    "dialogue_audio": "tts_chatterbox",
    "video": "videos_wan",
    "assemble": "assemble_ffmpeg",
}


def home_settings(home: Path, **more):
    return make_settings(
        home=home, runs_dir=home / "runs", db_path=home / "state.db", api_token=TOKEN, **more
    )


@pytest.fixture(scope="module")
def tools(tmp_path_factory) -> Iterator[dict[str, str]]:
    tool_home = tmp_path_factory.mktemp("tool-home")
    settings = home_settings(tool_home)
    served = {tool: Served(module.create_app(settings)) for tool, (module, _) in SERVED.items()}
    yield {tool: s.url for tool, s in served.items()}
    for s in served.values():
        s.stop()


def records(settings, run_id: str):
    db = open_database(settings)
    try:
        return {r.step_id: r for r in StepRecords(db).list(run_id)}
    finally:
        db.close()


def manifest(settings, record) -> dict:
    store = open_artifact_store(settings, scan=False)
    try:
        data = json.loads(store.read_bytes(record.artifacts[0].uri))
    finally:
        store.close()
    # its home, its time, and what the steps cost (their measured seconds)
    return {k: v for k, v in data.items() if k not in ("local_path", "created_at", "cost")}


def remote_configs(into: Path, urls: dict[str, str]) -> Path:
    """The packaged configs, with a catalog that places the served backends `remote`."""
    shutil.copytree(configs_dir(), into)
    catalog = yaml.safe_load((into / "tool_registry.yaml").read_text())
    catalog["tools"].update(urls)
    for _, backends in SERVED.values():
        for backend in backends:
            catalog["backends"][backend] = "remote"
    (into / "tool_registry.yaml").write_text(yaml.safe_dump(catalog))
    return into


def test_in_process_and_http_transports_give_byte_identical_artifacts(tmp_path, tools):
    plan = small_plan("short.json")
    local = home_settings(tmp_path / "local")
    execute_plan(plan, mode="run", run_id="same", settings=local)
    remote = home_settings(
        tmp_path / "remote", configs_dir=remote_configs(tmp_path / "configs", tools)
    )
    execute_plan(plan, mode="run", run_id="same", settings=remote)

    here, there = records(local, "same"), records(remote, "same")
    assert set(here) == set(there) and len(here) >= 6
    for step_id, mine in here.items():
        theirs = there[step_id]
        assert (mine.status.value, theirs.status.value) == ("succeeded", "succeeded"), step_id
        assert mine.step_key == theirs.step_key, step_id
        if theirs.stage == "finalize":  # the manifest names its home, its time and its cost
            assert manifest(local, mine) == manifest(remote, theirs)
            continue
        assert [a.checksum_sha256 for a in mine.artifacts] == [
            a.checksum_sha256 for a in theirs.artifacts
        ], step_id
        assert [a.uri for a in mine.artifacts] == [a.uri for a in theirs.artifacts], step_id
        assert mine.served_by is None
        tool = STAGE_TOOL.get(theirs.stage)
        assert theirs.served_by == (f"{tool} at {tools[tool]}" if tool else None), step_id
    assert {r.stage for r in there.values() if r.served_by} == set(STAGE_TOOL)
