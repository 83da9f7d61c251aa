"""Crash test: a process running a plan is SIGKILLed at random points (SPARKLE_CRASH_ROUNDS,
10 by default; `make reliability` runs 50). Each restart resumes the same run: every
resume completes, a step recorded complete before a kill is never invoked again, and the
final artifacts' checksums equal those of an uninterrupted run."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from tests.conftest import EXAMPLES, REPO
from tests.reliability.report import record

ROUNDS = int(os.environ.get("SPARKLE_CRASH_ROUNDS", "10"))
PLAN = EXAMPLES / "lighthouse_whale.json"
ENV = {**os.environ, "PYTHONPATH": str(REPO), "SPARKLE_DOTENV": ""}


def spawn(root, run_id="run-crash"):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.run_plan_child", str(root), str(PLAN), run_id],
        cwd=REPO,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def done_steps(root) -> set[str]:
    if not (root / "s.db").exists():
        return set()
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT step_id FROM step_records WHERE status IN ('succeeded', 'cached')"
        ).fetchall()
    except sqlite3.OperationalError:
        rows = []  # killed before the schema was created
    conn.close()
    return {r[0] for r in rows}


def final_checksums(root) -> dict[str, str]:
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT step_id, record FROM step_records WHERE run_id = 'run-crash'"
    ).fetchall()
    conn.close()
    import json

    return {step: json.loads(rec)["artifacts"][0]["checksum_sha256"] for step, rec in rows}


def calls(root) -> list[str]:
    log = root / "calls.log"
    return log.read_text().split() if log.exists() else []


def test_killed_runs_resume_without_redoing_finished_steps(tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    child = spawn(clean)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    expected = final_checksums(clean)

    rng = random.Random(7)
    kills = cycles = 0
    while kills < ROUNDS:  # fresh roots until the run has been killed ROUNDS times in all
        cycles += 1
        root = tmp_path / f"crashy-{cycles}"
        root.mkdir()
        kills += crash_until_done(root, rng, max_kills=min(8, ROUNDS - kills))
        assert final_checksums(root) == expected
    assert kills >= ROUNDS
    record("engine_kills", tried=kills, identical_films=cycles)


def crash_until_done(root, rng, max_kills) -> int:
    """Start, kill at a random point, restart... until a run completes. Returns the kills."""
    kills = 0
    while True:
        before = done_steps(root)
        seen = len(calls(root))
        child = spawn(root)
        if kills < max_kills:
            # kill while steps run (not during interpreter start-up): wait for this child's
            # first adapter call, then a random moment more
            end = time.time() + 30
            while len(calls(root)) == seen and child.poll() is None and time.time() < end:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.4))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                kills += 1
        out, err = child.communicate(timeout=120)
        again = set(calls(root)[seen:]) & before
        assert not again, f"completed steps ran again after a kill: {sorted(again)}"
        if child.returncode == 0:
            assert out.split()[1] == "succeeded"
            return kills
        assert child.returncode == -signal.SIGKILL, err
