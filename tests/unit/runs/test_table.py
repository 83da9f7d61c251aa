"""Exactly one live process drives a run; a dead owner's running run is `crashed`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sparkle_motion.errors import RunLockedError
from sparkle_motion.runs.table import Runs
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import Database
from tests.conftest import REPO

HOLDER = """
import sys, time
from pathlib import Path
from sparkle_motion.runs.table import Runs
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
        assert [r["status"] for r in runs.list()] == ["running"]
    finally:
        child.kill()
        child.wait()
    assert [r["status"] for r in runs.list()] == ["crashed"]  # as `status` says, not the row
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
            Runs(db, host="elsewhere").acquire("run1")  # another host: our heartbeat is fresh
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

    from sparkle_motion.subprocesses import process_started

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


def _age_heartbeat(db, run_id: str, seconds: float) -> None:
    import time

    with db.atomic() as conn:
        conn.execute(
            "UPDATE runs SET heartbeat_at = ? WHERE run_id = ?", (time.time() - seconds, run_id)
        )


def test_an_owner_on_another_host_holds_the_run_until_its_heartbeat_is_stale(tmp_path):
    with Database(tmp_path / "s.db") as db:
        far = Runs(db, host="render-box-2", pid=4242, ttl_s=30)
        far.create("run1", "plan")
        far.acquire("run1")
        far.set_status("run1", RunStatus.RUNNING)
        here = Runs(db, ttl_s=30)
        with pytest.raises(RunLockedError, match="pid 4242 on render-box-2"):
            here.acquire("run1")
        assert here.get("run1").owner_alive(ttl_s=30)
        _age_heartbeat(db, "run1", 31)
        row = here.get("run1")
        assert not row.owner_alive(ttl_s=30) and row.heartbeat_age() > 30
        assert here.acquire("run1") is RunStatus.CRASHED  # its machine went away mid-run
        assert here.get("run1").owner_host == here.host


def test_the_owner_keeps_its_heartbeat_fresh_while_it_holds_the_run(tmp_path):
    import time

    from sparkle_motion.runs.table import HEARTBEAT

    with Database(tmp_path / "s.db") as db:
        runs = Runs(db, ttl_s=0.4)  # beats every 0.1 s
        runs.create("run1", "plan")
        runs.acquire("run1")
        _age_heartbeat(db, "run1", 100)
        deadline = time.monotonic() + 5
        while runs.get("run1").heartbeat_age() > 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert runs.get("run1").heartbeat_age() < 1
        time.sleep(0.6)  # longer than the TTL: still held, the beats go on
        with pytest.raises(RunLockedError):
            Runs(db, host="render-box-2", pid=4242, ttl_s=0.4).acquire("run1")
        runs.release("run1")
        assert not HEARTBEAT.watching(db.path, "run1")
        with db.atomic() as conn:  # the row names us again, but nobody acquired: no beats
            conn.execute("UPDATE runs SET owner_pid = ?, owner_host = ?", (runs.pid, runs.host))
        _age_heartbeat(db, "run1", 100)
        time.sleep(0.3)
        assert runs.get("run1").heartbeat_age() > 99


def test_unlock_lets_go_of_a_dead_owner_and_refuses_a_live_one(tmp_path):
    db = Database(tmp_path / "s.db")
    runs = Runs(db, ttl_s=30)
    runs.create("run1", "plan")
    assert runs.unlock("run1").owner_pid is None  # not locked: nothing to do
    child = holder(tmp_path / "s.db", 30)
    try:
        with pytest.raises(RunLockedError, match="which is alive"):
            runs.unlock("run1")
        found = runs.unlock("run1", force=True)  # the operator knows better
        assert found.owner_pid == child.pid
        row = runs.get("run1")
        assert row.owner_pid is None and row.status is RunStatus.CRASHED
    finally:
        child.kill()
        child.wait()
    far = Runs(db, host="render-box-2", pid=4242, ttl_s=30)
    far.acquire("run1")
    far.set_status("run1", RunStatus.PAUSED)
    with pytest.raises(RunLockedError):
        runs.unlock("run1")
    _age_heartbeat(db, "run1", 60)
    assert runs.unlock("run1").owner_host == "render-box-2"
    assert runs.get("run1").status is RunStatus.CRASHED
    with pytest.raises(KeyError):
        runs.unlock("nope")
    db.close()


def test_the_owner_declares_its_lease_and_others_judge_by_it(tmp_path):
    with Database(tmp_path / "s.db") as db:
        far = Runs(db, host="render-box-2", pid=4242, ttl_s=600)  # beats every 150 s
        far.create("run1", "plan")
        far.acquire("run1")
        here = Runs(db, ttl_s=1)
        _age_heartbeat(db, "run1", 30)  # stale for our TTL, not for the owner's lease
        assert here.get("run1").owner_ttl_s == 600 and here.get("run1").owner_alive(ttl_s=1)
        with pytest.raises(RunLockedError):
            here.acquire("run1")
        _age_heartbeat(db, "run1", 700)
        here.acquire("run1")
        assert here.get("run1").owner_ttl_s == 1


def test_a_run_keeps_whether_it_reuses_other_runs_keyframes(tmp_path):
    with Database(tmp_path / "s.db") as db:
        runs = Runs(db)
        for run_id, off in (("kept", True), ("plain", False)):
            runs.create(run_id, "plan-a")
            runs.acquire(run_id)
            runs.set_plan(run_id, "{}", None, max_cost_usd=1.0, no_reuse=off)
        assert runs.get("kept").no_reuse and runs.get("kept").metadata["max_cost_usd"] == 1.0
        assert not runs.get("plain").no_reuse
        runs.create("old", "plan-a")  # a run recorded before the flag existed: reuse on
        assert not runs.get("old").no_reuse
