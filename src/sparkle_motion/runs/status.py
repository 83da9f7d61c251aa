"""What a run looks like from outside: one read of the runs table, its step records, its
open reviews and its film, as a typed view every front door shows its own way; with how
long it has been going and how much work it has left (runs/eta.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..config import Settings, get_settings
from ..schemas import RunStatus, StepExecutionRecord, StepStatus, VideoFinalManifest
from ..storage import MemoryLog
from .cost import budget_of, spent
from .eta import LIVE, context_progress, stored_context
from .films import film_manifest
from .metrics import stage_metrics
from .records import StepRecords
from .reviews import PendingReview, reviews
from .table import RunRow, Runs

if TYPE_CHECKING:
    from ..storage.base import ArtifactStore

COUNTED = ("succeeded", "cached", "failed", "skipped", "running")


@dataclass(frozen=True)
class RunStatusView:
    run_id: str
    status: RunStatus  # CRASHED when the row says running but its owner is gone
    plan_id: str
    render_profile: str | None
    owner_pid: int | None
    owner_host: str | None
    owner_alive: bool
    heartbeat_age_s: float | None
    steps_by_stage: dict[str, dict[str, int]] = field(default_factory=dict)  # stage -> counts
    failures: list[str] = field(default_factory=list)  # "step_id: message"
    reviews: list[PendingReview] = field(default_factory=list)  # open, answered or not
    film: VideoFinalManifest | None = None
    steps: list[StepExecutionRecord] = field(default_factory=list)  # the timeline, in order
    control: str | None = None  # a pause or stop asked of the run and not yet settled
    eta_s: float | None = None  # seconds of work left (0: succeeded; None: ended or unknown)
    elapsed_s: float | None = None  # since the first step started (to the last end, if ended)
    steps_left: int | None = None  # plan steps without a succeeded/cached record
    # stage -> its plan steps (what each stage's progress counts towards); None: unknown
    stage_totals: dict[str, int] | None = None
    # keyframe index -> its id (`kf-000`, the plan's own ids), read only while a review of
    # keyframes is open: what a dashboard shows beside each reviewed index
    keyframe_ids: tuple[str, ...] = ()
    cost_usd: float = 0.0  # what the run's recorded steps cost (runs/cost.py)
    # stage -> successes, failures, reuse, retries, time, cost (runs/metrics.py)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the budget it runs under: limit_usd, spent_usd, stopped (it stopped the run), message
    budget: dict[str, Any] | None = None

    @property
    def actions(self) -> dict[str, bool]:
        """What a person may ask of the run now (a dashboard's buttons): `pause` a run
        going, `stop` one not ended, `resume` one paused, stopped, failed, crashed or whose
        reviews are all answered, `review` one waiting on a review not yet answered."""
        status, control = self.status, self.control
        waiting = status is RunStatus.AWAITING_REVIEW
        unanswered = any(not r.answered for r in self.reviews)
        # a stopped or failed run a process has just claimed again is being resumed
        claimed = self.owner_alive and status in (RunStatus.STOPPED, RunStatus.FAILED)
        return {
            "pause": status in (RunStatus.PENDING, RunStatus.RUNNING) and control is None,
            "resume": (status in RESUMABLE and not claimed)
            or (waiting and not unanswered)
            or (status is RunStatus.RUNNING and control == "pause"),
            "stop": status in LIVE and control != "stop",
            "review": waiting and unanswered,
        }


RESUMABLE = (RunStatus.PAUSED, RunStatus.STOPPED, RunStatus.FAILED, RunStatus.CRASHED)


def effective_status(row: RunRow, ttl_s: float) -> RunStatus:
    """The row's status, except that a running or paused run whose owner is gone (or that
    no process holds at all) crashed."""
    return row.seen_status(ttl_s)


def failures(steps: list[StepExecutionRecord]) -> list[str]:
    """ "step_id: message" of every failed step."""
    return [
        r.error.message  # an error that names its step already says whose it is
        if r.error.message.startswith(f"{r.step_id}: ")
        else f"{r.step_id}: {r.error.message}"
        for r in steps
        if r.status is StepStatus.FAILED and r.error is not None
    ]


def status_view(
    runs: Runs, store: ArtifactStore, row: RunRow, *, settings: Settings | None = None
) -> RunStatusView:
    """`settings` validate the stored plan for the estimate (default: the process's)."""
    records = StepRecords(runs.db)
    steps = records.list(row.run_id)
    by_stage: dict[str, dict[str, int]] = {}
    for record in steps:
        counts = by_stage.setdefault(record.stage, {})
        counts[record.status.value] = counts.get(record.status.value, 0) + 1
    alive = row.owner_alive(ttl_s=runs.ttl_s)
    status = effective_status(row, runs.ttl_s)
    settings = settings or get_settings()
    # the plan is rebuilt once: for the work left and the ids of keyframes under review
    ctx = None if status is RunStatus.SUCCEEDED else stored_context(row, settings)
    left = context_progress(ctx, status, steps)
    open_reviews = reviews(row.run_id, memory=MemoryLog(runs.db))
    keyframe_ids: tuple[str, ...] = ()
    if ctx is not None and any(r.keyframes for r in open_reviews):
        keyframe_ids = tuple(ctx.plan.keyframe_id(i) for i in range(len(ctx.plan.base_images)))
    cost = spent(steps)
    return RunStatusView(
        run_id=row.run_id,
        status=status,
        plan_id=row.plan_id,
        render_profile=row.metadata.get("profile"),
        owner_pid=row.owner_pid,
        owner_host=row.owner_host,
        owner_alive=alive,
        heartbeat_age_s=row.heartbeat_age() if alive else None,
        steps_by_stage=by_stage,
        failures=failures(steps),
        reviews=open_reviews,
        film=film_manifest(records, store, row.run_id),
        steps=steps,
        control=runs.control(row.run_id),
        eta_s=left.eta_s,
        elapsed_s=left.elapsed_s,
        steps_left=left.steps_left,
        stage_totals=left.stage_totals or _counted(by_stage),
        keyframe_ids=keyframe_ids,
        cost_usd=cost,
        budget=budget_view(row, status, cost, MemoryLog(runs.db)),
        metrics={stage: m.view() for stage, m in stage_metrics(steps).items()},
    )


def budget_view(
    row: RunRow, status: RunStatus, cost: float, memory: MemoryLog
) -> dict[str, Any] | None:
    """The run's budget and what it has spent; `stopped` when the budget is what stopped
    it (its last stop said so), with that stop's words."""
    limit = budget_of(row)
    if limit is None:
        return None
    view: dict[str, Any] = {"limit_usd": limit, "spent_usd": cost, "stopped": False}
    if status is RunStatus.STOPPED:
        stops = memory.list(row.run_id, "run_stopped")
        last = stops[-1].payload if stops else {}
        if last.get("reason") == "budget":
            view.update(stopped=True, message=last.get("message"))
    return view


def _counted(by_stage: dict[str, dict[str, int]]) -> dict[str, int] | None:
    """stage -> its recorded steps (a finished run's plan is not read again)."""
    return {stage: sum(counts.values()) for stage, counts in by_stage.items()} or None
