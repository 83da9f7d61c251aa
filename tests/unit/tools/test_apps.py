"""The six FunctionTool apps over FastAPI's test client: /health open and every other route
behind the token (walked from each app's routes); /ready honest about every backend (the
ones not built yet say what is missing); /invoke with a backend not built is a typed 503,
an unknown one a 422 naming `backend`; a keyframe rendered over HTTP is byte-identical to
the adapter's in-process one; a clip rendered from two uploaded keyframes; a film
assembled from uploaded clips and a voice line; the script tool writes the plan the
script agent writes; no answer names a path of the host."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sparkle_motion.adapters.images.procedural import ProceduralKeyframes, draw_keyframe
from sparkle_motion.catalog.tool_specs import TOOL_IDS, load_tool_spec
from sparkle_motion.http.app import is_open
from sparkle_motion.script_agent import generate_plan
from sparkle_motion.storage import open_artifact_store
from tests.conftest import make_settings
from tests.support.media import HEIGHT, WIDTH, context, job, small_plan, step, still_clip, tone

TOKEN = "tool-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WITHOUT_WEIGHTS = {
    "tts_chatterbox": "chatterbox",
    "images_sdxl": "sdxl",
    "videos_wan": "wan",
    "lipsync_wav2lip": "wav2lip",
}  # built, but these settings name no weights
UNREADY = dict(WITHOUT_WEIGHTS)
WEIGHTS_ENV = {
    "sdxl": "IMAGES_SDXL_MODEL",
    "wan": "VIDEOS_WAN_MODEL",
    "chatterbox": "TTS_CHATTERBOX_MODEL",
    "wav2lip": "LIPSYNC_WAV2LIP_MODEL",
}
# a step of each tool's kind in examples/plans/short.json
STEP_OF = {
    "images_sdxl": "image.kf-000",
    "videos_wan": "video.launch",
    "tts_chatterbox": "tts.launch-l1",
    "lipsync_wav2lip": "lipsync.launch",
    "assemble_ffmpeg": "assemble.film",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tools-home")


@pytest.fixture(scope="module")
def settings(home):
    return make_settings(home=home, runs_dir=home / "runs", db_path=home / "s.db")


@pytest.fixture(scope="module")
def apps(settings):
    import importlib

    built = {}
    for tool_id in TOOL_IDS:
        app = importlib.import_module(f"sparkle_motion.tools.{tool_id}").create_app(
            settings, token=TOKEN
        )
        built[tool_id] = (
            app,
            TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False),
        )
    return built


@pytest.fixture(scope="module")
def ctx():
    return context(small_plan("short.json"), run_id="r1")


def body(ctx, step_id: str, **more) -> dict:
    return {
        "run_id": ctx.run_id,
        "step": step(ctx, step_id).model_dump(mode="json"),
        "context": ctx.model_dump(mode="json"),
        **more,
    }


def no_host_paths(text: str, home: Path) -> None:
    assert str(home) not in text and sys.prefix not in text and '"local_path"' not in text


def upload(settings, name: str, data: bytes | Path, mime: str, kind: str) -> str:
    """What the upload route will do: store a file under the run, answer its URI."""
    store = open_artifact_store(settings, scan=False)
    try:
        ref = store.publish(
            run_id="r1", stage="uploads", name=name, data=data, mime_type=mime, artifact_type=kind
        )
    finally:
        store.close()
    return ref.uri


def stored_bytes(settings, uri: str) -> bytes:
    store = open_artifact_store(settings, scan=False)
    try:
        return store.read_bytes(uri)
    finally:
        store.close()


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_health_is_open_and_every_other_route_needs_the_token(apps, tool_id):
    app, client = apps[tool_id]
    assert client.get("/health").json()["ok"] is True
    paths = set()
    for route in app.routes:
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method == "HEAD" or is_open(route.path):
                continue
            paths.add(route.path)
            for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": TOKEN}):
                answer = client.request(method, route.path, headers=headers, json={})
                assert answer.status_code == 401, (tool_id, method, route.path, answer.text)
                assert answer.json()["error"]["type"] == "Unauthorized"
    assert {"/invoke", "/ready", "/release", "/openapi.json"} <= paths


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_openapi_lists_invoke_with_its_request_model(apps, tool_id):
    _, client = apps[tool_id]
    spec = client.get("/openapi.json", headers=AUTH).json()
    invoke = spec["paths"]["/invoke"]["post"]
    ref = invoke["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    wanted = "ScriptInvokeRequest" if tool_id == "script_agent" else "StepInvokeRequest"
    assert ref.endswith(wanted)
    assert {"200", "422", "503"} <= set(invoke["responses"])
    assert "/ready" in spec["paths"] and "/release" in spec["paths"]


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_ready_lists_every_backend_with_its_honest_state(apps, tool_id, home):
    _, client = apps[tool_id]
    answer = client.get("/ready", headers=AUTH)
    assert answer.status_code == 200
    ready = answer.json()
    spec = load_tool_spec(tool_id)
    assert [b["name"] for b in ready["backends"]] == [b.name for b in spec.backends]
    states = {b["name"]: b for b in ready["backends"]}
    missing_one = UNREADY.get(tool_id)
    if missing_one is not None:
        state = states[missing_one]
        built = tool_id in WITHOUT_WEIGHTS
        assert state["registered"] is built and state["importable"] is built
        assert state["ready"] is False and state["weights_present"] is False
        assert any("not built yet" in m for m in state["missing"]) is not built
        assert any(WEIGHTS_ENV[missing_one] in m for m in state["missing"])
    for name, state in states.items():
        if name != missing_one and tool_id != "script_agent":
            assert state["ready"] is True and state["missing"] == [], state
    default = spec.default_backend.name
    assert ready["backend"] == default
    assert ready["ready"] is (default not in UNREADY.values())
    if tool_id == "script_agent":  # the settings plan offline: the LLM says what it needs
        assert states["llm"]["ready"] is False
        assert "SCRIPT_AGENT_MODEL" in states["llm"]["missing"][0]
    no_host_paths(answer.text, home)


@pytest.mark.parametrize("tool_id", sorted(WITHOUT_WEIGHTS))
def test_invoke_on_a_backend_without_its_weights_is_a_typed_503(apps, ctx, tool_id):
    _, client = apps[tool_id]
    backend = WITHOUT_WEIGHTS[tool_id]
    answer = client.post("/invoke", json=body(ctx, STEP_OF[tool_id], backend=backend), headers=AUTH)
    assert answer.status_code == 503, answer.text
    error = answer.json()["error"]
    assert error["type"] == "MissingWeightsError" and error["backend"] == backend
    assert WEIGHTS_ENV[backend] in error["message"] and error["transient"] is False


@pytest.mark.parametrize("tool_id", sorted(STEP_OF))
def test_an_unknown_backend_is_a_422_naming_it(apps, ctx, tool_id):
    _, client = apps[tool_id]
    answer = client.post(
        "/invoke", json=body(ctx, STEP_OF[tool_id], backend="dall_e"), headers=AUTH
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "backend"
    assert answer.json()["error"]["backend"] == "dall_e"


def test_a_keyframe_over_http_is_byte_identical_to_the_in_process_one(
    apps, ctx, settings, home, tmp_path
):
    _, client = apps["images_sdxl"]
    key = "ab" * 32
    answer = client.post("/invoke", json=body(ctx, "image.kf-001", step_key=key), headers=AUTH)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["backend"] == "procedural_keyframes" and result["step_id"] == "image.kf-001"
    (out,) = result["outputs"]
    assert out["artifact_id"] == f"image.kf-001-{key[:12]}-0"  # as the engine stores it
    assert out["stage"] == "base_images" and out["run_id"] == "r1"
    assert out["metadata"]["step_key"] == key and out["mime_type"] == "image/png"
    no_host_paths(answer.text, home)
    local = ProceduralKeyframes().run(job(ctx, "image.kf-001", {}, tmp_path / "w"))[0].data
    assert isinstance(local, bytes)
    assert stored_bytes(settings, out["uri"]) == local
    # the scratch folder is gone
    assert not [p for p in (home / "runs" / ".scratch").rglob("image.kf-001-*")]


def test_a_clip_from_two_uploaded_keyframes(apps, ctx, settings, home, tmp_path):
    import av

    first, last = step(ctx, "image.kf-000"), step(ctx, "image.kf-001")
    inputs = {
        "@image.kf-000": upload(
            settings, "a.png", draw_keyframe(first, WIDTH, HEIGHT, 1), "image/png", "keyframe"
        ),
        "@image.kf-001": upload(
            settings, "b.png", draw_keyframe(last, WIDTH, HEIGHT, 2), "image/png", "keyframe"
        ),
    }
    _, client = apps["videos_wan"]
    answer = client.post("/invoke", json=body(ctx, "video.launch", inputs=inputs), headers=AUTH)
    assert answer.status_code == 200, answer.text
    (out,) = answer.json()["outputs"]
    assert answer.json()["backend"] == "ffmpeg_motion" and out["mime_type"] == "video/mp4"
    assert "<host>" in out["metadata"]["ffmpeg"]["command"]  # the command, without our folders
    no_host_paths(answer.text, home)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(stored_bytes(settings, out["uri"]))
    with av.open(str(clip)) as container:
        video = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video))
        assert (video.codec_context.width, video.codec_context.height) == (WIDTH, HEIGHT)
    assert frames == out["metadata"]["frames"]


def test_inputs_are_artifact_uris_of_the_store_and_cover_the_step(apps, ctx, settings):
    _, client = apps["videos_wan"]
    kf = upload(settings, "c.png", b"\x89PNG not really", "image/png", "keyframe")
    cases = [
        ({"@image.kf-000": kf}, "inputs.@image.kf-001"),  # one missing
        ({"@image.kf-000": kf, "@image.kf-001": kf, "@x": kf}, "inputs.@x"),  # one unread
        ({"@image.kf-000": kf, "@image.kf-001": "/etc/passwd"}, "inputs.@image.kf-001"),
        (
            {"@image.kf-000": kf, "@image.kf-001": "artifact+fs://r1/../../x"},
            "inputs.@image.kf-001",
        ),
        ({"@image.kf-000": kf, "@image.kf-001": "artifact+fs://r1/none"}, "inputs.@image.kf-001"),
    ]
    for inputs, field in cases:
        answer = client.post("/invoke", json=body(ctx, "video.launch", inputs=inputs), headers=AUTH)
        assert answer.status_code == 422, (inputs, answer.text)
        assert answer.json()["error"]["field"] == field
    wrong = client.post("/invoke", json=body(ctx, "image.kf-000"), headers=AUTH)
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "step.type"
    other_run = client.post(
        "/invoke", json={**body(ctx, "video.launch"), "run_id": "r2"}, headers=AUTH
    )
    assert other_run.status_code == 422 and other_run.json()["error"]["field"] == "context.run_id"
    extra = client.post(
        "/invoke", json={**body(ctx, "video.launch"), "folder": "/tmp"}, headers=AUTH
    )
    assert extra.status_code == 422 and extra.json()["error"]["field"] == "folder"


def test_a_film_assembled_from_uploaded_clips_and_a_line(apps, ctx, settings, home, tmp_path):
    import av

    assemble = step(ctx, "assemble.film")
    fps = ctx.render_profile.fps
    kf = step(ctx, "image.kf-000")
    inputs = {}
    for shot in assemble.shots:
        frames = max(1, round(shot.duration_s * fps))
        clip = still_clip(kf, tmp_path / f"{shot.shot_id}.mp4", frames, fps)
        inputs[shot.clip] = upload(settings, clip.name, clip, "video/mp4", "shot_mp4")
    for line in assemble.dialogue:
        wav = tone(tmp_path / f"{line.line_id}.wav", 1.0)
        inputs[line.audio] = upload(settings, wav.name, wav, "audio/wav", "dialogue_wav")
    _, client = apps["assemble_ffmpeg"]
    answer = client.post("/invoke", json=body(ctx, "assemble.film", inputs=inputs), headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["backend"] == "ffmpeg"
    no_host_paths(answer.text, home)
    film = next(o for o in answer.json()["outputs"] if o["mime_type"] == "video/mp4")
    path = tmp_path / "film.mp4"
    path.write_bytes(stored_bytes(settings, film["uri"]))
    with av.open(str(path)) as container:
        assert container.streams.video and container.streams.audio
        seconds = container.duration / 1e6
    assert seconds == pytest.approx(sum(s.duration_s for s in assemble.shots), abs=0.6)


class Unloadable:
    """A backend instance that holds a model: /ready reports it, /release drops it."""

    name, version, model_id, concurrent = "procedural_keyframes", "1", None, True

    def __init__(self) -> None:
        self.loaded, self.unloads = True, 0

    def unload(self) -> None:
        self.loaded, self.unloads = False, self.unloads + 1


def test_release_unloads_what_is_loaded_and_says_what_of_the_lease(settings, monkeypatch):
    from sparkle_motion.tools import images_sdxl

    app = images_sdxl.create_app(settings, token=TOKEN)  # its own: the fake stays in it
    client = TestClient(app, base_url="http://127.0.0.1")
    fake = Unloadable()
    monkeypatch.setattr("sparkle_motion.tools.backends.adapter_named", lambda name: fake)
    before = client.get("/ready", headers=AUTH).json()["backends"][0]
    assert before["loaded"] is True
    released = client.post("/release", json={"backend": "procedural_keyframes"}, headers=AUTH)
    assert released.status_code == 200
    answer = released.json()
    assert answer["unloaded"] == ["procedural_keyframes"] and fake.unloads == 1
    assert answer["gpu_lease"] == "none held"  # procedural keyframes hold no GPU
    assert client.get("/ready", headers=AUTH).json()["backends"][0]["loaded"] is False
    every = client.post("/release", json={}, headers=AUTH).json()
    assert every["backends"] == ["procedural_keyframes", "sdxl"]
    unknown = client.post("/release", json={"backend": "nope"}, headers=AUTH)
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "backend"


def test_the_script_tool_writes_the_plan_the_script_agent_writes(apps, settings):
    _, client = apps["script_agent"]
    idea = "a lighthouse keeper befriends a whale"
    answer = client.post("/invoke", json={"idea": idea, "seed": 4}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["backend"] == "offline_planner" and result["seed"] == 4
    direct = generate_plan(idea, seed=4, settings=settings, publish=False)
    wanted = direct.plan.model_dump(mode="json", exclude_defaults=True)
    # the same plan: only when it was written may differ (the two can straddle a second)
    assert {**result["plan"], "created_at": None} == {**wanted, "created_at": None}
    llm = client.post("/invoke", json={"idea": idea, "backend": "llm"}, headers=AUTH)
    assert llm.status_code == 503 and llm.json()["error"]["backend"] == "llm"
    assert "SCRIPT_AGENT_MODEL" in llm.json()["error"]["message"]
    empty = client.post("/invoke", json={"idea": ""}, headers=AUTH)
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "idea"
    released = client.post("/release", json={}, headers=AUTH).json()
    assert released["unloaded"] == ["offline_planner", "llm"]


def test_an_idea_the_plan_rules_refuse_is_a_422_naming_idea(apps):
    """Found by tests/unit/http/test_openapi_fuzz.py: an idea holding a control character
    was a 422 naming `description` (the written plan's field), a blank one `<idea>`; the
    request's field is `idea`, through /invoke and through the agent's write_plan call."""
    _, client = apps["script_agent"]
    for idea, rule in (("a whale\x1b", "control character"), ("\u200b \t", "visible")):
        answer = client.post("/invoke", json={"idea": idea}, headers=AUTH)
        error = answer.json()["error"]
        assert answer.status_code == 422 and error["field"] == "idea", answer.text
        assert error["type"] == "RunRequestError" and rule in error["message"]
        asked = client.post("/agent", json={"request": idea}, headers=AUTH)
        assert asked.status_code == 422 and asked.json()["error"]["field"] == "idea", asked.text
        assert [set(c["args"]) for c in asked.json()["agent"]["calls"]] == [{"idea"}]
    fine = client.post("/invoke", json={"idea": "a whale\tsings\n"}, headers=AUTH)
    assert fine.status_code == 200, fine.text


def test_a_tool_module_builds_its_app_lazily(monkeypatch, tmp_path):
    from sparkle_motion.tools import videos_wan

    monkeypatch.setenv("SPARKLE_API_TOKEN", TOKEN)
    monkeypatch.setattr(videos_wan._TOOL, "_app", None)
    app = videos_wan.app
    assert app is videos_wan.app and app.state.spec.id == "videos_wan"
    with pytest.raises(AttributeError):
        videos_wan.nothing  # noqa: B018
