"""Review gates through the CLI with the real preview adapters (small media), each command a
fresh process: `run --review` pauses (exit 5), `review approve|reject` records a decision,
`resume` carries it to the paused graph; a rejected keyframe is drawn again."""

from __future__ import annotations

import json
import sqlite3

from PIL import Image, ImageChops

from tests.support.cli import run_cli
from tests.support.media import small_plan


def _keyframe_checksums(root, run_id: str) -> dict[str, str]:
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT step_id, record FROM step_records WHERE run_id = ? AND step_id LIKE 'image.%'",
        (run_id,),
    ).fetchall()
    conn.close()
    return {step: json.loads(rec)["artifacts"][0]["checksum_sha256"] for step, rec in rows}


def test_review_both_gates_reject_one_keyframe_then_finish(tmp_path):
    (tmp_path / "plan.json").write_text(json.dumps(small_plan("short.json")))
    done = run_cli(
        tmp_path, "run", "plan.json", "--run-id", "g1", "--review", "script,keyframes", "-q"
    )
    assert done.returncode == 5, done.stdout + done.stderr[-2000:]
    assert "awaiting review" in done.stdout and "review:script" in done.stdout
    status = run_cli(tmp_path, "status", "g1").stdout
    assert "awaiting_review" in status
    # the script under review: its summary and shots, not an empty stage table
    assert "plan 'The Paper Boat' (paper-boat): 2 shots" in status
    assert "characters: Mila; 1 dialogue line" in status and "Mila: " in status
    assert "no step has run yet" in status and "succeeded" not in status

    waiting = run_cli(tmp_path, "resume", "g1", "-q")  # nobody decided: nothing runs
    assert waiting.returncode == 5 and "base_images" not in waiting.stdout
    other = run_cli(tmp_path, "resume", "g1", "--profile", "full")
    assert other.returncode == 2 and "--profile: run g1 waits at a review gate" in other.stderr

    assert run_cli(tmp_path, "review", "approve", "g1", "--note", "ok").returncode == 0
    done = run_cli(tmp_path, "resume", "g1", "-q")
    assert done.returncode == 5, done.stdout + done.stderr[-2000:]
    assert "review script: approved (ok)" in done.stdout
    assert "review:keyframes" in done.stdout and "video" not in done.stdout
    listing = run_cli(tmp_path, "review", "list", "g1")
    assert "0 1 2" in listing.stdout
    sheet = tmp_path / "runs" / "g1" / "review" / "keyframes.png"
    before = Image.open(sheet).convert("RGB")
    first = _keyframe_checksums(tmp_path, "g1")

    bad = run_cli(tmp_path, "review", "reject", "g1", "--keyframe", "9")
    assert bad.returncode == 1 and "keyframes: [9] not under review" in bad.stderr
    assert run_cli(tmp_path, "review", "reject", "g1", "-k", "1").returncode == 0
    done = run_cli(tmp_path, "resume", "g1", "-q")
    assert done.returncode == 5, done.stdout + done.stderr[-2000:]
    assert "keyframes [1] render again" in done.stdout
    assert "base_images: succeeded (1 run, 2 reused)" in done.stdout
    second = _keyframe_checksums(tmp_path, "g1")
    assert {k for k in first if first[k] != second[k]} == {"image.kf-001"}
    after = Image.open(sheet).convert("RGB")
    assert ImageChops.difference(before, after).getbbox() is not None  # the sheet shows the new one
    # asked again about the retaken keyframe alone, marked new; 0 and 2 stay approved
    assert "1 (new)" in run_cli(tmp_path, "review", "list", "g1").stdout
    [again] = json.loads(run_cli(tmp_path, "review", "list", "g1", "--json").stdout)
    assert (again["keyframes"], again["retaken"], again["kept"]) == ([1], [1], [0, 2])
    assert again["answered"] is None and "keyframes [0, 2] stay approved" in again["message"]

    assert run_cli(tmp_path, "review", "approve", "g1").returncode == 0
    done = run_cli(tmp_path, "resume", "g1", "-q", "-o", "film.mp4")
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "video: succeeded (2 run, 0 reused)" in done.stdout
    assert (tmp_path / "film.mp4").stat().st_size > 0
    # the subtitles beside the film, as the run stored them
    srt = tmp_path / "film.srt"
    assert f"subtitles: {srt}" in done.stdout
    assert "-->" in srt.read_text() and not list(tmp_path.glob(".film.*"))
    assert "succeeded" in run_cli(tmp_path, "status", "g1").stdout


def test_a_rejected_script_ends_the_run(tmp_path):
    (tmp_path / "plan.json").write_text(json.dumps(small_plan("short.json")))
    assert (
        run_cli(
            tmp_path, "run", "plan.json", "--run-id", "g2", "--review", "script", "-q"
        ).returncode
        == 5
    )
    assert run_cli(tmp_path, "review", "reject", "g2", "--note", "no").returncode == 0
    done = run_cli(tmp_path, "resume", "g2", "-q")
    assert done.returncode == 6, done.stdout + done.stderr[-2000:]
    assert "script rejected" in done.stdout
    assert "g2: rejected" in run_cli(tmp_path, "status", "g2").stdout
    assert not (tmp_path / "art" / "g2").exists()  # nothing rendered


def test_an_unknown_gate_is_refused(tmp_path):
    done = run_cli(tmp_path, "run", "plan.json", "--review", "storyboard")
    assert done.returncode == 2 and "--review takes script, keyframes or none" in done.stderr
