"""Drive one run: register it, take its lock, execute, record how it ended, let go.

A run whose previous process died is found `crashed` and simply continues: every step
that completed is reused by its key, so nothing finished is paid for twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..schemas import RunContext, RunStatus
from .engine import Engine, RunResult
from .table import Runs


def control_gate(
    runs: Runs, run_id: str, *, poll_s: float = 0.2, sleep: Callable[[float], None] = time.sleep
):
    """Between steps: hold while the run is asked to pause (status PAUSED), answer "stop"
    when asked to stop, or when another process has taken the run over (this one's lease
    expired). Requests come through the database, so from any process."""

    def gate() -> str | None:
        paused = False
        while True:
            control = runs.control(run_id)
            if control == "stop" or runs.lost(run_id):
                return "stop"
            if control != "pause":
                if paused:
                    runs.set_status(run_id, RunStatus.RUNNING)
                return None
            if not paused:
                runs.set_status(run_id, RunStatus.PAUSED)
                paused = True
            sleep(poll_s)

    return gate


def run_context(
    engine: Engine,
    runs: Runs,
    ctx: RunContext,
    *,
    from_stage: str | None = None,
    poll_s: float = 0.2,
) -> tuple[RunResult, RunStatus]:
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
        result = engine.execute(
            ctx, from_stage=from_stage, gate=control_gate(runs, ctx.run_id, poll_s=poll_s)
        )
        if result.status is RunStatus.STOPPED:
            runs.request(ctx.run_id, None)
        runs.set_status(ctx.run_id, result.status)
        return result, found
    except (KeyboardInterrupt, SystemExit):
        runs.set_status(ctx.run_id, RunStatus.STOPPED)  # interrupted by its operator: resumable
        raise
    except BaseException:
        runs.set_status(ctx.run_id, RunStatus.FAILED)
        raise
    finally:
        runs.release(ctx.run_id)
