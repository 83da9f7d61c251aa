"""A CLI run SIGKILLed mid-stage, and what its database says: the step records and how many
times each step was started over every process of the run, read read-only (the run may
still be writing). The database is `<root>/s.db`, where `cli_env(root)` puts it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.cli import CLI


def _read(root: Path, sql: str, run_id: str) -> list[tuple]:
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    try:
        return conn.execute(sql, (run_id,)).fetchall()
    finally:
        conn.close()


def records(root: Path, run_id: str) -> dict[str, dict]:
    """Step id -> its record ({} while the database or its schema is missing)."""
    try:
        rows = _read(root, "SELECT step_id, record FROM step_records WHERE run_id = ?", run_id)
    except sqlite3.OperationalError:
        return {}
    return {step: json.loads(record) for step, record in rows}


def starts(root: Path, run_id: str) -> dict[str, int]:
    """Step id -> how many times the engine started it, over every process of the run."""
    rows = _read(
        root,
        "SELECT payload FROM memory_events WHERE run_id = ? AND event_type = 'step_started'",
        run_id,
    )
    counts: dict[str, int] = {}
    for (payload,) in rows:
        step = json.loads(payload)["step_id"]
        counts[step] = counts.get(step, 0) + 1
    return counts


def run_cli(root: Path, env: dict[str, str], *args: str, timeout: float = 600):
    """`sparkle-motion ARGS` in `root` to its end; it must succeed (else its output)."""
    done = subprocess.run(
        [*CLI, *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    return done


def kill_when(
    root: Path,
    env: dict[str, str],
    args: list[str],
    run_id: str,
    now: Callable[[dict[str, dict]], bool],
    what: str,
    timeout: float = 600,
) -> dict[str, dict]:
    """`sparkle-motion ARGS` (a run of `run_id`) in `root`, in its own process group, all of
    it SIGKILLed as soon as `now(its step records)` holds (polled every 20 ms); returns the
    records read once it is dead (it may have written more between that read and the kill). Fails, naming `what` and the run's output, when the
    run ended first. Its output goes to a file: a pipe nobody reads while we poll could
    fill and stall it."""
    log = root / f"killed-{run_id}.log"
    with log.open("w") as out:
        child = subprocess.Popen(
            [*CLI, *args],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    killed = False
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and child.poll() is None:
            found = records(root, run_id)
            if now(found):
                os.killpg(child.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.02)
    finally:
        if not killed and child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)  # never leave it running
        child.wait(timeout=60)
    assert killed and child.returncode == -signal.SIGKILL, (
        f"the run was not killed {what} (exit {child.returncode}): " + log.read_text()[-3000:]
    )
    return records(root, run_id)
