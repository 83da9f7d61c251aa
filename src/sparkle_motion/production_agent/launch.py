"""How the run service executes a run: claim it (run lock, one-job rule), start the slow
loads, drive the graph with the run's environment bound, read the outcome back from the
run table; in this process, or in a child process that reports over a pipe."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..aio import run_sync
from ..config import Settings
from ..errors import (
    MissingDependencyError,
    MissingWeightsError,
    PlanError,
    RunRequestError,
    SparkleMotionError,
    interrupted,
)
from ..graph.context import RunEnv, bind
from ..graph.requests import plan_file, run_request
from ..runs.cost import over_budget
from ..runs.films import film_intact, film_manifest
from ..runs.records import StepRecords
from ..runs.reviews import PendingReview, reviews
from ..runs.scratch import sweep
from ..runs.status import effective_status, failures
from ..runs.table import RunRow, Runs
from ..schemas import MoviePlan, RunStatus, StepStatus
from ..stages import PROFILE_KEY_OF_STEP
from .dry import dry_report
from .types import PlanSource, PlanSummary, RunHandle, RunOutcome, RunProgress
from .warming import join_loads

Kind = Literal["start", "resume"]


@dataclass(frozen=True)
class Job:
    """What to run (picklable: a child process receives it)."""

    source: PlanSource
    env: RunEnv
    review: list[str] | None = None
    from_stage: str | None = None
    found: RunStatus | None = None  # the status a resumed run was found in
    session_db: Path | None = None


PLAN_SUFFIXES = (".json", ".yaml", ".yml")


# --------------------------------------------------------------------------- sources


def resolve_source(
    idea_or_plan: str | Path | Mapping[str, Any] | MoviePlan,
    *,
    run_id: str,
    seed: int | None,
    settings: Settings,
    idea_only: bool = False,
) -> PlanSource:
    """A plan file, a plan (mapping, MoviePlan) or an idea, which script_agent turns into
    `<runs_dir>/<run_id>/plan.json`. With `idea_only` (text from the network), text is an
    idea whatever it looks like: never a path of this machine, never plan text."""
    if isinstance(idea_or_plan, MoviePlan):
        return PlanSource(idea_or_plan.model_dump_json(), None, None, None)
    if isinstance(idea_or_plan, Mapping):
        return PlanSource(json.dumps(idea_or_plan), None, None, None)
    if isinstance(idea_or_plan, Path):
        if not idea_or_plan.is_file():
            raise RunRequestError(f"{idea_or_plan}: no such plan file", field="plan")
        path = idea_or_plan.resolve()
        return PlanSource(path.read_text(encoding="utf-8"), path, path.parent, None)
    text = str(idea_or_plan)
    if idea_only:
        return _from_idea(text, run_id=run_id, seed=seed, settings=settings)
    one_line = "\n" not in text
    try:  # a long idea is not a path (the OS refuses over-long names)
        found = plan_file(text) if one_line else None
    except OSError:
        found = None
    if found is not None:
        return PlanSource(found.read_text(encoding="utf-8"), found, found.parent, None)
    if one_line and Path(text).suffix.lower() in PLAN_SUFFIXES:
        raise RunRequestError(f"{text}: no such plan file", field="plan")
    if not one_line or text.lstrip().startswith("{"):
        return PlanSource(text, None, None, None)  # plan text (JSON or YAML)
    return _from_idea(text, run_id=run_id, seed=seed, settings=settings)


def _from_idea(text: str, *, run_id: str, seed: int | None, settings: Settings) -> PlanSource:
    from ..plans.files import write_plan_file
    from ..script_agent import generate_plan

    result = generate_plan(text, seed=seed, settings=settings, run_id=run_id, publish=False)
    path = write_plan_file(result.plan, Path(settings.runs_dir) / run_id / "plan.json")
    summary = PlanSummary(result.plan.title, len(result.plan.shots), result.plan.total_duration_s)
    return PlanSource(path.read_text(encoding="utf-8"), path, path.parent, summary)


def resume_source(row: RunRow, run_id: str) -> PlanSource:
    """The plan stored with the run when it last started."""
    text = row.metadata.get("plan_text")
    if not text:
        raise RunRequestError(
            f"run {run_id} has no stored plan; run it with "
            f"`sparkle-motion run PLAN --run-id {run_id}`",
            field="run_id",
        )
    base = row.metadata.get("base_dir")
    return PlanSource(text, None, Path(base) if base else None, None)


def _message(source: PlanSource, review: list[str] | None, from_stage: str | None) -> str:
    if source.path is not None and from_stage is None:
        return run_request(source.path, review=review)
    try:
        plan: Any = json.loads(source.text)
    except json.JSONDecodeError:
        plan = source.text  # YAML: sent as text
    return run_request(
        plan if isinstance(plan, dict) else source.text,
        from_stage=from_stage,
        base_dir=source.base_dir,
        review=review,
    )


# --------------------------------------------------------------------------- prewarm


def prewarm(
    settings: Settings, source: PlanSource, run_id: str, threads: list[threading.Thread]
) -> bool:
    """Start the slow loads (the piper voice) before ADK is even imported, for the stages
    that will really render: a dry run over the step keys says which (about 0.1 s), so a
    resume whose voices are all done loads nothing. Also says whether every step's output
    is already stored (nothing to render). The loading threads go into `threads` as they
    start, so an interrupt at any moment still lets the caller wait for them."""
    from ..adapters.registry import adapter_named
    from ..catalog.where import placement

    try:
        report = dry_report(source.text, run_id, settings, base_dir=source.base_dir)
    except SparkleMotionError:
        return False  # plan intake reports it, typed
    names = {s.adapter for s in report.steps if not s.cached and s.step_type in PROFILE_KEY_OF_STEP}
    for name in sorted(names):
        if placement(name, settings).remote:
            continue  # its tool process holds the model
        with contextlib.suppress(SparkleMotionError):
            load = getattr(adapter_named(name), "prewarm", None)
            if callable(load):
                thread = threading.Thread(target=_quietly, args=(load,), daemon=True)
                thread.start()
                threads.append(thread)
    return bool(report.steps) and all(s.cached for s in report.steps)


def _quietly(fn: Any) -> None:
    with contextlib.suppress(Exception):  # the step that needs it reports the failure, typed
        fn()


# --------------------------------------------------------------------------- execute


def runs_of(settings: Settings) -> Runs:
    """The runs table on a database of its own (the caller closes `runs.db`)."""
    from ..storage import open_database

    return Runs(open_database(settings), ttl_s=settings.lock_ttl_s)


@contextlib.contextmanager
def open_runs(settings: Settings) -> Iterator[Runs]:
    """The runs table for the block."""
    runs = runs_of(settings)
    try:
        yield runs
    finally:
        runs.db.close()


def _outcome(
    runs: Runs,
    settings: Settings,
    run_id: str,
    outputs: list[dict[str, Any]],
    waiting: list[PendingReview],
) -> RunOutcome:
    from ..storage import open_artifact_store

    row = runs.get(run_id)
    records = StepRecords(runs.db)
    store = open_artifact_store(settings, scan=False)
    try:
        film = film_manifest(records, store, run_id)
    finally:
        store.close()
    steps = records.list(run_id)
    done = [r for r in steps if r.status in (StepStatus.SUCCEEDED, StepStatus.CACHED)]
    return RunOutcome(
        run_id,
        effective_status(row, runs.ttl_s) if row else RunStatus.PENDING,
        intake=next((o for o in outputs if "plan_id" in o), None),
        stages=[o for o in outputs if "stage" in o],
        decisions=[o for o in outputs if "review" in o],
        waiting=list(waiting),
        failures=failures(steps),
        film=film,
        artifacts=[a for r in done for a in r.artifacts],
    )


def finished_film(settings: Settings, run_id: str) -> RunOutcome | None:
    """The outcome of a finished run whose every output and film are stored intact."""
    with open_runs(settings) as runs:
        outcome = _outcome(runs, settings, run_id, [], [])
    if outcome.film is None or not film_intact(outcome.film):
        return None
    outcome.nothing_to_render = True
    return outcome


def execute(
    kind: Kind,
    run_id: str,
    settings: Settings,
    job: Job,
    *,
    progress: RunProgress | None = None,
    on_claimed: Callable[[], None] | None = None,
) -> RunOutcome:
    """One pass of the graph over the run, in this process."""
    warming: list[threading.Thread] = []
    try:
        outcome = _warm_then_drive(kind, run_id, settings, job, progress, on_claimed, warming)
    except BaseException as exc:
        join_loads(warming, interrupted=interrupted(exc))  # an interrupt must end the wait
        raise
    join_loads(warming, interrupted=False)  # a native load must not be torn down mid-way
    return outcome


def _warm_then_drive(
    kind: Kind,
    run_id: str,
    settings: Settings,
    job: Job,
    progress: RunProgress | None,
    on_claimed: Callable[[], None] | None,
    warming: list[threading.Thread],
) -> RunOutcome:
    """Start the slow loads the run will need (into `warming`), then drive the graph."""
    source, review, from_stage, found = job.source, job.review, job.from_stage, job.found
    if kind == "resume":
        waiting_undecided = (
            from_stage is None
            and found is RunStatus.AWAITING_REVIEW
            and not _decided(settings, run_id)
        )
        if not waiting_undecided:  # nothing renders until someone decides: load nothing
            done = prewarm(settings, source, run_id, warming)
            if done and from_stage is None and found is RunStatus.SUCCEEDED:
                finished = finished_film(settings, run_id)
                if finished is not None:
                    return finished
    elif "script" not in (settings.review_gates if review is None else review):
        prewarm(settings, source, run_id, warming)  # behind a script review: nothing
    return _drive_claimed(
        run_id,
        settings,
        _message(source, review, from_stage),
        kind == "resume" and from_stage is None,
        job,
        progress,
        on_claimed,
    )


def _decided(settings: Settings, run_id: str) -> bool:
    """Some open review of the run has a decision waiting to be applied."""
    from ..storage import MemoryLog

    with open_runs(settings) as runs:
        return any(r.answered for r in reviews(run_id, memory=MemoryLog(runs.db)))


def _drive_claimed(
    run_id: str,
    settings: Settings,
    message: str,
    answers: bool,
    job: Job,
    progress: RunProgress | None,
    on_claimed: Callable[[], None] | None,
) -> RunOutcome:
    from ..graph.runner import build_runner, drive
    from ..storage import MemoryLog
    from ..subprocesses import cancel_run, forget_run

    runs = runs_of(settings)
    before = runs.get(run_id)
    try:
        # Claim the run before ADK touches its session: a second process on the same run
        # must not append to the session the first one is writing. plan_intake takes the
        # same lock again (same process) and records the plan.
        with runs.db.atomic():  # refused: no new row is left behind
            runs.create(run_id, "")
            found = runs.acquire(run_id, max_active=settings.max_active_runs)
            if before is None or not before.metadata.get("plan_text"):
                # kept from the first moment, so a run interrupted before plan intake
                # stored it can still be resumed (intake then stores the validated one)
                runs.set_plan(
                    run_id,
                    job.source.text,
                    str(job.source.base_dir) if job.source.base_dir else None,
                    render_profile=settings.render_profile,
                    review_gates=list(settings.review_gates if job.review is None else job.review),
                    adapters=list(settings.adapters),
                    fallbacks=list(settings.fallbacks),
                )
    except BaseException:
        runs.db.close()
        raise
    try:  # from here on the run is ours: whatever happens, it is let go and the db closed
        if on_claimed is not None:
            on_claimed()
        sweep(Path(settings.runs_dir))  # what killed processes left in their scratch folders
        runner = build_runner(job.session_db or Path(settings.runs_dir) / "sessions.db")
        with bind(run_id, job.env):
            result = run_sync(
                drive(
                    runner,
                    run_id=run_id,
                    user_id=settings.user_id,
                    message=message,
                    memory=MemoryLog(runs.db),
                    answers=answers,
                    on_event=progress.event if progress else None,
                    on_output=progress.output if progress else None,
                )
            )
        return _outcome(runs, settings, run_id, result.outputs, result.waiting)
    except (PlanError, MissingDependencyError, MissingWeightsError):
        # rejected at intake (a bad plan, a backend without its weights): nothing rendered
        # a new run is failed; an earlier one keeps the state it was found in (a crashed
        # one stays crashed)
        runs.set_status(run_id, RunStatus.FAILED if before is None else found)
        raise
    except BaseException as exc:
        if interrupted(exc):
            cancel_run(run_id)
            runs.set_status(run_id, RunStatus.STOPPED)
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise KeyboardInterrupt(str(exc)) from exc  # one way out for every interrupt
        with contextlib.suppress(SparkleMotionError):  # the database may be what failed
            row = runs.get(run_id)  # a bug or a storage fault outside a stage: not left running
            if row is not None and row.status in (RunStatus.RUNNING, RunStatus.PAUSED):
                runs.set_status(run_id, RunStatus.FAILED)
        raise
    finally:
        runs.release(run_id)  # no-op when finalize already let it go
        forget_run(run_id)
        runs.db.close()


# --------------------------------------------------------------------------- launch


def launch(
    kind: Kind,
    run_id: str,
    settings: Settings,
    job: Job,
    *,
    wait: bool,
    progress: RunProgress | None = None,
) -> RunHandle:
    """Execute `job` here (`wait`) or in a spawned child process that holds the run; the
    handle returns once the child has claimed the run (or failed to)."""
    source = job.source
    handle = RunHandle(run_id, source.path, source.summary, warnings=source.warnings)
    within_budget(run_id, settings, job)  # before anything is claimed or spawned
    if wait:
        handle.outcome = execute(kind, run_id, settings, job, progress=progress)
        return handle
    handle.process, handle.connection = _spawn(kind, run_id, settings, job)
    first = handle.receive(None)
    if first[0] == "done":
        handle.outcome = first[1]
        handle.process.join()
    return handle


def within_budget(run_id: str, settings: Settings, job: Job) -> None:
    """PlanResourceError naming `max_cost_usd` when the run has a budget (the settings' or
    its plan's) that what it has spent plus its estimate's minimum is over: the caller
    hears it at once, not from a run that failed in a child. (The run's intake checks it
    again, for a graph started without this service.)"""
    from ..plans.parse import parse_plan_text

    if settings.max_cost_usd is None:
        try:
            given = parse_plan_text(job.source.text).get("max_cost_usd")
        except PlanError:
            return  # the run itself says what is wrong with the plan
        if given is None:
            return
    report = dry_report(
        job.source.text,
        run_id,
        settings,
        adapter_for=job.env.adapter_for,
        base_dir=job.source.base_dir,
    )
    refused = over_budget(report)
    if refused is not None:
        raise refused


class ChildProcess:
    """The run's child (`python -m sparkle_motion.production_agent.child`), with the few
    methods of multiprocessing's Process the handle uses."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self.popen = popen
        self.pid = popen.pid

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)

    @property
    def exitcode(self) -> int | None:
        return self.popen.returncode


