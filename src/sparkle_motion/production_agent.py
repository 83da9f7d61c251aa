"""production_agent: execute a MoviePlan, for real or as a dry run (the seed's API).

    execute_plan(plan, mode="dry")  -> SimulateExecutionReport   no adapter is called
    execute_plan(plan, mode="run")  -> list[ArtifactRef]         every step's outputs

Plan intake validates the plan and builds the RunContext (an invalid plan renders
nothing); the engine runs the compiled steps, content-keyed, under the run lock, with
pause/stop honoured between steps. The ADK workflow graph that drives this per stage
(workflows/sparkle_motion/root_agent.yaml) is the orchestrator issue's remaining part.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from .adapters.base import Adapter
from .config import Settings, get_settings, stage_workers
from .errors import RunFailedError
from .runs.controller import run_context
from .runs.engine import Engine, RetryPolicy, RunResult
from .runs.intake import prepare
from .runs.lock import Runs
from .runs.records import StepRecords
from .schemas import ArtifactRef, MoviePlan, RunContext, RunStatus, SimulateExecutionReport, Step


def _registry_adapter(step: Step, ctx: RunContext) -> Adapter:
    from .adapters.registry import adapter_for

    return adapter_for(step, ctx.render_profile)


def execute_plan(
    plan: Mapping[str, Any] | MoviePlan | str,
    mode: Literal["dry", "run"] = "run",
    *,
    run_id: str | None = None,
    settings: Settings | None = None,
    adapter_for: Callable[[Step, RunContext], Adapter] | None = None,
    from_stage: str | None = None,
    store: Any = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
    base_dir: Path | None = None,
) -> list[ArtifactRef] | SimulateExecutionReport:
    """`base_dir` is where the plan's relative input paths (keyframe sources, reference
    clips) are found: the plan file's folder (default: the working directory)."""
    from .storage import MemoryLog, open_artifact_store, open_database

    if mode not in ("dry", "run"):
        raise ValueError(f"mode must be 'dry' or 'run', got {mode!r}")
    settings = settings or get_settings()
    run_id = run_id or f"run-{uuid.uuid4().hex[:12]}"
    ctx, warnings = prepare(plan, run_id=run_id, settings=settings, mode=mode)
    db = open_database(settings)
    own_store = store is None
    store = store or open_artifact_store(settings)
    try:
        engine = Engine(
            store=store,
            records=StepRecords(db),
            adapter_for=adapter_for or _registry_adapter,
            retry=retry,
            memory=MemoryLog(db),
            base_dir=base_dir,
            workdir=Path(settings.runs_dir) if Path(settings.runs_dir).is_dir() else None,
            workers=stage_workers(settings),
            **({"sleep": sleep} if sleep else {}),
        )
        if mode == "dry":
            return engine.simulate(ctx, warnings=warnings, max_cost_usd=settings.max_cost_usd)
        result, _ = run_context(engine, Runs(db), ctx, from_stage=from_stage)
        return _artifacts(result)
    finally:
        if own_store:
            store.close()
        db.close()


def _artifacts(result: RunResult) -> list[ArtifactRef]:
    if result.status is RunStatus.FAILED:
        failed = {k: r.error.message for k, r in result.records.items() if r.error}
        raise RunFailedError(
            f"run {result.run_id} failed: {failed}",
            run_id=result.run_id,
            context={"failed": failed},
        )
    return [a for record in result.records.values() for a in record.artifacts]
