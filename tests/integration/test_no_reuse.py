"""`--no-reuse` is kept with the run: a run started without reuse of other runs' keyframes
is resumed without it too, even when the resuming process has reuse on (the preview's
adapters replaced by a recording fake; a budget stops the first session midway)."""

from __future__ import annotations

import pytest

from sparkle_motion import production_agent as service
from sparkle_motion.dedupe import perceptual, semantic
from sparkle_motion.runs.table import Runs
from sparkle_motion.schemas import RunStatus
from sparkle_motion.storage import open_database
from tests.conftest import make_settings
from tests.support.media import small_plan

RATES = {"cost_cpu_usd_per_hour": 3600.0, "cost_gpu_usd_per_hour": 3600.0}  # $1 a second


@pytest.fixture
def seen(monkeypatch):
    """Each dedupe call's `settings.dedupe`, per run (the engine passes the run's)."""
    found: dict[str, list[bool]] = {}
    real_remember, real_after = semantic.remember, perceptual.after_render

    def remember(ctx, step, record, **kw):
        found.setdefault(ctx.run_id, []).append(kw["settings"].dedupe)
        return real_remember(ctx, step, record, **kw)

    def after_render(ctx, step, rendered, measured, **kw):
        found.setdefault(ctx.run_id, []).append(kw["settings"].dedupe)
        return real_after(ctx, step, rendered, measured, **kw)

    monkeypatch.setattr(semantic, "remember", remember)
    monkeypatch.setattr(perceptual, "after_render", after_render)
    return found


def test_a_resume_keeps_reuse_off_for_a_run_started_with_no_reuse(wired, seen, tmp_path):
    wired.delay = 0.05  # each step: >= $0.05
    settings = make_settings(runs_dir=tmp_path / "runs", db_path=tmp_path / "s.db", **RATES)
    first = settings.model_copy(update={"max_cost_usd": 0.2, "dedupe": False})  # --no-reuse
    outcome = service.start_run(small_plan("short.json"), run_id="nr1", settings=first).wait()
    assert outcome.status is RunStatus.STOPPED
    assert seen["nr1"] and not any(seen["nr1"])
    before = len(seen["nr1"])
    # the resuming process has reuse on; the run keeps it off
    resumed = settings.model_copy(update={"max_cost_usd": 100.0})
    assert resumed.dedupe
    assert service.resume_run("nr1", settings=resumed).wait().status is RunStatus.SUCCEEDED
    assert len(seen["nr1"]) > before and not any(seen["nr1"])
    db = open_database(settings)
    try:
        row = Runs(db).get("nr1")
        assert row is not None and row.no_reuse and row.metadata["no_reuse"] is True
    finally:
        db.close()


def test_a_run_started_with_reuse_is_resumed_with_it(wired, seen, tmp_path):
    wired.delay = 0.05
    settings = make_settings(runs_dir=tmp_path / "runs", db_path=tmp_path / "s.db", **RATES)
    first = settings.model_copy(update={"max_cost_usd": 0.2})
    outcome = service.start_run(small_plan("short.json"), run_id="r1", settings=first).wait()
    assert outcome.status is RunStatus.STOPPED
    resumed = settings.model_copy(update={"max_cost_usd": 100.0})
    assert service.resume_run("r1", settings=resumed).wait().status is RunStatus.SUCCEEDED
    assert seen["r1"] and all(seen["r1"])
