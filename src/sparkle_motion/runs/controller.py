"""Drive one run: register it, take its lock, execute, record how it ended, let go.

A run whose previous process died is found `crashed` and simply continues: every step
that completed is reused by its key, so nothing finished is paid for twice.
"""

from __future__ import annotations

from ..schemas import RunContext, RunStatus
from .engine import Engine, RunResult
from .lock import Runs


def run_context(engine: Engine, runs: Runs, ctx: RunContext) -> tuple[RunResult, RunStatus]:
    """Execute `ctx` under the run lock. Returns the result and the status the run was
    found in (PENDING for a new run, CRASHED after a kill, FAILED/STOPPED when resumed)."""
    runs.create(
        ctx.run_id,
        ctx.plan.id,
        render_profile=ctx.render_profile.name,
        plan_checksum=ctx.plan_checksum,
    )
    found = runs.acquire(ctx.run_id)  # RunLockedError if a live process has it
    try:
        runs.set_status(ctx.run_id, RunStatus.RUNNING)
        result = engine.execute(ctx)
        runs.set_status(ctx.run_id, result.status)
        return result, found
    except BaseException:
        runs.set_status(ctx.run_id, RunStatus.FAILED)
        raise
    finally:
        runs.release(ctx.run_id)
