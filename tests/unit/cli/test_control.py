"""`runs list` and `status`: ids printed whole at any width and in a pipe, `--json` in the
documented shape, where the runs live when there are none, and a run at its script review
shown by its plan (not an empty stage table)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sparkle_motion.cli import app
from sparkle_motion.runs.table import Runs
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import Database, MemoryLog
from tests.conftest import EXAMPLES

runner = CliRunner()  # not a terminal: what a pipe gets
LONG_ID = "run-e5c6ad0d3f2a-" + "x" * 60  # longer than an 80-column terminal's share
PLAN_ID = "two-old-friends-marta-and-leo-argue-over-a-chess-game-1234abcd"
RUN_FIELDS = {
    "run_id",
    "plan_id",
    "status",
    "render_profile",
    "owner_pid",
    "created_at",
    "updated_at",
    "cost_usd",
}


@pytest.fixture
def env(tmp_path):
    return {"SPARKLE_DOTENV": "", "SPARKLE_DB_PATH": str(tmp_path / "s.db")}


@pytest.fixture
def two_runs(tmp_path, env):
    with Database(tmp_path / "s.db") as db:
        runs = Runs(db)
        runs.create("run-e5c6ad0d3", "paper-boat", render_profile="preview")
        runs.create(LONG_ID, PLAN_ID)
    return env


@pytest.mark.parametrize("columns", ["40", "80", "200"])
def test_runs_list_prints_every_id_whole(two_runs, columns):
    result = runner.invoke(app, ["runs", "list"], env={**two_runs, "COLUMNS": columns})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["RUN", "STATUS", "PLAN", "PROFILE", "UPDATED"]
    # newest first, one line a run, each id and plan whole and first on its line (copyable)
    assert [line.split()[:3] for line in lines[1:]] == [
        [LONG_ID, "pending", PLAN_ID],
        ["run-e5c6ad0d3", "pending", "paper-boat"],
    ]
    assert "…" not in result.output and lines[2].split()[3] == "preview"
    assert lines[1].split()[3] == "-"  # no profile recorded yet


def test_runs_list_json_is_the_documented_shape(two_runs):
    result = runner.invoke(app, ["runs", "list", "--json", "--limit", "1"], env=two_runs)
    assert result.exit_code == 0, result.output
    [run] = json.loads(result.output)
    assert set(run) == RUN_FIELDS  # docs/CLI.md, and GET /runs answers the same
    assert (run["run_id"], run["plan_id"], run["status"]) == (LONG_ID, PLAN_ID, "pending")
    assert run["render_profile"] is None and run["owner_pid"] is None
    assert run["cost_usd"] is None  # no step ran
    assert run["updated_at"] >= run["created_at"] > 0


def test_no_runs_says_where_runs_are_kept(tmp_path, env):
    result = runner.invoke(app, ["runs", "list"], env={**env, "SPARKLE_HOME": str(tmp_path)})
    assert result.exit_code == 0
    assert f"no runs in {tmp_path / 's.db'} (state home {tmp_path})" in result.output
    empty = runner.invoke(app, ["runs", "list", "--json"], env=env)
    assert json.loads(empty.output) == []


def test_status_at_the_script_review_shows_the_plan(tmp_path, env):
    text = (EXAMPLES / "short.json").read_text()
    with Database(tmp_path / "s.db") as db:
        runs = Runs(db)
        runs.create("r1", "paper-boat", render_profile="preview")
        runs.acquire("r1")
        runs.set_plan("r1", text, None, plan_id="paper-boat", review_gates=["script"])
        runs.set_status("r1", RunStatus.AWAITING_REVIEW)
        runs.release("r1")
        MemoryLog(db).write(
            "r1",
            "review_requested",
            {
                "gate": "script",
                "shot": None,
                "interrupt_id": "review:script",
                "artifact_uri": "runs/r1/review/plan.json",
                "message": "Review the script of 'The Paper Boat'",
                "keyframes": [],
            },
        )
    result = runner.invoke(app, ["status", "r1"], env={**env, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "run r1: awaiting_review" in out
    assert (
        "plan 'The Paper Boat' (paper-boat): 2 shots, 7.5 s; characters: Mila; "
        "1 dialogue line" in out
    )
    assert "review script (review:script)" in out
    assert "Mila: Sail far, little boat!" in out  # the shots under review, speakers by name
    assert "no step has run yet" in out and "succeeded" not in out  # no empty stage table


def test_status_without_a_stored_plan_still_answers(tmp_path, env):
    with Database(tmp_path / "s.db") as db:
        Runs(db).create("r2", "p")  # an idea still being written: no plan yet
    result = runner.invoke(app, ["status", "r2"], env=env)
    assert result.exit_code == 0 and "run r2: pending (plan p)" in result.output
    assert "plan '" not in result.output