def _spawn(kind: Kind, run_id: str, settings: Settings, job: Job) -> tuple[ChildProcess, Any]:
    """A fresh interpreter (not multiprocessing's spawn, which re-imports the parent's main
    module: a notebook, a server, a script read from stdin) that reads its job from stdin
    and reports on a pipe of its own, so its stdout and stderr stay the logs."""
    from multiprocessing.connection import Connection

    read_fd, write_fd = os.pipe()
    try:
        popen = subprocess.Popen(
            [sys.executable, "-m", "sparkle_motion.production_agent.child", str(write_fd)],
            stdin=subprocess.PIPE,
            pass_fds=(write_fd,),
        )
    except BaseException:
        os.close(read_fd)
        raise
    finally:
        os.close(write_fd)
    assert popen.stdin is not None
    with popen.stdin:
        pickle.dump((kind, run_id, settings, job), popen.stdin)
    return ChildProcess(popen), Connection(read_fd, writable=False)


def child_main(send: Any, kind: Kind, run_id: str, settings: Settings, job: Job) -> None:
    from ..config import use_settings

    use_settings(settings)
    try:
        outcome = execute(
            kind, run_id, settings, job, on_claimed=lambda: send.send(("claimed", None))
        )
        send.send(("done", outcome))
    except BaseException as exc:
        send.send(("error", exc))
    finally:
        send.close()
