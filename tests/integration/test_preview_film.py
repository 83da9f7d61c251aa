"""The preview film end to end, through the CLI and the ADK graph, on small media
(320x176): `sparkle-motion run PLAN -o film.mp4` in a fresh process, then every check
the preview-film issue names, and a kill during the video stage followed by `resume`
giving a film with the same sha256 as the uninterrupted run."""

from __future__ import annotations

import hashlib
import itertools
import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from sparkle_motion.media.probe import probe
from tests.support.cli import CLI, cli_env, run_cli
from tests.support.media import decode_audio, rms, small_plan


def _spawn_run(root: Path, run_id: str) -> subprocess.Popen:
    """`sparkle-motion run plan.json` in the background, in `root`."""
    return subprocess.Popen(
        [*CLI, "run", "plan.json", "--run-id", run_id, "-q"],
        cwd=root,
        env=cli_env(root),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_video(root: Path, child: subprocess.Popen, at_least: int = 1) -> bool:
    """Until `at_least` video steps have started in the run at `root` (False if it ended)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and child.poll() is None:
        try:
            conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
            started = conn.execute(
                "SELECT count(*) FROM memory_events WHERE event_type = 'step_started' "
                "AND payload LIKE '%\"video.%'"
            ).fetchone()[0]
            conn.close()
        except sqlite3.OperationalError:
            started = 0  # the database is not there yet
        if started >= at_least:
            return True
        time.sleep(0.05)
    return False


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def film(tmp_path_factory):
    root = tmp_path_factory.mktemp("film")
    plan = small_plan()
    (root / "plan.json").write_text(json.dumps(plan))
    done = run_cli(root, "run", "plan.json", "-o", "film.mp4", "--run-id", "f1", "-q")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    return root, plan, done


def _records(root: Path, run_id: str) -> dict[str, dict]:
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    rows = conn.execute("SELECT step_id, record FROM step_records WHERE run_id = ?", (run_id,))
    out = {step: json.loads(rec) for step, rec in rows}
    conn.close()
    return out


def test_run_prints_the_film_and_the_run_id(film):
    root, _, done = film
    assert f"film: {root / 'film.mp4'}" in done.stdout and done.stdout.rstrip().endswith("run f1")


def test_the_film_is_h264_and_aac_and_as_long_as_the_plan(film):
    root, plan, _ = film
    info = probe(root / "film.mp4")
    total = sum(s["duration_s"] for s in plan["shots"])
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert abs(info.duration_s - total) <= 0.5 and (info.width, info.height) == (320, 176)


def test_speech_stands_over_the_score_and_the_score_fills_the_gaps(film):
    root, _, _ = film
    records = _records(root, "f1")
    assemble = next(s for s in json.loads(_run_plan_steps(root)) if s["type"] == "assemble")
    samples, rate = decode_audio(root / "film.mp4")
    windows = []
    for line in assemble["dialogue"]:
        wav = Path(records["tts." + line["line_id"]]["artifacts"][0]["local_path"])
        import wave

        with wave.open(str(wav)) as w:
            seconds = w.getnframes() / w.getframerate()
        windows.append((line["start_s"], line["start_s"] + seconds))
    windows.sort()
    loud = [rms(samples, rate, a, b) for a, b in windows]
    gaps = [
        (b1 + 0.15, a2 - 0.15) for (_, b1), (a2, _) in itertools.pairwise(windows) if a2 - b1 > 0.6
    ]
    quiet = [rms(samples, rate, a, b) for a, b in gaps]
    # the score plays between the lines (no digital silence), ducked well under speech
    assert gaps and min(loud) > 2 * max(quiet) and min(loud) > 0.01
    assert min(quiet) > 0.003


def _run_plan_steps(root: Path) -> str:
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    (meta,) = conn.execute("SELECT metadata FROM runs WHERE run_id = 'f1'").fetchone()
    conn.close()
    from sparkle_motion.runs.intake import prepare

    ctx, _ = prepare(json.loads(meta)["plan_text"], run_id="f1")
    return json.dumps([s.model_dump(mode="json") for s in ctx.plan.steps])


def test_subtitles_have_one_cue_per_line(film):
    root, plan, _ = film
    records = _records(root, "f1")
    srt = next(
        a for a in records["assemble.film"]["artifacts"] if a["artifact_type"] == "subtitles_srt"
    )
    text = Path(srt["local_path"]).read_text()
    lines = sum(len(s.get("dialogue", [])) for s in plan["shots"])
    assert text.count(" --> ") == lines == 7


def test_consecutive_keyframes_differ(film):
    root, _, _ = film
    records = _records(root, "f1")
    shas = [
        records[k]["artifacts"][0]["checksum_sha256"]
        for k in sorted(k for k in records if k.startswith("image."))
    ]
    assert len(shas) == 7 and all(a != b for a, b in itertools.pairwise(shas))


def test_the_manifest_checksum_matches_the_file(film):
    root, _, _ = film
    record = _records(root, "f1")["finalize.film"]
    manifest = json.loads(Path(record["artifacts"][0]["local_path"]).read_text())
    assert (
        manifest["checksum_sha256"] == _sha(Path(manifest["local_path"])) == _sha(root / "film.mp4")
    )
    assert manifest["playback_ready"] is True and manifest["resolution_px"] == "320x176"
    assert record["artifacts"][0]["artifact_type"] == "video_final"


def test_lipsync_clips_say_they_are_not_lip_synced(film):
    root, _, _ = film
    records = _records(root, "f1")
    lips = [r for k, r in records.items() if k.startswith("lipsync.")]
    assert lips and all(r["artifacts"][0]["metadata"]["lipsynced"] is False for r in lips)


def test_the_manifest_has_a_record_per_line_and_per_lip_sync_shot(film):
    root, _, _ = film
    records = _records(root, "f1")
    manifest = json.loads(Path(records["finalize.film"]["artifacts"][0]["local_path"]).read_text())
    lines = {k.removeprefix("tts."): r for k, r in records.items() if k.startswith("tts.")}
    assert {x["line_id"] for x in manifest["lines"]} == set(lines)
    for entry in manifest["lines"]:
        wav = lines[entry["line_id"]]["artifacts"][0]
        assert entry["uri"] == wav["uri"] and entry["provider"] in ("piper", "flite", "espeak-ng")
        assert entry["watermarked"] is False and entry["duration_s"] > 0
    lips = {k.removeprefix("lipsync."): r for k, r in records.items() if k.startswith("lipsync.")}
    shots = {k.removeprefix("video."): r for k, r in records.items() if k.startswith("video.")}
    by_shot = {x["shot_id"]: x for x in manifest["lipsync"]}
    assert set(by_shot) == set(shots) and set(lips) < set(shots)  # every shot, and why
    for shot, entry in by_shot.items():
        assert entry["lipsynced"] is False
        assert ("audio_mux" if shot in lips else "no speaker on screen") in entry["reason"]


def test_status_and_runs_list_show_the_run(film):
    root, _, _ = film
    status = run_cli(root, "status", "f1")
    assert (
        status.returncode == 0 and "run f1: succeeded" in status.stdout and "film:" in status.stdout
    )
    # each stage in plain columns, whole in a pipe: steps, retries, seconds and cost
    header, *rows = [line.split() for line in status.stdout.splitlines() if line.split()[:1]
                     and line.split()[0] in ("STAGE", "base_images", "video", "assemble")]  # fmt: skip
    assert header == ["STAGE", "SUCCEEDED", "REUSED", "FAILED", "SKIPPED", "RUNNING", "RETRIES",
                      "SECONDS", "USD"]  # fmt: skip
    assert all(len(row) == len(header) and float(row[-1]) > 0 for row in rows), rows
    assert "cost so far $" in status.stdout
    listed = run_cli(root, "runs", "list")
    assert "f1" in listed.stdout and "succeeded" in listed.stdout


def test_a_kill_during_video_then_resume_gives_the_same_film(film, tmp_path):
    root, plan, _ = film
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    child = _spawn_run(tmp_path, "k1")
    killed = _wait_for_video(tmp_path, child, at_least=2)
    if killed:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    assert killed, "the run never reached its video stage"
    status = run_cli(tmp_path, "status", "k1")
    assert "crashed" in status.stdout, status.stdout
    resumed = run_cli(tmp_path, "resume", "k1", "-o", "film.mp4", "-q")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr[-3000:]
    assert "continuing a crashed run" in resumed.stdout
    records = _records(tmp_path, "k1")
    assert all(records[k]["status"] == "cached" for k in records if k.startswith("image."))
    assert _sha(tmp_path / "film.mp4") == _sha(root / "film.mp4")


def test_resume_of_a_finished_run_renders_nothing(film):
    root, _, _ = film
    done = run_cli(root, "resume", "f1", "-q")
    assert done.returncode == 0 and "nothing to render" in done.stdout
    assert done.stdout.rstrip().endswith("run f1")


def test_resume_from_stage_renders_that_stage_and_later_again(film):
    root, _, _ = film
    before = _records(root, "f1")
    done = run_cli(root, "resume", "f1", "--from-stage", "assemble", "-o", "again.mp4", "-q")
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "assemble: succeeded (1 run, 0 reused)" in done.stdout
    assert "finalize: succeeded (1 run, 0 reused)" in done.stdout
    assert "video: succeeded (0 run, 6 reused)" in done.stdout
    after = _records(root, "f1")
    assert after["assemble.film"]["attempts"] >= 1 and before.keys() == after.keys()
    assert _sha(root / "again.mp4") == _sha(root / "film.mp4")  # deterministic encode
    bad = run_cli(root, "resume", "f1", "--from-stage", "colour", "-q")
    assert bad.returncode == 2 and "from_stage must be one of" in bad.stderr


def test_dry_run_reports_and_renders_nothing(film, tmp_path):
    _, plan, _ = film
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    done = run_cli(tmp_path, "run", "plan.json", "--dry-run")
    assert done.returncode == 0 and "dry run" in done.stdout and "video" in done.stdout
    assert not (tmp_path / "art").exists() or not any((tmp_path / "art").rglob("*.mp4"))


def test_a_second_process_on_a_live_run_is_refused_before_touching_it(film):
    from sparkle_motion.runs.table import Runs
    from sparkle_motion.storage import Database

    root, _, _ = film
    with Database(root / "s.db") as db:
        runs = Runs(db)
        runs.acquire("f1")  # this test process now drives f1
        try:
            again = run_cli(root, "run", "plan.json", "--run-id", "f1", "-q")
            resumed = run_cli(root, "resume", "f1", "--from-stage", "video", "-q")
        finally:
            runs.release("f1")
        assert runs.get("f1").status.value == "succeeded"
    for done in (again, resumed):
        assert done.returncode == 3 and "RunLockedError" in done.stderr
        assert "Traceback" not in done.stderr


def test_ctrl_c_stops_the_run_promptly_and_resume_finishes_it(film, tmp_path):
    root, plan, _ = film
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    child = _spawn_run(tmp_path, "i1")
    assert _wait_for_video(tmp_path, child)
    interrupted = time.monotonic()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err[-2000:]
    assert time.monotonic() - interrupted < 15
    assert "stopped" in err
    assert "run i1: stopped" in run_cli(tmp_path, "status", "i1").stdout
    resumed = run_cli(tmp_path, "resume", "i1", "-o", "film.mp4", "-q")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert _sha(tmp_path / "film.mp4") == _sha(root / "film.mp4")
