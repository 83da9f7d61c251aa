"""What the control panel shows, worked out from what the API says and nothing else: a pure
function of one `/status` payload (the server's StatusResponse, as a dict) and the run's
events so far, so every state a run can be in is a recorded payload and a test.

    state = panel_state(client.status(run_id), events)
    state.buttons.pause        # the /status `actions`: what may be asked of the run now
    state.phase                # running, pausing, paused, awaiting_review, finished, ...
    state.banners              # (kind, text): failure, review, crashed, stopped, budget...
    state.stages["video"]      # done (succeeded + cached) of total, and how it goes
    state.log                  # the last events, one line each

The panel shows seven tabs, the stages a person follows; the stage table's two others
show in a neighbour's (`TAB_OF_STAGE`): the script in plan_intake's (it is what intake
reads), custom steps in assemble's (they work on the clips before the assembly).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..stages import STAGE_TABLE

TABS: tuple[str, ...] = (
    "plan_intake",
    "dialogue_audio",
    "base_images",
    "video",
    "lipsync",
    "assemble",
    "finalize",
)
FOLDED = {"script": "plan_intake", "custom": "assemble"}
TAB_OF_STAGE: dict[str, str] = {s.name: FOLDED.get(s.name, s.name) for s in STAGE_TABLE}
assert set(TAB_OF_STAGE.values()) == set(TABS), "a stage of the table has no tab"

# the API's run status -> the panel's phase (a pause or stop asked and not yet settled
# shows as pausing / stopping)
PHASES = {
    "pending": "starting",
    "running": "running",
    "paused": "paused",
    "awaiting_review": "awaiting_review",
    "succeeded": "finished",
    "failed": "failed",
    "stopped": "stopped",
    "crashed": "crashed",
    "rejected": "rejected",
}
ENDED = ("finished", "failed", "stopped", "crashed", "rejected")
DONE = ("succeeded", "cached")
LOG_LINES = 12


@dataclass(frozen=True)
class Buttons:
    """Which of the run's buttons are enabled: the /status `actions`, as served."""

    pause: bool = False
    resume: bool = False
    stop: bool = False
    review: bool = False


class Banner(NamedTuple):
    """An alert over the panel: `kind` (failure, review, review_answered, crashed, stopped,
    rejected, budget) and what it says."""

    kind: str
    text: str


@dataclass(frozen=True)
class OpenReview:
    """A review gate waiting on a person (or answered, waiting on a resume)."""

    interrupt_id: str
    gate: str
    message: str
    keyframes: tuple[int, ...]
    keyframe_ids: tuple[str, ...]  # the base_images asset of each, in order; () unknown
    answered: str | None


@dataclass(frozen=True)
class StageProgress:
    """One tab's steps: `done` (succeeded or reused) of `total`, and how it goes: pending,
    running, done, failed, or empty (a stage with no steps, e.g. no dialogue)."""

    tab: str
    done: int = 0
    total: int = 0
    running: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def state(self) -> str:
        if self.failed:
            return "failed"
        if self.running:
            return "running"
        if self.total and self.done >= self.total:
            return "done"
        return "empty" if self.total == 0 else "pending"

    @property
    def label(self) -> str:
        return f"{self.done}/{self.total}"


@dataclass(frozen=True)
class Attempt:
    """A step that took more than one attempt."""

    step_id: str
    attempts: int
    status: str


@dataclass(frozen=True)
class PanelState:
    run_id: str
    status: str  # the API's
    phase: str
    buttons: Buttons
    banners: tuple[Banner, ...]
    stages: dict[str, StageProgress]  # tab -> its progress, every tab in TABS order
    current_stage: str | None  # the API's stage running now
    current_tab: str | None
    elapsed: str
    eta: str
    steps_left: int | None
    attempts: tuple[Attempt, ...]
    log: tuple[str, ...]
    reviews: tuple[OpenReview, ...] = ()
    film: Mapping[str, Any] | None = None  # the video_final manifest with its download_url
    render_profile: str | None = None
    plan_id: str | None = None

    @property
    def ended(self) -> bool:
        return self.phase in ENDED

    @property
    def review(self) -> OpenReview | None:
        """The review a person is asked to answer now (the first not answered)."""
        return next((r for r in self.reviews if r.answered is None), None)


