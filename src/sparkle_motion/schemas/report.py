"""`simulate_execution_report`: what a dry run says a real run would do and cost."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import Identifier, StrictModel, utc_now


class PolicyWarning(StrictModel):
    path: str = Field(description="Field path, e.g. shots[2].dialogue[0].")
    rule: str
    message: str


class SimulatedStep(StrictModel):
    step_id: Identifier
    stage: str
    step_type: str
    adapter: str
    model_id: str | None = None
    cached: bool = Field(False, description="Already completed: a real run would skip it.")
    est_time_s: float = Field(ge=0)
    est_peak_memory_mb: float = Field(0, ge=0)
    est_peak_vram_mb: float = Field(0, ge=0)
    est_cost_usd: float = Field(0, ge=0, description="The minimum: one attempt.")
    est_cost_max_usd: float = Field(
        0, ge=0, description="The maximum: every attempt the retry policy allows."
    )
    device: str | None = Field(None, description="Where its work runs: cpu, cuda:N.")
    simulated_artifact_uris: list[str] = Field(default_factory=list)


class ModelCost(StrictModel):
    """What a stage's steps on one backend and model are estimated to cost."""

    stage: str
    adapter: str
    model_id: str | None = None
    steps: int = Field(ge=0)
    min_usd: float = Field(ge=0)
    max_usd: float = Field(ge=0)


class SimulateExecutionReport(StrictModel):
    plan_id: Identifier
    run_id: Identifier | None = None
    render_profile: str
    steps: list[SimulatedStep]
    est_total_time_s: float = Field(ge=0)
    est_peak_memory_mb: float = Field(ge=0)
    est_peak_vram_mb: float = Field(ge=0)
    est_cost_usd: float = Field(ge=0, description="The minimum (one attempt per step).")
    est_cost_max_usd: float = Field(0, ge=0, description="Every attempt of every step.")
    cost_by_stage: dict[str, float] = Field(default_factory=dict)
    cost_by_model: list[ModelCost] = Field(default_factory=list)
    spent_usd: float = Field(0, ge=0, description="What the run has already spent (a resume).")
    rates_usd_per_hour: dict[str, float] = Field(
        default_factory=dict, description="The machine-hour rates the estimate used (cpu, gpu)."
    )
    time_by_stage: dict[str, float] = Field(default_factory=dict)
    max_cost_usd: float | None = Field(None, ge=0, description="The run's budget, if any.")
    within_budget: bool = Field(
        True, description="What is spent plus the estimate's minimum is within the budget."
    )
    policy_warnings: list[PolicyWarning] = Field(default_factory=list)
    blockers: list[PolicyWarning] = Field(
        default_factory=list,
        description="What stops a real run from starting: one entry per adapter the render "
        "profile names that is not registered (or whose weights are missing). Empty: it can run.",
    )
    created_at: datetime = Field(default_factory=utc_now)
