"""A run held to a budget through the run service and the ADK graph (the preview's
adapters replaced by a recording fake whose every step takes 50 ms, at $1 a second): a
start whose estimate is over the budget is refused naming `max_cost_usd` and renders
nothing; a run whose recorded cost reaches its budget stops between steps, `status`
says the budget stopped it; a resume with a higher budget renders only what is left; the
film's manifest and `runs list` say what it cost."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sparkle_motion import production_agent as service
from sparkle_motion.cli import app
from sparkle_motion.errors import PlanResourceError
from sparkle_motion.schemas import RunStatus
from tests.conftest import make_settings
from tests.support.media import small_plan

runner = CliRunner()
RATES = {"cost_cpu_usd_per_hour": 3600.0, "cost_gpu_usd_per_hour": 3600.0}  # $1 a second


@pytest.fixture
def settings(wired, tmp_path):
    wired.delay = 0.05  # each step: >= $0.05; the fake estimates 0.01 s ($0.01)
    return make_settings(runs_dir=tmp_path / "runs", db_path=tmp_path / "s.db", **RATES)


def run(settings, run_id, budget):
    given = settings.model_copy(update={"max_cost_usd": budget})
    return service.start_run(small_plan("short.json"), run_id=run_id, settings=given).wait()


def test_a_start_over_the_budget_is_refused_before_anything_renders(wired, settings):
    with pytest.raises(PlanResourceError) as caught:
        run(settings, "b1", 0.02)  # nine steps: at least $0.09
    assert caught.value.path == "max_cost_usd"
    assert sum(wired.calls.values()) == 0


def test_a_run_stops_at_its_budget_and_a_resume_with_a_higher_one_finishes_it(wired, settings):
    outcome = run(settings, "b2", 0.2)
    assert outcome.status is RunStatus.STOPPED
    view = service.run_status("b2", settings=settings)
    assert view.status is RunStatus.STOPPED and view.budget is not None
    assert view.budget["stopped"] is True and view.budget["limit_usd"] == 0.2
    assert view.cost_usd >= 0.2 and "budget" in view.budget["message"]
    done_before = {s.step_id for s in view.steps if s.status.value == "succeeded"}
    assert 0 < len(done_before) < 9
    with pytest.raises(PlanResourceError):  # a plain resume keeps the $0.20 it ran under
        service.resume_run("b2", settings=settings)
    wired.calls.clear()
    higher = settings.model_copy(update={"max_cost_usd": 100.0})
    resumed = service.resume_run("b2", settings=higher).wait()
    assert resumed.status is RunStatus.SUCCEEDED
    assert not done_before & set(wired.calls)  # what was paid for is not paid again
    after = service.run_status("b2", settings=higher)
    # what the first session spent is still counted once its steps are reused by the resume
    assert after.cost_usd >= view.cost_usd + 0.05 * len(wired.calls)
    assert after.budget == {"limit_usd": 100.0, "spent_usd": after.cost_usd, "stopped": False}
    (listed,) = [r for r in service.list_runs(settings=settings) if r["run_id"] == "b2"]
    assert listed["cost_usd"] == pytest.approx(after.cost_usd, abs=1e-5)
    # the command line: runs cost, and the dry run's table by stage and model
    env = {"SPARKLE_DOTENV": "", "SPARKLE_DB_PATH": str(settings.db_path)}
    table = runner.invoke(app, ["runs", "cost", "b2"], env=env)
    assert table.exit_code == 0, table.output
    assert "base_images" in table.output and f"total ${after.cost_usd:.6f}" in table.output
    assert "budget $100.0000" in table.output
    given = json.loads(runner.invoke(app, ["runs", "cost", "b2", "--json"], env=env).output)
    assert given["total_usd"] == pytest.approx(after.cost_usd, abs=1e-5)
    # every step rendered by this run, in one session or the other; none reused from another
    assert sum(m["steps"] for m in given["by_model"]) == 9
    assert sum(m["reused"] for m in given["by_model"]) == 0
    assert given["budget"]["stopped"] is False
