"""The run lock under attack: `unlock --force` while the owner is alive and rendering.
The old owner must not take the run back at its next stage nor write the run's state; it
stops with a typed RunLockedError, and the run stays as the unlock left it."""

from __future__ import annotations

import sqlite3
import time

import pytest

from sparkle_motion import production_agent as service
from sparkle_motion.errors import RunLockedError
from sparkle_motion.runs.table import Runs
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import open_database
from tests.conftest import make_settings
from tests.support.media import small_plan


def _started(db_path, stage: str) -> bool:
    try:
        with sqlite3.connect(db_path.as_uri() + "?mode=ro", uri=True) as conn:
            (n,) = conn.execute(
                "SELECT count(*) FROM memory_events WHERE event_type = 'step_started' "
                "AND payload LIKE ?",
                (f'%"{stage}.%',),
            ).fetchone()
    except sqlite3.Error:
        return False
    return n > 0


def test_a_forced_unlock_is_not_undone_by_the_old_owner(tmp_path):
    settings = make_settings(runs_dir=tmp_path / "runs", db_path=tmp_path / "s.db", lock_ttl_s=1.0)
    handle = service.start_run(
        small_plan("lighthouse_whale.json"), run_id="u1", wait=False, settings=settings
    )
    deadline = time.monotonic() + 120
    while not _started(tmp_path / "s.db", "image") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _started(tmp_path / "s.db", "image"), "the run never started its keyframes"
    with open_database(settings) as db:
        found = Runs(db, ttl_s=1.0).unlock("u1", force=True)
    assert found.owner_pid == handle.pid
    with pytest.raises(RunLockedError, match="was taken from this process"):
        handle.wait(timeout=120)
    with open_database(settings) as db:
        row = Runs(db).get("u1")
    assert row.owner_pid is None and row.status is RunStatus.CRASHED  # as unlock left it
    resumed = service.resume_run("u1", settings=settings).wait()  # and it goes on from there
    assert resumed.status is RunStatus.SUCCEEDED and resumed.film is not None
