"""POST /agent: each tool's own ADK agent (the offline `sparkle-tool-caller` model) turns a
request in words into one call of its tool. A keyframe and a clip an agent renders again
for a finished run are the bytes the run rendered and the bytes a direct POST /invoke with
the same parameters stores; the script agent writes the plan /invoke writes; a backend the
tool cannot run, an unknown run and a request that names no step are typed errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sparkle_motion.production_agent import execute_plan
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.storage import open_artifact_store, open_database
from sparkle_motion.tools import images_sdxl, script_agent, videos_wan
from tests.conftest import make_settings
from tests.support.media import context, small_plan, step

TOKEN = "agent-test-token-0123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RUN = "agent-run"


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    home: Path = tmp_path_factory.mktemp("agent-home")
    settings = make_settings(home=home, runs_dir=home / "runs", db_path=home / "s.db")
    execute_plan(small_plan("short.json"), mode="run", run_id=RUN, settings=settings)
    return settings


def client(module, settings) -> TestClient:
    app = module.create_app(settings, token=TOKEN)
    return TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)


def sha_of_run(settings, step_id: str) -> str:
    db = open_database(settings)
    try:
        return StepRecords(db).get(RUN, step_id).artifacts[0].checksum_sha256
    finally:
        db.close()


def stored(settings, uri: str) -> bytes:
    store = open_artifact_store(settings, scan=False)
    try:
        return store.read_bytes(uri)
    finally:
        store.close()


def test_an_agent_renders_a_keyframe_as_the_run_and_a_direct_invoke_did(settings):
    tool = client(images_sdxl, settings)
    said = tool.post("/agent", json={"request": f"render image.kf-001 of run {RUN}"}, headers=AUTH)
    assert said.status_code == 200, said.text
    answer = said.json()
    assert answer["model"] == "sparkle-tool-caller"
    assert [c["name"] for c in answer["calls"]] == ["render"]
    assert answer["calls"][0]["args"] == {"run_id": RUN, "step_id": "image.kf-001"}
    rendered = answer["calls"][0]["response"]["outputs"][0]
    assert "rendered image.kf-001" in answer["answer"]
    ctx = context(small_plan("short.json"), run_id=RUN)
    direct = tool.post(
        "/invoke",
        json={
            "run_id": RUN,
            "step": step(ctx, "image.kf-001").model_dump(mode="json"),
            "context": ctx.model_dump(mode="json"),
        },
        headers=AUTH,
    )
    assert direct.status_code == 200, direct.text
    invoked = direct.json()["outputs"][0]
    assert rendered["checksum_sha256"] == invoked["checksum_sha256"]
    assert rendered["checksum_sha256"] == sha_of_run(settings, "image.kf-001")
    assert stored(settings, rendered["uri"]) == stored(settings, invoked["uri"])


def test_an_agent_renders_a_clip_from_the_keyframes_its_run_rendered(settings):
    tool = client(videos_wan, settings)
    said = tool.post(
        "/agent", json={"request": f"Please render video.launch of run {RUN}."}, headers=AUTH
    )
    assert said.status_code == 200, said.text
    clip = said.json()["calls"][0]["response"]["outputs"][0]
    assert clip["checksum_sha256"] == sha_of_run(settings, "video.launch")


def test_the_script_agent_writes_the_plan_invoke_writes(settings):
    tool = client(script_agent, settings)
    said = tool.post(
        "/agent",
        json={"request": "write a plan, seed 7: a lighthouse keeper befriends a whale"},
        headers=AUTH,
    )
    assert said.status_code == 200, said.text
    call = said.json()["calls"][0]
    assert call["args"] == {"idea": "a lighthouse keeper befriends a whale", "seed": 7}
    direct = tool.post(
        "/invoke", json={"idea": "a lighthouse keeper befriends a whale", "seed": 7}, headers=AUTH
    ).json()
    drop = ("created_at",)
    mine = {k: v for k, v in call["response"]["plan"].items() if k not in drop}
    assert mine == {k: v for k, v in direct["plan"].items() if k not in drop}


@pytest.mark.parametrize(
    ("request_text", "status", "kind", "field"),
    [
        (f"render image.kf-001 of run {RUN} with sdxl", 503, "MissingWeightsError", None),
        (f"render image.kf-001 of run {RUN} with painter", 422, "RunRequestError", "backend"),
        ("render image.kf-001 of run no-such-run", 404, "RunNotFoundError", None),
        (f"render image.kf-999 of run {RUN}", 422, "RunRequestError", "step_id"),
        (f"render video.launch of run {RUN} please", 200, None, None),
        (f"render the first keyframe of run {RUN}", 422, "RunRequestError", "request"),
    ],
)
def test_what_the_agent_cannot_do_is_a_typed_error(settings, request_text, status, kind, field):
    tool = client(videos_wan if "video" in request_text else images_sdxl, settings)
    said = tool.post("/agent", json={"request": request_text}, headers=AUTH)
    assert said.status_code == status, said.text
    if kind is not None:
        error = said.json()["error"]
        assert (error["type"], error["field"]) == (kind, field), error
        assert "agent" in said.json()  # what the agent did and said comes along


def test_an_argument_out_of_range_is_a_422_naming_it(settings):
    tool = client(script_agent, settings)
    said = tool.post(
        "/agent", json={"request": "write a plan, seed 99999999999: a whale"}, headers=AUTH
    )
    assert said.status_code == 422, said.text
    assert said.json()["error"]["field"] == "seed"


def test_a_tool_without_google_adk_sends_its_agent_requests_to_the_api(settings, monkeypatch):
    """.venv-chatterbox cannot hold google-adk (gradio's starlette pin): that tool's /agent
    says where its agent is served instead of failing to start."""
    from sparkle_motion.tools import factory

    real = factory.importlib.util.find_spec
    monkeypatch.setattr(
        factory.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "google.adk" else real(name, *a),
    )
    tool = client(images_sdxl, settings)
    said = tool.post("/agent", json={"request": f"render image.kf-001 of run {RUN}"}, headers=AUTH)
    assert said.status_code == 503
    error = said.json()["error"]
    assert error["type"] == "MissingAdkSdkError" and "POST /agent/images_sdxl" in error["message"]
    assert tool.get("/ready", headers=AUTH).status_code == 200  # the tool itself serves on


def test_the_api_asks_a_tools_agent_which_renders_through_the_tool(settings, tmp_path):
    import shutil

    import yaml

    from sparkle_motion.resources import configs_dir
    from sparkle_motion.server.app import create_production_app
    from tests.support.served import Served

    served = Served(images_sdxl.create_app(settings, token=TOKEN))
    try:
        configs = tmp_path / "configs"
        shutil.copytree(configs_dir(), configs)
        catalog = yaml.safe_load((configs / "tool_registry.yaml").read_text())
        catalog["tools"]["images_sdxl"] = served.url
        (configs / "tool_registry.yaml").write_text(yaml.safe_dump(catalog))
        api = TestClient(
            create_production_app(
                settings.model_copy(update={"configs_dir": configs}), token=TOKEN
            ),
            base_url="http://127.0.0.1",
            raise_server_exceptions=False,
        )
        asked = f"render image.kf-001 of run {RUN}"
        said = api.post("/agent/images_sdxl", json={"request": asked}, headers=AUTH)
        assert said.status_code == 200, said.text
        answer = said.json()
        assert answer["tool"] == "images_sdxl" and answer["model"] == "sparkle-tool-caller"
        rendered = answer["calls"][0]["response"]["outputs"][0]
        assert rendered["checksum_sha256"] == sha_of_run(settings, "image.kf-001")
        missing = api.post(
            "/agent/images_sdxl",
            json={"request": f"render image.kf-999 of run {RUN}"},
            headers=AUTH,
        )
        assert missing.status_code == 422 and missing.json()["error"]["field"] == "step_id"
        for tool in ("script_agent", "no_such_tool"):
            refused = api.post(f"/agent/{tool}", json={"request": asked}, headers=AUTH)
            assert refused.status_code == 422 and refused.json()["error"]["field"] == "tool"
        assert api.post("/agent/images_sdxl", json={"request": asked}).status_code == 401
    finally:
        served.stop()
