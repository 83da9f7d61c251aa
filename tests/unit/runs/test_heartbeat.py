"""The lease's heartbeat thread: a run taken over is dropped and marked lost, and a newer
watch of the same run survives a failed beat of an older one."""

from __future__ import annotations

import time

from sparkle_motion.runs.controller import control_gate
from sparkle_motion.runs.heartbeat import Heartbeat
from sparkle_motion.runs.table import Runs
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import Database


def test_a_failed_beat_drops_only_the_watch_it_was_for(tmp_path):
    beats = Heartbeat()
    db_path = tmp_path / "s.db"
    beats.watch(db_path, "run1", "here", 1, interval_s=60)
    old_token = beats._watched[(str(db_path), "run1")][3]
    beats.unwatch(db_path, "run1")  # released ...
    beats.watch(db_path, "run1", "here", 1, interval_s=60)  # ... and taken again
    beats._drop((str(db_path), "run1"), old_token)  # the old watch's beat failed late
    assert beats.watching(db_path, "run1") and not beats.lost(db_path, "run1")
    new_token = beats._watched[(str(db_path), "run1")][3]
    beats._drop((str(db_path), "run1"), new_token)
    assert not beats.watching(db_path, "run1") and beats.lost(db_path, "run1")
    beats.watch(db_path, "run1", "here", 1, interval_s=60)  # taken back: not lost any more
    assert not beats.lost(db_path, "run1")


def test_a_run_taken_over_stops_between_steps_and_its_status_is_left_alone(tmp_path):
    with Database(tmp_path / "s.db") as db:
        mine = Runs(db, ttl_s=0.4)  # a real owner: this process, beating every 0.1 s
        mine.create("run1", "plan")
        mine.acquire("run1")
        mine.set_status("run1", RunStatus.RUNNING)
        gate = control_gate(mine, "run1", poll_s=0.01)
        assert gate() is None
        far = Runs(db, host="render-box-2", pid=4242, ttl_s=30)
        far.unlock("run1", force=True)  # an operator on another machine takes it over
        far.acquire("run1")
        far.set_status("run1", RunStatus.RUNNING)
        deadline = time.monotonic() + 5
        while not mine.lost("run1") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert mine.lost("run1")
        assert gate() == "stop"  # this process renders no further step
        mine.set_status("run1", RunStatus.STOPPED)  # ignored: not ours to write
        mine.release("run1")  # a no-op: the row names the other owner
        row = far.get("run1")
        assert row.status is RunStatus.RUNNING and row.owner_host == "render-box-2"
