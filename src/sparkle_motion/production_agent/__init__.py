"""production_agent: the run service. Every front door (the CLI, the HTTP API, a notebook)
starts, resumes, inspects and stops runs through these functions; they return typed
objects and raise typed errors, and never print or exit.

    start_run(idea_or_plan, *, profile, review, run_id, dry, wait) -> RunHandle
    resume_run(run_id, *, from_stage, profile, wait)                -> RunHandle
    run_status(run_id) -> RunStatusView        list_runs() -> [RunRow]
    pause_run / stop_run / unlock_run(run_id)  answer_review(run_id, decision, ...)
    film_of(run_id) -> VideoFinalManifest      export_film(run_id, dest) -> Path (+ .srt)
    subtitles_of(run_id) -> ArtifactRef | None
    execute_plan(plan, mode="dry"|"run")       the seed's API, over the same graph

A run executes the production graph (workflows/sparkle_motion/root_agent.yaml) with ADK's
Runner (graph/runner.py): in the calling process with `wait=True`, or in a child process
that holds the run lock and heartbeat with `wait=False` (a crashing run never takes a
server down). One active run per state home (`max_active_runs`, SPARKLE_MAX_ACTIVE_RUNS):
a second start raises RunBusyError naming the active run. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from ..config import (
    Settings,
    adapter_overrides,
    fallback_overrides,
    fallbacks_by_key,
    get_settings,
)
from ..errors import (
    RunFailedError,
    RunLockedError,
    RunNotFoundError,
    RunRequestError,
)
from ..graph.context import AdapterFor, RunEnv
from ..runs.cost import budget_of
from ..runs.engine import RetryPolicy
from ..runs.films import export_film as _copy_film
from ..runs.films import export_subtitles, film_manifest, film_subtitles
from ..runs.records import StepRecords
from ..runs.reviews import PendingReview, record_decision, reviews
from ..runs.status import RunStatusView, effective_status, status_view
from ..runs.table import RunRow, Runs
from ..schemas import (
    ArtifactRef,
    AssetRefs,
    MoviePlan,
    RunStatus,
    SimulateExecutionReport,
    VideoFinalManifest,
)
from ..schemas.common import check_run_id
from ..stages import check_review_gates, forced_stages
from ..storage.base import ArtifactStore
from .dry import dry_report
from .launch import Job, launch, open_runs, resolve_source, resume_source
from .overrides import check_adapters, check_fallbacks
from .types import PlanSource, RunHandle, RunOutcome, RunProgress, new_run_id

__all__ = [
    "RunHandle",
    "RunOutcome",
    "RunStatusView",
    "answer_review",
    "assets_of",
    "check_adapters",
    "check_fallbacks",
    "execute_plan",
    "export_film",
    "film_of",
    "list_runs",
    "new_run_id",
    "open_reviews",
    "pause_run",
    "plan_of",
    "plan_source",
    "resume_run",
    "run_cost",
    "run_state",
    "run_status",
    "start_run",
    "stop_run",
    "subtitles_of",
    "unlock_run",
]


def _row(runs: Runs, run_id: str) -> RunRow:
    row = runs.get(check_run_id(run_id))
    if row is None:
        raise RunNotFoundError(f"no run {run_id}", run_id=run_id)
    return row


def _resumed(
    settings: Settings,
    row: RunRow,
    setting: str,
    by_key: Callable[[list[str]], Mapping[str, list[str]]],
) -> list[str]:
    """Per key: what this resume names > what the run started with > the process's
    defaults (a file, the environment, the server's), as `kind=name` items."""
    merged = {
        **by_key(list(getattr(settings, setting))),
        **by_key(row.metadata.get(setting) or []),
        **by_key(settings.named_items(setting)),
    }
    return [f"{key}={name}" for key, names in merged.items() for name in names]


def _one_each(items: list[str]) -> dict[str, list[str]]:
    return {key: [name] for key, name in (item.split("=", 1) for item in items)}


def resumed_adapters(settings: Settings, row: RunRow) -> list[str]:
    """The per-stage backends a resume renders with, per key: the ones this resume names
    (`--adapter`, the request's `adapters`) over the ones the run started with, over the
    process's defaults (SPARKLE_ADAPTERS, the settings file): a server-wide default never
    silently changes a run's backends (and so its step keys)."""
    return _resumed(settings, row, "adapters", _one_each)


def resumed_fallbacks(settings: Settings, row: RunRow) -> list[str]:
    """The fallback backends a resume may try, per key, by resumed_adapters' rule (the
    resume's `--fallback`, the request's `fallbacks` > the run's > SPARKLE_FALLBACKS)."""
    return _resumed(settings, row, "fallbacks", fallbacks_by_key)


def _same_backends(settings: Settings, row: RunRow, run_id: str) -> None:
    """A pause lifted in the run's live process goes on with the backends that process
    has: a resume naming others is refused (RunRequestError naming the field), never
    silently ignored."""
    for setting, by_key in (("adapters", _one_each), ("fallbacks", fallbacks_by_key)):
        kept = by_key(row.metadata.get(setting) or [])
        named = by_key(settings.named_items(setting))
        changed = sorted(key for key, names in named.items() if kept.get(key) != names)
        if changed:
            raise RunRequestError(
                f"run {run_id} is paused in its live process (pid {row.owner_pid}), which "
                f"goes on with its own {setting} ({', '.join(changed)}); stop it, then "
                "resume it to change them",
                field=setting,
            )


def _with_profile(
    settings: Settings,
    profile: str | None,
    adapters: list[str] | None = None,
    fallbacks: list[str] | None = None,
) -> Settings:
    """The run's settings: its profile, per-stage backends and fallbacks, both checked
    (RunRequestError naming `adapters.<key>` or `fallbacks.<key>`: a registered adapter of
    that stage's kind)."""
    update: dict[str, Any] = {}
    if profile is not None:
        update["render_profile"] = profile
    if adapters is not None:
        update["adapters"] = list(adapters)
    if fallbacks is not None:
        update["fallbacks"] = list(fallbacks)
    chosen = settings.model_copy(update=update) if update else settings
    check_adapters(adapter_overrides(chosen))
    check_fallbacks(fallback_overrides(chosen))
    return chosen


# --------------------------------------------------------------------------- start


def plan_source(
    idea_or_plan: str | Path | Mapping[str, Any] | MoviePlan,
    *,
    run_id: str,
    seed: int | None = None,
    settings: Settings | None = None,
    idea_only: bool = False,
) -> PlanSource:
    """What a run would render: a plan file, a plan, or an idea that script_agent writes
    into `<runs_dir>/<run_id>/plan.json` (PlanError when it cannot; RunRequestError for a
    missing plan file or a bad run id)."""
    return resolve_source(
        idea_or_plan,
        run_id=check_run_id(run_id),
        seed=seed,
        settings=settings or get_settings(),
        idea_only=idea_only,
    )


def start_run(
    idea_or_plan: str | Path | Mapping[str, Any] | MoviePlan | PlanSource,
    *,
    profile: str | None = None,
    review: list[str] | None = None,
    run_id: str | None = None,
    dry: bool = False,
    wait: bool = True,
    seed: int | None = None,
    settings: Settings | None = None,
    session_db: Path | None = None,
    progress: RunProgress | None = None,
    adapter_for: AdapterFor | None = None,
) -> RunHandle:
    """Make a film from an idea (script_agent writes the plan into the run's folder) or a
    plan (a file, a mapping or a MoviePlan). `review` names the gates to pause at (None:
    the settings'). `dry` renders nothing and returns the report on the handle."""
    settings = _with_profile(settings or get_settings(), profile)
    run_id = check_run_id(run_id) if run_id is not None else new_run_id()
    gates = None if review is None else _gates(review)
    source = (
        idea_or_plan
        if isinstance(idea_or_plan, PlanSource)
        else plan_source(idea_or_plan, run_id=run_id, seed=seed, settings=settings)
    )
    if dry:
        report = execute_plan(
            source.text, "dry", run_id=run_id, settings=settings, base_dir=source.base_dir
        )
        assert isinstance(report, SimulateExecutionReport)
        return RunHandle(run_id, source.path, source.summary, report=report)
    job = Job(source, RunEnv(settings, adapter_for), gates, None, None, session_db)
    return launch("start", run_id, settings, job, wait=wait, progress=progress)


def _gates(review: list[str]) -> list[str]:
    try:
        return check_review_gates(review)
    except ValueError as exc:
        raise RunRequestError(str(exc), field="review") from None


def resume_run(
    run_id: str,
    *,
    from_stage: str | None = None,
    profile: str | None = None,
    wait: bool = True,
    settings: Settings | None = None,
    session_db: Path | None = None,
    progress: RunProgress | None = None,
) -> RunHandle:
    """Continue a run: lift a pause its live process waits in, or run a stopped, failed,
    crashed or finished run again from its stored plan (finished steps are reused;
    `from_stage` renders that stage and every later one again)."""
    settings = settings or get_settings()
    try:
        forced_stages(from_stage)
    except ValueError as exc:
        raise RunRequestError(str(exc), field="from_stage") from None
    with open_runs(settings) as runs:
        row = _row(runs, run_id)
        live = row.owner_alive(ttl_s=runs.ttl_s)
        paused = row.status is RunStatus.PAUSED or runs.control(run_id) == "pause"
        if live and paused and from_stage is None:  # its process waits at the gate: let it go
            _same_backends(settings, row, run_id)
            if settings.max_cost_usd is not None:  # its next stage is held to the new budget
                runs.set_budget(run_id, settings.max_cost_usd)
            runs.request(run_id, None)
            return RunHandle(
                run_id, None, None, outcome=RunOutcome(run_id, RunStatus.RUNNING, lifted_pause=True)
            )
        if live:
            raise RunLockedError(
                f"run {run_id} is being driven by pid {row.owner_pid} on {row.owner_host}; "
                "stop it before running it again (`sparkle-motion unlock` if that process "
                "is gone)",
                run_id=run_id,
                context={"owner_pid": row.owner_pid, "owner_host": row.owner_host},
            )
        if paused:  # nobody waits at the gate: the request is settled by running again
            runs.request(run_id, None)
    started_with = row.metadata.get("profile")
    if (
        profile is not None
        and started_with
        and profile != started_with
        and from_stage is None
        and row.status is RunStatus.AWAITING_REVIEW
    ):
        raise RunRequestError(
            f"run {run_id} waits at a review gate and goes on from there with its profile "
            f"({started_with}); add from_stage to render again with {profile}",
            field="profile",
        )
    settings = _with_profile(
        settings,
        profile or started_with or None,
        resumed_adapters(settings, row),
        resumed_fallbacks(settings, row),
    )
    kept = budget_of(row)
    if settings.max_cost_usd is None and kept is not None:  # the budget it ran under, kept
        settings = settings.model_copy(update={"max_cost_usd": kept})
    if row.no_reuse:  # started with `--no-reuse`: its resumes reuse nothing either
        settings = settings.model_copy(update={"dedupe": False})
    source = resume_source(row, run_id)
    job = Job(
        source,
        RunEnv(settings),
        row.metadata.get("review_gates"),
        from_stage,
        row.status,
        session_db,
    )
    return launch("resume", run_id, settings, job, wait=wait, progress=progress)


# --------------------------------------------------------------------------- inspect


def run_status(run_id: str, *, settings: Settings | None = None) -> RunStatusView:
    from ..storage import open_artifact_store

    settings = settings or get_settings()
    with open_runs(settings) as runs:
        row = _row(runs, run_id)
        store = open_artifact_store(settings, scan=False)
        try:
            return status_view(runs, store, row, settings=settings)
        finally:
            store.close()


def run_state(run_id: str, *, settings: Settings | None = None) -> tuple[RunStatus, bool]:
    """The run's status and whether a live process drives it: one read of its row, for
    callers that poll (an event stream); RunNotFoundError when there is none."""
    with open_runs(settings or get_settings()) as runs:
        row = _row(runs, run_id)
        return effective_status(row, runs.ttl_s), row.owner_alive(ttl_s=runs.ttl_s)


def list_runs(limit: int = 20, *, settings: Settings | None = None) -> list[dict[str, Any]]:
    """Recent runs, newest first."""
    with open_runs(settings or get_settings()) as runs:
        return runs.list(limit)


def run_cost(run_id: str, *, settings: Settings | None = None) -> dict[str, Any]:
    """What the run's recorded steps cost (total, by stage, by stage and model) and the
    budget it runs under (None without one); RunNotFoundError for no such run."""
    from ..runs.cost import breakdown

    view = run_status(run_id, settings=settings)
    return {"run_id": run_id, **breakdown(view.steps), "budget": view.budget}


def plan_of(run_id: str, *, settings: Settings | None = None) -> dict[str, Any] | None:
    """The plan the run renders, as stored with it (None while an idea is being written
    out); RunNotFoundError when there is no such run."""
    from ..plans.parse import parse_plan_text

    with open_runs(settings or get_settings()) as runs:
        text = _row(runs, run_id).metadata.get("plan_text")
    return parse_plan_text(text) if isinstance(text, str) and text else None


def film_of(run_id: str, *, settings: Settings | None = None) -> VideoFinalManifest | None:
    """The run's video_final manifest (None until finalize succeeded)."""
    from ..storage import open_artifact_store

    settings = settings or get_settings()
    with open_runs(settings) as runs:
        _row(runs, run_id)
        store = open_artifact_store(settings, scan=False)
        try:
            return film_manifest(StepRecords(runs.db), store, run_id)
        finally:
            store.close()


def assets_of(run_id: str, *, settings: Settings | None = None) -> AssetRefs:
    """What the run has produced so far, by role (keyframes, `line_artifacts`, clips, ...)."""
    from ..runs.assets import asset_refs

    settings = settings or get_settings()
    with open_runs(settings) as runs:
        _row(runs, run_id)
        return asset_refs(StepRecords(runs.db), run_id)


def subtitles_of(run_id: str, *, settings: Settings | None = None) -> ArtifactRef | None:
    """The film's sidecar `.srt` (None when the run has no subtitles, or no film yet)."""
    with open_runs(settings or get_settings()) as runs:
        _row(runs, run_id)
        return film_subtitles(StepRecords(runs.db), run_id)


def export_film(run_id: str, dest: Path, *, settings: Settings | None = None) -> Path:
    """Copy the run's film to `dest`, verified, and its subtitles beside it (`film.mp4` ->
    `film.srt`) when it has them, each atomically; RunFailedError when it has no film."""
    from ..storage import open_artifact_store

    settings = settings or get_settings()
    manifest = film_of(run_id, settings=settings)
    if manifest is None:
        raise RunFailedError(f"run {run_id} has no finished film", run_id=run_id)
    film = _copy_film(manifest, dest)
    subtitles = subtitles_of(run_id, settings=settings)
    if subtitles is not None:
        store = open_artifact_store(settings, scan=False)
        try:
            export_subtitles(store, subtitles, film)
        finally:
            store.close()
    return film


# --------------------------------------------------------------------------- control


def _control(run_id: str, control: str | None, settings: Settings | None) -> RunRow:
    with open_runs(settings or get_settings()) as runs:
        row = _row(runs, run_id)
        runs.request(run_id, control)
        return row


def pause_run(run_id: str, *, settings: Settings | None = None) -> RunRow:
    """Ask the run to pause after its current step (from any process)."""
    return _control(run_id, "pause", settings)


def stop_run(run_id: str, *, settings: Settings | None = None) -> RunRow:
    """Ask the run to stop after its current step; finished steps are kept."""
    return _control(run_id, "stop", settings)


def unlock_run(
    run_id: str, *, force: bool = False, settings: Settings | None = None
) -> tuple[RunRow, RunRow]:
    """Let go of a dead owner's lock (RunLockedError while it lives, unless `force`);
    returns the row before and after."""
    with open_runs(settings or get_settings()) as runs:
        _row(runs, run_id)
        found = runs.unlock(run_id, force=force)
        return found, _row(runs, run_id)


def open_reviews(run_id: str, *, settings: Settings | None = None) -> list[PendingReview]:
    from ..storage import MemoryLog

    with open_runs(settings or get_settings()) as runs:
        return reviews(check_run_id(run_id), memory=MemoryLog(runs.db))


def answer_review(
    run_id: str,
    decision: Literal["approve", "reject"],
    *,
    gate: str | None = None,
    shot: int | None = None,
    note: str | None = None,
    keyframes: list[int] | None = None,
    settings: Settings | None = None,
) -> PendingReview:
    """Record a decision for the run's open review (a `qa_manual_review` event); it
    applies when the run resumes. HumanInputRequestError when nothing fits."""
    from ..storage import MemoryLog

    with open_runs(settings or get_settings()) as runs:
        return record_decision(
            check_run_id(run_id),
            decision,
            gate=gate,
            shot=shot,
            note=note,
            keyframes=keyframes or None,
            memory=MemoryLog(runs.db),
        )


# --------------------------------------------------------------------------- seed API


def execute_plan(
    plan: Mapping[str, Any] | MoviePlan | str,
    mode: Literal["dry", "run"] = "run",
    *,
    run_id: str | None = None,
    settings: Settings | None = None,
    adapter_for: AdapterFor | None = None,
    from_stage: str | None = None,
    store: ArtifactStore | None = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
    base_dir: Path | None = None,
) -> list[ArtifactRef] | SimulateExecutionReport:
    """The seed's API. `dry`: the simulate_execution_report, no adapter called. `run`: the
    production graph executes the plan (as `start_run`, in this process) and every step's
    outputs come back; RunFailedError when a step failed. `base_dir` is where the plan's
    relative input paths are found (default: the working directory)."""
    if mode not in ("dry", "run"):
        raise ValueError(f"mode must be 'dry' or 'run', got {mode!r}")
    settings = settings or get_settings()
    run_id = check_run_id(run_id) if run_id is not None else new_run_id()
    if mode == "run":
        return _run_plan(plan, run_id, settings, adapter_for, from_stage, retry, sleep, base_dir)
    return dry_report(
        plan, run_id, settings, adapter_for=adapter_for, base_dir=base_dir, store=store
    )


def _run_plan(
    plan: Mapping[str, Any] | MoviePlan | str,
    run_id: str,
    settings: Settings,
    adapter_for: AdapterFor | None,
    from_stage: str | None,
    retry: RetryPolicy | None,
    sleep: Callable[[float], None] | None,
    base_dir: Path | None,
) -> list[ArtifactRef]:
    if isinstance(plan, MoviePlan):
        text = plan.model_dump_json()
    elif isinstance(plan, Mapping):
        text = json.dumps(plan)
    else:
        text = str(plan)
    forced_stages(from_stage)  # the seed's contract: ValueError naming the stages
    env = RunEnv(settings, adapter_for, retry, sleep)
    job = Job(PlanSource(text, None, base_dir, None), env, from_stage=from_stage)
    handle = launch("start", run_id, settings, job, wait=True)
    outcome = handle.wait()
    if outcome.failures or outcome.status is RunStatus.FAILED:
        failed = dict(line.split(": ", 1) for line in outcome.failures)
        raise RunFailedError(
            f"run {run_id} failed: {failed}", run_id=run_id, context={"failed": failed}
        )
    return outcome.artifacts
