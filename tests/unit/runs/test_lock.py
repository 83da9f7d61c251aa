"""Exactly one live process drives a run; a dead owner's running run is `crashed`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sparkle_motion.errors import RunLockedError
from sparkle_motion.runs.lock import Runs
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import Database
from tests.conftest import REPO

HOLDER = """
import sys, time
from pathlib import Path
from sparkle_motion.runs.lock import Runs
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import Database
runs = Runs(Database(Path(sys.argv[1])))
runs.acquire("run1")
runs.set_status("run1", RunStatus.RUNNING)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def holder(db_path, seconds):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), str(seconds)],
        stdout=subprocess.PIPE,
        cwd=REPO,
        text=True,
    )
    assert child.stdout.readline().strip() == "held"
    return child


def test_second_process_is_locked_out_then_finds_a_crash(tmp_path):
    db = Database(tmp_path / "s.db")
    runs = Runs(db)
    runs.create("run1", "plan-a", render_profile="preview")
    child = holder(tmp_path / "s.db", 30)
    try:
        with pytest.raises(RunLockedError) as info:
            runs.acquire("run1")
        assert info.value.context["owner_pid"] == child.pid
    finally:
        child.kill()
        child.wait()
    assert runs.acquire("run1") is RunStatus.CRASHED  # running, owner gone: crashed, not failed
    assert runs.get("run1").owner_pid == runs.pid
    runs.release("run1")
    assert runs.get("run1").owner_pid is None
    db.close()


def test_reacquire_by_the_owner_and_status(tmp_path):
    with Database(tmp_path / "s.db") as db:
        runs = Runs(db)
        runs.create("run1", "plan-a")
        runs.create("run1", "plan-b")  # idempotent: the first stays
        assert runs.get("run1").plan_id == "plan-a" and runs.get("run1").status is RunStatus.PENDING
        assert runs.acquire("run1") is RunStatus.PENDING
        assert runs.acquire("run1") is RunStatus.PENDING  # the owner may take it again
        runs.set_status("run1", RunStatus.STOPPED)
        gone = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
        )
        other = Runs(db, pid=int(gone.stdout), host=runs.host)  # a process that has exited
        with pytest.raises(RunLockedError):
            Runs(db, host="elsewhere").acquire("run1")  # another host: cannot check, so locked
        runs.release("run1")
        assert other.acquire("run1") is RunStatus.STOPPED
        with pytest.raises(KeyError):
            runs.acquire("nope")


def test_a_run_killed_while_paused_is_crashed_and_its_requests_settled(tmp_path):
    with Database(tmp_path / "s.db") as db:
        runs = Runs(db)
        runs.create("run1", "plan")
        child = holder(tmp_path / "s.db", 30)
        runs.request("run1", "pause")
        runs.set_status("run1", RunStatus.PAUSED)
        child.kill()
        child.wait()
        assert runs.acquire("run1") is RunStatus.CRASHED
        assert runs.control("run1") is None  # the new driver is not left waiting on an old pause


def test_a_reused_pid_does_not_keep_a_crashed_run_locked(tmp_path):
    """The owner's pid now belongs to an unrelated process (here: this test process, with
    another start time than the one recorded): the run is taken over as crashed."""
    import os

    from sparkle_motion.runs.lock import process_started

    me = process_started(os.getpid())
    if me is None:
        pytest.skip("no /proc on this system")
    with Database(tmp_path / "s.db") as db:
        runs = Runs(db)
        runs.create("run1", "plan-a")
        runs.acquire("run1")
        runs.set_status("run1", RunStatus.RUNNING)
        with db.atomic() as conn:  # as if a crashed owner had held our pid
            conn.execute("UPDATE runs SET owner_host = ?, owner_started = ?", (runs.host, me - 1))
        row = runs.get("run1")
        assert row.owner_pid == os.getpid() and not row.owner_alive()
        taker = Runs(db, pid=os.getpid() + 1_000_000, host=runs.host)
        assert taker.acquire("run1") is RunStatus.CRASHED
        assert runs.get("run1").owner_pid == taker.pid


def test_a_live_owner_with_its_start_time_stays_locked(tmp_path):
    db = Database(tmp_path / "s.db")
    runs = Runs(db)
    runs.create("run1", "plan-a")
    child = holder(tmp_path / "s.db", 30)
    try:
        row = runs.get("run1")
        assert row.owner_started is not None and row.owner_alive()
        with pytest.raises(RunLockedError):
            runs.acquire("run1")
    finally:
        child.kill()
        child.wait()
    db.close()