def panel_state(
    status: Mapping[str, Any], events: Sequence[Mapping[str, Any]] | None = None
) -> PanelState:
    """The panel for one /status payload and the run's events (oldest first)."""
    phase = PHASES.get(status["status"], status["status"])
    control = status.get("control")
    if phase in ("starting", "running") and control == "pause":
        phase = "pausing"
    if phase not in ENDED and control == "stop":
        phase = "stopping"
    reviews = tuple(
        OpenReview(
            interrupt_id=r["interrupt_id"],
            gate=r["gate"],
            message=r["message"],
            keyframes=tuple(r.get("keyframes") or ()),
            keyframe_ids=tuple(r.get("keyframe_ids") or ()),
            answered=r.get("answered"),
        )
        for r in status.get("reviews") or ()
    )
    current = status.get("current_stage")
    actions = status.get("actions") or {}
    return PanelState(
        run_id=status["run_id"],
        status=status["status"],
        phase=phase,
        buttons=Buttons(**{k: bool(actions.get(k)) for k in ("pause", "resume", "stop", "review")}),
        banners=tuple(banners(status, phase, reviews)),
        stages=stage_progress(status),
        current_stage=current,
        current_tab=TAB_OF_STAGE.get(current) if current else None,
        elapsed=duration_text(status.get("elapsed_s")),
        eta=eta_text(status.get("eta_s"), phase),
        steps_left=status.get("steps_left"),
        attempts=tuple(
            Attempt(s["step_id"], s["attempts"], s["status"])
            for s in status.get("steps") or ()
            if s.get("attempts", 0) > 1
        ),
        log=tuple(log_lines(events or ())[-LOG_LINES:]),
        reviews=reviews,
        film=status.get("film"),
        render_profile=status.get("render_profile"),
        plan_id=status.get("plan_id"),
    )


def banners(status: Mapping[str, Any], phase: str, reviews: Iterable[OpenReview]) -> list[Banner]:
    found: list[Banner] = []
    for line in status.get("failures") or ():
        found.append(Banner("failure", f"failed: {line}"))
    for r in reviews:
        if r.answered is None:
            items = f" (keyframes {', '.join(map(str, r.keyframes))})" if r.keyframes else ""
            found.append(Banner("review", f"review {r.gate} waiting{items}: {r.message}"))
        else:
            found.append(
                Banner(
                    "review_answered",
                    f"review {r.gate}: {r.answered} recorded; Resume applies it",
                )
            )
    if phase == "crashed":
        found.append(
            Banner(
                "crashed",
                "the run's process died without recording an end (killed, out of memory, "
                "machine lost); Resume runs it again from its finished steps",
            )
        )
    elif phase == "stopped":
        found.append(Banner("stopped", "stopped on request; Resume continues it"))
    elif phase == "rejected":
        found.append(Banner("rejected", "the script was rejected: the run ended, nothing rendered"))
    # /status serves `budget` (limit_usd, spent_usd, stopped, message) when the run has one;
    # the banner shows when the budget is what stopped it.
    budget = status.get("budget")
    if isinstance(budget, Mapping) and (budget.get("stopped") or budget.get("exceeded")):
        found.append(Banner("budget", budget_text(budget)))
    return found


def budget_text(budget: Mapping[str, Any]) -> str:
    if budget.get("message"):
        return f"budget: {budget['message']}"
    spent, limit = budget.get("spent_usd"), budget.get("limit_usd")
    if isinstance(spent, int | float) and isinstance(limit, int | float):
        return f"budget: ${spent:.2f} spent of ${limit:.2f}; the run stopped"
    return "budget: the run's budget is spent; the run stopped"


def stage_progress(status: Mapping[str, Any]) -> dict[str, StageProgress]:
    """Each tab's steps from `steps_by_stage` (counts by step status) over `stage_totals`
    (the plan's steps by stage; unknown: what was recorded). plan_intake has no steps of
    its own: it is done once the plan is compiled into steps (stage_totals known)."""
    counts: dict[str, dict[str, int]] = {tab: {} for tab in TABS}
    for stage, by_status in (status.get("steps_by_stage") or {}).items():
        if stage not in TAB_OF_STAGE:
            continue  # a stage this panel does not know: the API is newer than it
        tab = counts[TAB_OF_STAGE[stage]]
        for key, n in by_status.items():
            tab[key] = tab.get(key, 0) + n
    served = status.get("stage_totals")
    totals: dict[str, int] = {tab: 0 for tab in TABS}
    if served is None:
        totals = {tab: sum(c.values()) for tab, c in counts.items()}
    else:
        for stage, n in served.items():
            if stage in TAB_OF_STAGE:
                totals[TAB_OF_STAGE[stage]] += n
    progress = {
        tab: StageProgress(
            tab,
            done=sum(counts[tab].get(k, 0) for k in DONE),
            total=totals[tab],
            running=counts[tab].get("running", 0),
            failed=counts[tab].get("failed", 0),
            skipped=counts[tab].get("skipped", 0),
        )
        for tab in TABS
    }
    compiled = 1 if status.get("stage_totals") else 0
    progress["plan_intake"] = StageProgress(
        "plan_intake",
        done=compiled + progress["plan_intake"].done,
        total=1 + progress["plan_intake"].total,
    )
    return progress


