"""The run service (production_agent): runs in a child process, the one-job rule, run ids
checked where they enter, typed errors, and `execute_plan` over the ADK graph."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from sparkle_motion import production_agent as service
from sparkle_motion.errors import (
    RunBusyError,
    RunNotFoundError,
    RunRequestError,
)
from sparkle_motion.runs.table import Runs
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import open_database
from tests.conftest import make_settings
from tests.support.media import small_plan


@pytest.fixture
def settings(tmp_path):
    return make_settings(runs_dir=tmp_path / "runs", db_path=tmp_path / "s.db")


@pytest.fixture
def other_owner(settings):
    """A run held by another live process on this host (a `sleep`), as a second server's
    run would be."""
    sleeper = subprocess.Popen(["sleep", "60"])
    runs = Runs(open_database(settings), pid=sleeper.pid)
    runs.create("busy", "p")
    runs.acquire("busy")
    yield "busy"
    sleeper.kill()
    sleeper.wait()
    runs.db.close()


def test_a_run_in_a_child_process_holds_the_lock_and_finishes(settings):
    handle = service.start_run(small_plan("short.json"), run_id="c1", wait=False, settings=settings)
    assert handle.pid is not None and handle.pid != os.getpid()
    outcome = handle.wait(timeout=300)
    assert outcome.status is RunStatus.SUCCEEDED and outcome.film is not None
    assert outcome.intake["steps"] > 0 and {s["stage"] for s in outcome.stages} >= {
        "base_images",
        "video",
        "assemble",
        "finalize",
    }
    view = service.run_status("c1", settings=settings)
    assert view.status is RunStatus.SUCCEEDED and not view.owner_alive
    assert view.film.checksum_sha256 == outcome.film.checksum_sha256
    exported = service.export_film("c1", settings.runs_dir / "copy.mp4", settings=settings)
    assert exported.stat().st_size == outcome.film.size_bytes


def test_one_active_run_per_home(settings, other_owner):
    with pytest.raises(RunBusyError, match="run busy is active") as caught:
        service.start_run(small_plan("short.json"), run_id="r2", settings=settings)
    assert caught.value.run_id == "busy" and caught.value.context["requested"] == "r2"
    with pytest.raises(RunNotFoundError):  # refused before anything was recorded
        service.run_status("r2", settings=settings)


def test_a_child_reports_the_busy_error_typed(settings, other_owner):
    with pytest.raises(RunBusyError):
        service.start_run(small_plan("short.json"), run_id="r3", wait=False, settings=settings)


def test_max_active_runs_raises_the_limit(tmp_path, other_owner, settings):
    roomy = make_settings(runs_dir=tmp_path / "runs", db_path=tmp_path / "s.db", max_active_runs=2)
    outcome = service.start_run(small_plan("short.json"), run_id="r4", settings=roomy).wait()
    assert outcome.status is RunStatus.SUCCEEDED


@pytest.mark.parametrize("bad", ["../x", "/tmp/abs", "victim\n", "", "a/b", ".hidden", "x" * 101])
def test_run_ids_are_checked_before_anything_is_written(settings, tmp_path, bad):
    with pytest.raises(RunRequestError, match="run_id: must be 1-100 letters") as caught:
        service.start_run("a lighthouse keeper befriends a whale", run_id=bad, settings=settings)
    assert caught.value.field == "run_id"
    assert not (tmp_path / "runs").exists() and not (tmp_path / "x").exists()
    for call in (service.run_status, service.resume_run, service.stop_run):
        with pytest.raises(RunRequestError):
            call(bad, settings=settings)


def test_unknown_runs_and_bad_requests_are_typed(settings):
    with pytest.raises(RunNotFoundError):
        service.run_status("nope", settings=settings)
    with pytest.raises(RunNotFoundError):
        service.resume_run("nope", settings=settings)
    with pytest.raises(RunRequestError, match="from_stage must be one of"):
        service.resume_run("nope", from_stage="colour", settings=settings)
    with pytest.raises(RunRequestError, match="review: a list of script, keyframes"):
        service.start_run(small_plan("short.json"), review=["storyboard"], settings=settings)
    with pytest.raises(RunRequestError, match="no such plan file"):
        service.start_run("missing.json", settings=settings)


def test_execute_plan_runs_the_adk_graph(settings):
    refs = service.execute_plan(small_plan("short.json"), "run", run_id="g1", settings=settings)
    assert refs and all(r.run_id == "g1" for r in refs)
    with sqlite3.connect(settings.runs_dir / "sessions.db") as db:  # an ADK session per run
        assert db.execute("SELECT id FROM sessions").fetchall() == [("g1",)]


def test_the_service_imports_no_adk_until_a_run_executes():
    code = (
        "import sys, sparkle_motion.production_agent, sparkle_motion.cli;"
        "assert 'google.adk' not in sys.modules, 'adk imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_running_run_that_no_process_holds_shows_as_crashed(settings):
    with open_database(settings) as db:
        Runs(db).create("orphan", "p")
        with db.atomic() as conn:  # left `running` by a path that let the lock go
            conn.execute("UPDATE runs SET status = 'running' WHERE run_id = 'orphan'")
    assert service.run_status("orphan", settings=settings).status is RunStatus.CRASHED
