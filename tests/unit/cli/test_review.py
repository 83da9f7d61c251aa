"""`review list`: the keyframes a review asks about, those new since a rejection marked;
`--json` in the documented shape."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sparkle_motion.cli import app
from sparkle_motion.runs.table import Runs
from sparkle_motion.storage import Database, MemoryLog

runner = CliRunner()
REVIEW_FIELDS = {
    "interrupt_id",
    "request_id",
    "gate",
    "shot",
    "keyframes",
    "retaken",
    "kept",
    "artifact_uri",
    "answered",
    "message",
}


def _asked(memory: MemoryLog, keyframes: list[int], retaken: list[int], kept: list[int]) -> int:
    return memory.write(
        "r1",
        "review_requested",
        {
            "gate": "keyframes",
            "shot": None,
            "interrupt_id": "review:keyframes",
            "artifact_uri": "runs/r1/review/keyframes.png",
            "message": f"Review the keyframes {keyframes}",
            "keyframes": keyframes,
            "retaken": retaken,
            "kept": kept,
        },
    )


def test_a_re_review_lists_the_retaken_keyframes_marked_new(tmp_path):
    env = {"SPARKLE_DOTENV": "", "SPARKLE_DB_PATH": str(tmp_path / "s.db"), "COLUMNS": "200"}
    with Database(tmp_path / "s.db") as db:
        Runs(db).create("r1", "p")
        memory = MemoryLog(db)
        _asked(memory, [0, 1, 2, 3], [], [])
        memory.write("r1", "review_applied", {"interrupt_id": "review:keyframes"})
        second = _asked(memory, [1, 3], [1, 3], [0, 2])
    listing = runner.invoke(app, ["review", "list", "r1"], env=env)
    assert listing.exit_code == 0, listing.output
    assert "1 (new) 3 (new)" in listing.output and "1 open review(s)" in listing.output
    result = runner.invoke(app, ["review", "list", "r1", "--json"], env=env)
    [review] = json.loads(result.output)
    assert set(review) == REVIEW_FIELDS
    assert review == {
        "interrupt_id": "review:keyframes",
        "request_id": second,
        "gate": "keyframes",
        "shot": None,
        "keyframes": [1, 3],
        "retaken": [1, 3],
        "kept": [0, 2],
        "artifact_uri": "runs/r1/review/keyframes.png",
        "answered": None,
        "message": "Review the keyframes [1, 3]",
    }


def test_a_request_recorded_before_retaken_and_kept_existed_still_reads(tmp_path):
    env = {"SPARKLE_DOTENV": "", "SPARKLE_DB_PATH": str(tmp_path / "s.db")}
    with Database(tmp_path / "s.db") as db:
        Runs(db).create("r1", "p")
        MemoryLog(db).write(
            "r1",
            "review_requested",
            {"gate": "script", "interrupt_id": "review:script", "message": "Review the script"},
        )
    [review] = json.loads(runner.invoke(app, ["review", "list", "r1", "--json"], env=env).output)
    assert (review["keyframes"], review["retaken"], review["kept"]) == ([], [], [])
