"""Pause and stop a running plan from another process, through the database; then resume."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

from sparkle_motion.runs.table import Runs
from sparkle_motion.storage import Database
from tests.conftest import EXAMPLES, REPO

ENV = {**os.environ, "PYTHONPATH": str(REPO), "SPARKLE_DOTENV": "", "SPARKLE_TEST_STEP_S": "0.15"}
PLAN = EXAMPLES / "lighthouse_whale.json"


def spawn(root):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.run_plan_child", str(root), str(PLAN), "run-ps"],
        cwd=REPO,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def calls(root):
    log = root / "calls.log"
    return log.read_text().split() if log.exists() else []


def wait_for(predicate, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def status(root):
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    row = conn.execute("SELECT status FROM runs WHERE run_id = 'run-ps'").fetchone()
    conn.close()
    return row[0] if row else None


def test_pause_resume_stop_and_resume_again(tmp_path):
    child = spawn(tmp_path)
    try:
        assert wait_for(lambda: len(calls(tmp_path)) >= 3)
        db = Database(tmp_path / "s.db")
        runs = Runs(db)
        runs.request("run-ps", "pause")
        assert wait_for(lambda: status(tmp_path) == "paused")
        held = len(calls(tmp_path))
        time.sleep(0.8)
        assert len(calls(tmp_path)) == held  # nothing runs while paused
        runs.request("run-ps", None)
        assert wait_for(lambda: len(calls(tmp_path)) > held)
        runs.request("run-ps", "stop")
        out, err = child.communicate(timeout=30)
        assert out.split()[1] == "stopped", err
        assert status(tmp_path) == "stopped"
        done_before = set(calls(tmp_path))
        seen = len(calls(tmp_path))
        finish = spawn(tmp_path)
        out, err = finish.communicate(timeout=60)
        assert finish.returncode == 0 and out.split() == ["stopped", "succeeded"], err
        assert not set(calls(tmp_path)[seen:]) & done_before  # stopped work was kept
        assert status(tmp_path) == "succeeded"
        db.close()
    finally:
        child.kill()