def duration_text(seconds: float | None) -> str:
    """`42 s`, `3 min 05 s`, `1 h 02 min`; `-` when unknown."""
    if seconds is None:
        return "-"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def eta_text(eta_s: float | None, phase: str) -> str:
    """What is left: `done` once finished, `unknown` with no estimate, else `about 2 min
    05 s`; at a review gate the time of the work after it (a person's is not counted)."""
    if phase == "finished":
        return "done"
    if phase in ENDED:
        return "-"
    if eta_s is None:
        return "unknown"
    left = f"about {duration_text(eta_s)}"
    return f"{left} after the review" if phase == "awaiting_review" else left


def log_line(event: Mapping[str, Any]) -> str | None:
    """One event as a line of the panel's log; None for the stream's own `end`."""
    kind, p = event.get("type", ""), event.get("payload") or {}
    step = p.get("step_id", "")
    if kind == "step_started":
        attempt = p.get("attempt", 1)
        return f"{step}: started" + (f" (attempt {attempt})" if attempt and attempt > 1 else "")
    if kind == "step_completed":
        return f"{step}: done"
    if kind == "step_cached":
        return f"{step}: reused"
    if kind == "step_failed":
        return f"{step}: FAILED {p.get('error', '')}".rstrip()
    if kind == "step_retry":
        return f"{step}: attempt {p.get('attempt')} failed, retrying: {p.get('error', '')}"
    if kind == "step_skipped":
        return f"{step}: skipped ({p.get('reason', '')})"
    if kind in ("stage_finished", "run_finished"):
        stages = ", ".join(p.get("stages") or []) or "run"
        return (
            f"{stages}: {p.get('status')} ({p.get('executed', 0)} run, {p.get('cached', 0)} reused)"
        )
    if kind == "run_stopped":
        return f"stopped before {p.get('before_step')}"
    if kind == "review_requested":
        return f"review {p.get('gate')}: waiting"
    if kind == "qa_manual_review":
        note = f" ({p['note']})" if p.get("note") else ""
        keyframes = f" keyframes {p['keyframes']}" if p.get("keyframes") else ""
        return f"review {p.get('gate')}: {p.get('decision')}{keyframes}{note}"
    if kind == "review_applied":
        return f"review {p.get('gate')}: {p.get('decision')} applied"
    if kind == "end":
        return None
    detail = f" {step}" if step else ""
    return f"{kind}{detail}"  # a backend's telemetry (images_stage.load_start), as it is


def log_lines(events: Iterable[Mapping[str, Any]]) -> list[str]:
    return [line for line in map(log_line, events) if line is not None]


# --------------------------------------------------------------------------- runs list


@dataclass(frozen=True)
class RunLine:
    """One row of the runs list: a past or current run."""

    run_id: str
    status: str
    plan_id: str
    duration: str
    cost: str  # `$0.42` (`$0.0003` under a cent) once a step ran, else `-`

    @property
    def label(self) -> str:
        return f"{self.run_id}  {self.status}  {self.duration}  {self.cost}  {self.plan_id}"


def run_lines(rows: Iterable[Mapping[str, Any]], now: float | None = None) -> list[RunLine]:
    """GET /runs rows as lines: a run's duration is from its creation to its last update
    (to now while it is live); its cost once the API serves one (`cost_usd`)."""
    now = time.time() if now is None else now
    lines = []
    for row in rows:
        live = row["status"] in ("pending", "running")
        end = now if live else row["updated_at"]
        cost = row.get("cost_usd")
        lines.append(
            RunLine(
                run_id=row["run_id"],
                status=row["status"],
                plan_id=row.get("plan_id", ""),
                duration=duration_text(end - row["created_at"]),
                cost=money(cost) if isinstance(cost, int | float) else "-",
            )
        )
    return lines


def money(usd: float) -> str:
    """USD as people read it: cents, or four places under a cent (a preview's steps)."""
    return f"${usd:.2f}" if usd >= 0.01 or usd == 0 else f"${usd:.4f}"
