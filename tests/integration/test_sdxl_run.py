"""SDXL keyframes in a whole run, on the tiny pipelines: a profile whose images are `sdxl`
(the rest preview) makes a film; its keyframe records name the adapter and the weights;
the pipeline was loaded once for the stage and is gone after it; with weights missing the
dry run reports it (the CLI exits 2) and the run fails at intake, before anything renders,
naming the env var and the files. Through the keyframes tool: /ready says ready, /invoke
renders with sdxl and holds the host's GPU lease (another process waits), /release drops
both the pipeline and the lease, and a second process then takes it and loads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
import yaml
from fastapi.testclient import TestClient

from sparkle_motion.adapters.gpu import GpuLease
from sparkle_motion.adapters.registry import adapter_named
from sparkle_motion.config import reset_settings_cache, use_settings
from sparkle_motion.errors import MissingWeightsError, RunFailedError
from sparkle_motion.production_agent import execute_plan
from sparkle_motion.resources import configs_dir
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.storage import MemoryLog, open_artifact_store, open_database
from sparkle_motion.tools import images_sdxl
from tests.conftest import REPO, make_settings
from tests.support.media import context, small_plan, step

PROFILE = "sdxl_preview"
MODELS = "models_preview"  # SDXL keyframes and Wan clips, 8 fps
TOKEN = "sdxl-test-token-0123"


@pytest.fixture
def configs(tmp_path):
    """The packaged configs plus a profile: preview, with SDXL keyframes."""
    into = tmp_path / "configs"
    shutil.copytree(configs_dir(), into)
    profiles = yaml.safe_load((into / "render_profiles.yaml").read_text())
    mine = dict(profiles["profiles"]["preview"], name=PROFILE, description="SDXL keyframes")
    mine["adapters"] = {**mine["adapters"], "images": "sdxl"}
    profiles["profiles"][PROFILE] = mine
    both = dict(mine, name=MODELS, description="SDXL keyframes, Wan clips", fps=8)
    both["adapters"] = {**mine["adapters"], "video": "wan"}
    profiles["profiles"][MODELS] = both
    (into / "render_profiles.yaml").write_text(yaml.safe_dump(profiles))
    return into


@pytest.fixture
def settings_for(configs, tmp_path) -> Iterator:
    def make(profile: str = PROFILE, **fields):
        settings = make_settings(
            home=tmp_path / "home", configs_dir=configs, render_profile=profile, **fields
        )
        use_settings(settings)  # what the adapters read
        return settings

    yield make
    adapter_named("sdxl").unload()
    adapter_named("wan").unload()
    reset_settings_cache()


def loader(locks, weights, *, timeout_s: float) -> str:
    """tests/support/gpu_loader.py in a process of its own: its one line."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.gpu_loader",
            str(locks),
            str(weights),
            str(timeout_s),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    return done.stdout.strip()


def plan() -> dict:
    """The short plan at 64x64 (SDXL's default 30 steps take about 0.5 s a keyframe on
    the tiny pipeline)."""
    made = small_plan("short.json", width=64, height=64)
    made["render_profile"] = {"name": PROFILE, "width": 64, "height": 64}
    return made


def records(settings, run_id):
    db = open_database(settings)
    try:
        return {r.step_id: r for r in StepRecords(db).list(run_id)}
    finally:
        db.close()


def test_a_run_with_sdxl_keyframes_makes_a_film(settings_for, tiny_models):
    settings = settings_for(images_sdxl_model=tiny_models["sdxl"])
    execute_plan(plan(), mode="run", run_id="sdxl-run", settings=settings)
    done = records(settings, "sdxl-run")
    keyframes = [r for r in done.values() if r.stage == "base_images"]
    assert keyframes and all(r.adapter == "sdxl" for r in keyframes)
    assert all(r.model_id and r.model_id.startswith("sdxl@") for r in keyframes)
    assert done["finalize.film"].status.value == "succeeded"
    loads = [
        name
        for r in keyframes
        for name, _ in r.artifacts[0].metadata["events"]
        if name == "load_start"
    ]
    assert loads == ["load_start"]  # once for the stage
    assert not adapter_named("sdxl").loaded()  # and gone with it
    # the records tell what each keyframe cost: where, load (the first), inference, memory
    assert all(r.device == "cpu" and r.metrics["inference_s"] > 0 for r in keyframes)
    assert all(r.metrics["peak_memory_mb"] > 0 for r in keyframes)
    assert sum("load_s" in r.metrics for r in keyframes) == 1


