"""What a run costs: estimated before it starts (a minimum and a maximum per step, summed
by stage and by model), measured as it goes (each step's seconds at the rate of the
device it ran on) and held to a budget.

    adapter.estimate_cost(step, profile, rates, attempts) -> CostEstimate(min_usd, max_usd)
    actual_cost(seconds, device, rates)                     -> USD
    run_budget(plan_budget, settings)                       -> the limit in force, or None

Rates are what an hour of a machine costs, in USD (settings, documented in docs/COST.md
with their sources): `cost_cpu_usd_per_hour` for a step on the CPU, `cost_gpu_usd_per_hour`
for one on a GPU (the whole machine: a GPU does not come alone). A step's estimate is its
adapter's estimated seconds (the figure the dry run's time sums) at the rate of the device
its stage runs on under the profile, plus the backend's own price per step (a hosted
model's; none of today's); its minimum is one attempt, its maximum every attempt the
retry policy allows. Its actual cost is its measured seconds, every attempt, at the rate
of the device it reported (else where its stage runs under the profile), plus what the run
had already paid for the step (an earlier session, a retake). A step reused from another
run costs nothing: its work was paid for once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..adapters.base import NOTHING, CostEstimate, Rates, cost_of_estimate, step_device
from ..errors import PlanResourceError, issue

__all__ = [
    "NOTHING",
    "CostEstimate",
    "Rates",
    "actual_cost",
    "breakdown",
    "budget_of",
    "estimate_cost",
    "over_budget",
    "run_budget",
    "spent",
    "step_device",
]

if TYPE_CHECKING:
    from ..config import Settings
    from ..schemas import SimulateExecutionReport, StepExecutionRecord
    from .table import RunRow


# the estimate's types and the default estimate live with the adapters (adapters/base.py:
# each adapter's `estimate_cost`); kept here under their old names
estimate_cost = cost_of_estimate


def actual_cost(seconds: float | None, device: str | None, rates: Rates) -> float:
    return round(max(0.0, seconds or 0.0) * rates.per_second(device), 6)


def spent(records: Iterable[StepExecutionRecord]) -> float:
    """What a run's recorded steps cost (each record's `metrics.cost_usd`)."""
    return round(sum(r.metrics.get("cost_usd", 0.0) for r in records), 6)


def run_budget(plan_budget: float | None, settings: Settings) -> float | None:
    """The budget in force: SPARKLE_MAX_COST_USD when set (so a resume can raise a plan's),
    else the plan's `max_cost_usd`, else none."""
    return settings.max_cost_usd if settings.max_cost_usd is not None else plan_budget


def budget_of(row: RunRow | None) -> float | None:
    """The budget the run was last started with (intake keeps it with the run)."""
    value = row.metadata.get("max_cost_usd") if row is not None else None
    return float(value) if isinstance(value, int | float) else None


def over_budget(report: SimulateExecutionReport) -> PlanResourceError | None:
    """The error a start gets when what the run has spent plus the estimate's minimum for
    what is left is over its budget (None when it fits or there is none)."""
    if report.max_cost_usd is None or report.within_budget:
        return None
    need = report.spent_usd + report.est_cost_usd
    return PlanResourceError(
        [
            issue(
                "max_cost_usd",
                f"is under what the run needs at least: ${need:.4f} (${report.spent_usd:.4f} "
                f"spent, ${report.est_cost_usd:.4f} estimated for what is left); raise it "
                "(SPARKLE_MAX_COST_USD) or render less",
                report.max_cost_usd,
            )
        ]
    )


def breakdown(records: Iterable[StepExecutionRecord]) -> dict[str, Any]:
    """What a run's recorded steps cost: `total_usd`, `by_stage`, and `by_model` (stage,
    adapter, model id, the steps this run rendered (in any of its sessions), those it
    reused from another run (they cost it nothing), USD)."""
    by_stage: dict[str, float] = {}
    by_model: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for r in records:
        usd = r.metrics.get("cost_usd", 0.0)
        by_stage[r.stage] = round(by_stage.get(r.stage, 0.0) + usd, 6)
        row = by_model.setdefault(
            (r.stage, r.adapter or "-", r.model_id),
            {"stage": r.stage, "adapter": r.adapter or "-", "model_id": r.model_id, "steps": 0,
             "reused": 0, "usd": 0.0},
        )  # fmt: skip
        row["usd"] = round(row["usd"] + usd, 6)
        if r.status.value in ("succeeded", "failed") or usd > 0:  # this run did the work
            row["steps"] += 1
        elif r.status.value == "cached":
            row["reused"] += 1
    return {
        "total_usd": round(sum(by_stage.values()), 6),
        "by_stage": by_stage,
        "by_model": list(by_model.values()),
    }
