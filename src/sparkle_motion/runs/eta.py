"""How long a run has been going and how much work it has left, from its own records.

    progress(status, steps, records, estimate) -> Progress(eta_s, elapsed_s, steps_left)

The steps still to run are the run's compiled plan steps without a succeeded or cached
record. Each is expected to take the mean measured duration of this run's succeeded
steps of its step type when there are any (what this machine really does), else what
its adapter's `estimate()` says (the figure the dry report sums); a running step is
expected to take what is left of that. `eta_s` is their sum: seconds of work, as the dry
report's `est_total_time_s` counts them (one after another; a review gate or a pause
waits on a person, which no estimate knows). 0 once the run succeeded; None when it ended
otherwise (failed, stopped, crashed, rejected) or when a step has neither a measurement
nor an estimate. `elapsed_s` is wall time from the first step's start to now, or to the
last step's end once the run has ended; None before any step started.

`run_progress` is that for a run of the runs table: `stored_context` rebuilds its context
(its steps, its render profile) from the plan the table keeps, `adapter_estimates`
answers with the adapters' estimates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..config import Settings
from ..errors import SparkleMotionError
from ..schemas import RunContext, RunStatus, Step, StepExecutionRecord, StepStatus
from ..stages import STAGE_OF_STEP_TYPE
from .table import RunRow

DONE = (StepStatus.SUCCEEDED, StepStatus.CACHED)
LIVE = (RunStatus.PENDING, RunStatus.RUNNING, RunStatus.PAUSED, RunStatus.AWAITING_REVIEW)

Estimate = Callable[[Step], float | None]


@dataclass(frozen=True)
class Progress:
    eta_s: float | None
    elapsed_s: float | None
    steps_left: int | None  # None: the run's steps are not known
    # stage -> how many steps of the plan it has (None: the run's steps are not known)
    stage_totals: dict[str, int] | None = None


def stage_totals(steps: Sequence[Step]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for step in steps:
        stage = STAGE_OF_STEP_TYPE[step.type]
        totals[stage] = totals.get(stage, 0) + 1
    return totals


def measured(records: Sequence[StepExecutionRecord]) -> dict[str, float]:
    """step type -> mean duration of the run's steps of that type that ran and succeeded
    (cached ones took no work, failed ones may have been cut short)."""
    sums: dict[str, list[float]] = {}
    for r in records:
        if r.status is StepStatus.SUCCEEDED and r.duration_s is not None:
            sums.setdefault(r.step_type, []).append(r.duration_s)
    return {kind: sum(each) / len(each) for kind, each in sums.items()}


def elapsed(
    status: RunStatus, records: Sequence[StepExecutionRecord], now: datetime
) -> float | None:
    starts = [r.started_at for r in records if r.started_at is not None]
    if not starts:
        return None
    end = now
    if status not in LIVE:
        ends = [r.finished_at for r in records if r.finished_at is not None]
        end = max(ends, default=now)
    return round(max(0.0, (end - min(starts)).total_seconds()), 3)


def progress(
    status: RunStatus,
    steps: Sequence[Step] | None,
    records: Sequence[StepExecutionRecord],
    estimate: Estimate,
    *,
    now: datetime | None = None,
) -> Progress:
    """`steps`: the run's compiled plan steps (None when unknown); `records`: its step
    records; `estimate(step)`: the adapter's seconds for a step (None when it has none)."""
    now = now or datetime.now(UTC)
    took = elapsed(status, records, now)
    totals = None if steps is None else stage_totals(steps)
    if status is RunStatus.SUCCEEDED:
        return Progress(0.0, took, 0, totals)
    if status not in LIVE or steps is None:
        left = None if steps is None else _left_count(steps, records)
        return Progress(None, took, left, totals)
    by_id = {r.step_id: r for r in records}
    means = measured(records)
    total, left = 0.0, 0
    for step in steps:
        record = by_id.get(step.id)
        if record is not None and record.status in DONE:
            continue
        left += 1
        each = means.get(step.type)
        if each is None:
            each = estimate(step)
        if each is None:
            return Progress(None, took, _left_count(steps, records), totals)
        if record is not None and record.status is StepStatus.RUNNING and record.started_at:
            each = max(0.0, each - (now - record.started_at).total_seconds())
        total += each
    return Progress(round(total, 3), took, left, totals)


def run_progress(
    row: RunRow,
    status: RunStatus,
    records: Sequence[StepExecutionRecord],
    settings: Settings,
    *,
    now: datetime | None = None,
) -> Progress:
    """`progress` of a run over the plan stored with it and its adapters' estimates."""
    ctx = None if status is RunStatus.SUCCEEDED else stored_context(row, settings)
    return context_progress(ctx, status, records, now=now)


def context_progress(
    ctx: RunContext | None,
    status: RunStatus,
    records: Sequence[StepExecutionRecord],
    *,
    now: datetime | None = None,
) -> Progress:
    """`progress` over a context already rebuilt (None: the run's steps are not known)."""
    if ctx is None:
        return progress(status, None, records, lambda _step: None, now=now)
    return progress(status, ctx.plan.steps, records, adapter_estimates(ctx), now=now)


def _left_count(steps: Sequence[Step], records: Sequence[StepExecutionRecord]) -> int:
    done = {r.step_id for r in records if r.status in DONE}
    return sum(1 for s in steps if s.id not in done)


def stored_context(row: RunRow, settings: Settings) -> RunContext | None:
    """The run's context from the plan stored with it, under the render profile it was
    started with; None when no plan is stored (an idea not yet written out) or it no
    longer validates (the settings changed since)."""
    from ..plans.parse import parse_plan_text
    from .intake import prepare

    text = row.metadata.get("plan_text")
    profile = row.metadata.get("profile")
    if not isinstance(text, str) or not text:
        return None
    try:
        plan: dict[str, Any] = parse_plan_text(text)
        if isinstance(profile, str) and profile:
            given = plan.get("render_profile")
            if not (isinstance(given, dict) and given.get("name") == profile):
                plan["render_profile"] = {"name": profile}  # as a --profile option chose it
        # the profile is the plan's now: a process-wide --profile must not override it
        chosen = settings.model_copy(
            update={"render_profile": None, "adapters": list(row.metadata.get("adapters") or [])}
        )
        return prepare(plan, run_id=row.run_id, settings=chosen)[0]
    except SparkleMotionError:
        return None


def adapter_estimates(ctx: RunContext) -> Estimate:
    """A step's seconds as its adapter estimates them (the dry report's figure); None
    for a step the profile names no usable adapter for."""
    from ..adapters.registry import adapter_for

    def estimate(step: Step) -> float | None:
        try:
            return adapter_for(step, ctx.render_profile).estimate(step, ctx.render_profile).time_s
        except SparkleMotionError:
            return None

    return estimate