def test_a_run_with_sdxl_keyframes_and_wan_clips_makes_a_film(settings_for, tiny_models):
    settings = settings_for(
        MODELS, images_sdxl_model=tiny_models["sdxl"], videos_wan_model=tiny_models["wan"]
    )
    made = plan()
    made["render_profile"] = {"name": MODELS, "width": 64, "height": 64}
    execute_plan(made, mode="run", run_id="models-run", settings=settings)
    done = records(settings, "models-run")
    clips = [r for r in done.values() if r.stage == "video"]
    assert clips and all(r.adapter == "wan" and r.model_id.startswith("wan@") for r in clips)
    assert all(r.device == "cpu" and r.metrics["inference_s"] > 0 for r in clips)
    for clip in clips:
        meta = clip.artifacts[0].metadata
        assert (meta["generated_frames"] - 1) % 4 == 0 and meta["frames"] <= meta[
            "generated_frames"
        ]
    assert done["finalize.film"].status.value == "succeeded"
    assert not adapter_named("wan").loaded() and not adapter_named("sdxl").loaded()
    # the backends' events went live into the run's events, named for the stage policy
    db = open_database(settings)
    try:
        kinds = {e.event_type for e in MemoryLog(db).list("models-run")}
    finally:
        db.close()
    assert {"images_stage.load_start", "images_stage.denoise_step"} <= kinds
    assert {"videos_stage.chunk_start", "videos_stage.inference_end"} <= kinds
    # each model step's log is stored: what its record's logs_uri names
    store = open_artifact_store(settings)
    try:
        log = json.loads(store.read_bytes(clips[0].logs_uri))
    finally:
        store.close()
    assert log["step_id"] == clips[0].step_id and log["chunks"] and "ffmpeg" not in log
    assert [name for name, _ in log["events"]].count("denoise_step") >= 1
    assert done["assemble.film"].logs_uri is None  # not a model step


def test_missing_weights_stop_the_dry_run_and_the_run_before_anything_renders(
    settings_for, tmp_path
):
    from sparkle_motion.production_agent.dry import dry_report

    settings = settings_for(images_sdxl_model=tmp_path / "nowhere")
    report = dry_report(plan(), "sdxl-dry", settings)
    assert any(
        "IMAGES_SDXL_MODEL=" in b.message and "no such folder" in b.message for b in report.blockers
    ), report.blockers
    with pytest.raises((MissingWeightsError, RunFailedError)) as caught:
        execute_plan(plan(), mode="run", run_id="sdxl-nowhere", settings=settings)
    assert "IMAGES_SDXL_MODEL" in str(caught.value)
    assert records(settings, "sdxl-nowhere") == {}  # nothing ran


def test_the_keyframes_tool_serves_sdxl_and_releases_it(settings_for, tiny_models):
    settings = settings_for(images_sdxl_model=tiny_models["sdxl"])
    client = TestClient(images_sdxl.create_app(settings, token=TOKEN), base_url="http://127.0.0.1")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    ready = {b["name"]: b for b in client.get("/ready", headers=auth).json()["backends"]}
    assert ready["sdxl"]["ready"] is True and ready["sdxl"]["model_id"].startswith("sdxl@")
    ctx = context(plan(), run_id="sdxl-tool")
    answer = client.post(
        "/invoke",
        json={
            "backend": "sdxl",
            "run_id": "sdxl-tool",
            "step": step(ctx, "image.kf-000").model_dump(mode="json"),
            "context": ctx.model_dump(mode="json"),
        },
        headers=auth,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["backend"] == "sdxl"
    assert adapter_named("sdxl").loaded()
    # the tool holds the host's GPU lease with its pipeline: another process waits for it
    locks = settings.home / "locks"
    assert GpuLease(root=locks).state()["holder"]["pid"] == os.getpid()
    assert loader(locks, tiny_models["sdxl"], timeout_s=1.0) == "busy GpuLeaseTimeoutError"
    released = client.post("/release", json={"backend": "sdxl"}, headers=auth).json()
    assert released["unloaded"] == ["sdxl"] and released["gpu_lease"] == "released"
    assert not adapter_named("sdxl").loaded() and not GpuLease(root=locks).state().get("holder")
    # both gone: a second process takes the lease and loads
    assert loader(locks, tiny_models["sdxl"], timeout_s=10.0).startswith("loaded ")


def test_a_per_stage_override_renders_keys_and_names_the_backend_and_resume_keeps_it(
    settings_for, tiny_models
):
    from sparkle_motion.production_agent import film_of, resume_run

    settings = settings_for(
        "preview", images_sdxl_model=tiny_models["sdxl"], adapters=["images=sdxl"]
    )
    made = small_plan("short.json", width=64, height=64)
    execute_plan(made, mode="run", run_id="override-run", settings=settings)
    done = records(settings, "override-run")
    assert {r.adapter for r in done.values() if r.stage == "base_images"} == {"sdxl"}
    manifest = film_of("override-run", settings=settings)
    assert manifest.render_profile == "preview"
    assert manifest.backends["base_images"] == "sdxl"
    assert manifest.backends["video"] == "ffmpeg_motion"
    # resumed with no --adapter: the run keeps the backends it started with
    plain = settings.model_copy(update={"adapters": []})
    resume_run("override-run", from_stage="base_images", settings=plain).wait()
    again = records(settings, "override-run")
    keyframes = [r for r in again.values() if r.stage == "base_images"]
    assert {r.adapter for r in keyframes} == {"sdxl"}
    assert all(r.step_key == done[r.step_id].step_key for r in keyframes)
