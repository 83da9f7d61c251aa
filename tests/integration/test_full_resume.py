"""A kill -9 during the video stage of a `full` run on the tiny random-weight models, then
`resume` (issue 14): the steps finished before the kill are not rendered again (each was
started once, in the killed process, and is reused by the resume), and the film's sha256
equals an uninterrupted run's and its manifest's.

Both runs are `sparkle-motion run --profile full --adapter tts=piper,lipsync=audio_mux`
in a fresh process with a state home of its own. The plan is examples/plans/tiny_full.json
cut to its first three shots, 3 s each at 128x64: a whole run takes about 30 s on a quiet
2-core CPU instead of about 100 s, and the kill still lands after a finished clip, while
the next one renders."""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.support.cli import cli_env
from tests.support.killed_run import kill_when, records, run_cli, starts

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

SHOTS = 3
RUN = ("--profile", "full", "--adapter", "tts=piper,lipsync=audio_mux", "-q")


def small_full_plan() -> dict:
    plan = copy.deepcopy(json.loads((EXAMPLES / "tiny_full.json").read_text()))
    plan["id"] = "tiny-full-resume"
    plan["render_profile"].update(width=128, height=64)
    plan["shots"] = plan["shots"][:SHOTS]
    plan["base_images"] = plan["base_images"][: SHOTS + 1]
    for shot in plan["shots"]:
        shot["duration_s"] = 3
        for line in shot.get("dialogue", []):
            if "start_s" in line:
                line["start_s"] = 0.5  # the line still fits the shorter shot
    return plan


def env(root: Path, models: dict[str, Path]) -> dict[str, str]:
    return cli_env(root, IMAGES_SDXL_MODEL=str(models["sdxl"]), VIDEOS_WAN_MODEL=str(models["wan"]))


def cli(root: Path, models: dict[str, Path], *args: str) -> subprocess.CompletedProcess:
    return run_cli(root, env(root, models), *args, timeout=600)


def clips(found: dict[str, dict], status: str) -> set[str]:
    return {s for s, r in found.items() if r["stage"] == "video" and r["status"] == status}


def kill_during_video(root: Path, models: dict[str, Path], run_id: str) -> dict[str, dict]:
    """`run`, SIGKILLed once a clip is finished and the next one is rendering."""
    return kill_when(
        root,
        env(root, models),
        ["run", "plan.json", "--run-id", run_id, *RUN],
        run_id,
        lambda found: bool(clips(found, "succeeded") and clips(found, "running")),
        "in its video stage",
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_kill_during_video_then_resume_renders_only_the_rest_and_the_same_film(
    tmp_path, tiny_models
):
    plan = json.dumps(small_full_plan())
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for root in (clean, killed):
        root.mkdir()
        (root / "plan.json").write_text(plan)

    cli(clean, tiny_models, "run", "plan.json", "--run-id", "clean", "-o", "film.mp4", *RUN)
    expected = records(clean, "clean")
    assert len(clips(expected, "succeeded")) == SHOTS

    at_kill = kill_during_video(killed, tiny_models, "k1")
    finished = {s for s, r in at_kill.items() if r["status"] == "succeeded"}
    done_clips = clips(at_kill, "succeeded")
    cut = clips(at_kill, "running")
    assert 0 < len(done_clips) < SHOTS and cut, (
        f"not killed while a clip rendered: finished {sorted(done_clips)}, rendering "
        f"{sorted(cut)}, of {SHOTS} clips"
    )
    assert not clips(at_kill, "cached")  # a fresh home: nothing could be reused

    resumed = cli(killed, tiny_models, "resume", "k1", "-o", "film.mp4", "-q")
    assert "continuing a crashed run" in resumed.stdout, resumed.stdout
    after = records(killed, "k1")
    started = starts(killed, "k1")

    # what finished before the kill was started once (then) and reused as it was
    for step in sorted(finished):
        assert started.get(step) == 1, f"{step} started {started.get(step)} times"
        assert after[step]["status"] == "cached", (step, after[step]["status"])
        assert after[step]["artifacts"] == at_kill[step]["artifacts"], step
    # the clip the kill cut off (started twice) and those it never reached (once) were
    # rendered by the resume
    rest = clips(expected, "succeeded") - done_clips
    assert clips(after, "succeeded") == rest
    assert {step: started.get(step) for step in rest} == {
        step: 2 if step in cut else 1 for step in rest
    }

    # the same clips and the same film as the uninterrupted run
    for step in clips(expected, "succeeded"):
        got = [a["checksum_sha256"] for a in after[step]["artifacts"]]
        want = [a["checksum_sha256"] for a in expected[step]["artifacts"]]
        assert got == want, f"{step}: its clip differs from the uninterrupted run's"
    film = sha256(killed / "film.mp4")
    manifest = json.loads(Path(after["finalize.film"]["artifacts"][0]["local_path"]).read_text())
    assert film == sha256(clean / "film.mp4") == manifest["checksum_sha256"]
    # it names the backend and model of every stage (the resume's stamps and the cached ones)
    made = {
        stage: [(m["backend"], m["model_id"]) for m in ms]
        for stage, ms in manifest["models"].items()
    }
    assert set(made) == {"base_images", "dialogue_audio", "video", "lipsync", "assemble"}
    for stage, pairs in made.items():
        assert [b for b, _ in pairs] == [manifest["backends"][stage]], made
    assert all(model for b, model in made["base_images"] + made["video"]), made
