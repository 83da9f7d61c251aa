"""A child appending memory events is SIGKILLed at random 50 times (SPARKLE_KILL_ROUNDS):
no event it reported written is lost, sequence numbers have no gap or duplicate, and
SQLite's integrity check passes."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

from sparkle_motion.storage import Database
from tests.conftest import REPO

ROUNDS = int(os.environ.get("SPARKLE_KILL_ROUNDS", "50"))


def test_killed_writer_loses_nothing(tmp_path):
    db_path = tmp_path / "sparkle.db"
    rng = random.Random(1234)
    reported: dict[int, int] = {}
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for _ in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.support.append_events", str(db_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env=env,
        )
        # kill while it writes, not while the interpreter starts: wait for its first write
        # (on a loaded machine start-up alone can outlast the random delay)
        first = child.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.5))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, err.decode()
        assert first, f"the writer ended before its first write: {err.decode()[-2000:]}"
        for line in (first + out).decode().splitlines():
            parts = line.split()
            if len(parts) == 2:  # the last line may be cut by the kill
                reported[int(parts[0])] = int(parts[1])
    with Database(db_path) as db:
        rows = db.query(
            "SELECT id, payload FROM memory_events WHERE run_id = 'run-kill' ORDER BY id"
        )
        assert db.integrity_check() == "ok"
    stored = {r["id"]: json.loads(r["payload"])["seq"] for r in rows}
    assert reported, "the writer never reported a write: the test proved nothing"
    for event_id, seq in reported.items():
        assert stored.get(event_id) == seq, (
            f"event {event_id} (seq {seq}) was reported written but is gone"
        )
    assert sorted(stored.values()) == list(range(len(stored))), (
        "gap or duplicate in sequence numbers"
    )
    assert len(stored) >= len(reported)
