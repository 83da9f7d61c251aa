"""A dry run: the simulate_execution_report of a plan, from the adapters' own estimates and
the step keys already completed; no adapter is called and nothing is recorded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..adapters.base import Adapter
from ..config import Settings, stage_workers
from ..graph.context import catalog_adapters
from ..runs.cost import Rates, run_budget
from ..runs.engine import Engine
from ..runs.intake import prepare
from ..runs.records import StepRecords
from ..schemas import MoviePlan, RunContext, SimulateExecutionReport, Step
from ..storage.base import ArtifactStore


def dry_report(
    plan: Mapping[str, Any] | MoviePlan | str,
    run_id: str,
    settings: Settings,
    *,
    adapter_for: Callable[[Step, RunContext], Adapter] | None = None,
    base_dir: Path | None = None,
    store: ArtifactStore | None = None,
) -> SimulateExecutionReport:
    """PlanError when the plan is invalid; `store` (default: one opened and closed here)
    is where completed steps' outputs are looked for."""
    from ..storage import MemoryLog, open_artifact_store, open_database

    ctx, warnings = prepare(plan, run_id=run_id, settings=settings, mode="dry")
    db = open_database(settings)
    own = store is None
    opened = store if store is not None else open_artifact_store(settings, scan=False)
    try:
        engine = Engine(
            store=opened,
            records=StepRecords(db),
            adapter_for=adapter_for or catalog_adapters(settings),
            memory=MemoryLog(db),
            base_dir=base_dir,
            workers=stage_workers(settings),
            rates=Rates.of(settings),
        )
        budget = run_budget(ctx.plan.max_cost_usd, settings)
        return engine.simulate(ctx, warnings=warnings, max_cost_usd=budget)
    finally:
        if own:
            opened.close()
        db.close()
