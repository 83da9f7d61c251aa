"""StageNode: the one generic node of the production graph, configured in YAML by `stage`
and `tool_id` (workflows/sparkle_motion/root_agent.yaml). ADK owns the traversal and the
session (run_id = session id); the node owns content-keyed steps, retries, records and the
run's lifecycle, through the same engine and run table `production_agent` uses:

- `script`: an idea (one line of prose) is written into a plan by script_agent; a plan
  or a run request passes through.
- `plan_intake`: the user message is a MoviePlan (JSON or YAML text, or a path to a plan
  file) or a run request `{"run_request": {"plan": <path or plan>, "from_stage": ...}}`.
  It validates the plan, builds the RunContext, registers the run (the plan is stored
  with it, so `sparkle-motion resume RUN_ID` needs nothing else) and takes the run lock:
  a second process on the same run fails here with RunLockedError.
- every other stage: runs that stage's steps with the pause/stop gate between steps and
  `from_stage` forcing; outputs go into session state for the stages after it.
- `finalize` (the last node) records how the run ended and lets the lock go.

Imports google.adk: loaded by ADK from the YAML, never by `import sparkle_motion`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from google.adk import Context, Event
from google.adk.workflow import BaseNode
from google.genai import types

from ..config import stage_workers
from ..errors import RunLockedError, interrupted
from ..schemas import ArtifactRef, RunContext, RunStatus
from ..schemas.common import check_run_id
from ..stages import (
    LAST_STAGE,
    STAGES,
    STEP_STAGES,
    check_review_gates,
    forced_stages,
)
from ..stages import stage as stage_info
from .context import bound, env_of
from .requests import (
    STATE_BASE_DIR,
    STATE_CONTEXT,
    STATE_ENDED,
    STATE_FROM_STAGE,
    STATE_OUTPUTS,
    STATE_REVIEWS,
    is_idea,
    message_text,
    parse_request,
    run_request,
)


def _script(run_id: str, node_input: Any) -> dict[str, Any]:
    """An idea becomes a plan (script_agent), written to `<runs_dir>/<run_id>/plan.json`
    and passed on as a run request; a plan or a run request passes through untouched."""

    from ..plans.files import write_plan_file
    from ..script_agent import generate_plan

    text = message_text(node_input)
    if not is_idea(text):
        return {"state": {}, "output": text}
    settings = env_of(run_id).settings
    result = generate_plan(text, settings=settings, run_id=run_id)
    path = write_plan_file(result.plan, Path(settings.runs_dir) / run_id / "plan.json")
    return {"state": {}, "output": run_request(path)}


def check_budget(
    ctx: RunContext, settings: Any, db: Any, budget: float, options: dict[str, Any]
) -> None:
    """PlanResourceError naming `max_cost_usd` when the run cannot finish within it."""
    from ..runs.cost import Rates
    from ..runs.engine import Engine
    from ..runs.records import StepRecords
    from ..storage import open_artifact_store

    store = open_artifact_store(settings, scan=False)
    try:
        engine = Engine(
            store=store,
            records=StepRecords(db),
            rates=Rates.of(settings),
            budget_usd=budget,
            **options,
        )
        engine.check_budget(ctx)
    finally:
        store.close()


def _intake(state: dict[str, Any], run_id: str, node_input: Any) -> dict[str, Any]:
    from ..runs.cost import run_budget
    from ..runs.engine import preflight
    from ..runs.intake import prepare
    from ..runs.table import Runs
    from ..storage import open_database
    from ..subprocesses import reset_cancel

    reset_cancel(run_id)  # a new run (or resume) in this process starts uninterrupted
    settings = env_of(run_id).settings
    text, plan_dir, from_stage, review = parse_request(node_input)
    gates = check_review_gates(list(settings.review_gates) if review is None else review)
    if from_stage is not None:
        forced_stages(from_stage)  # ValueError naming the stages, before anything is recorded
    ctx, warnings = prepare(text, run_id=run_id, settings=settings)
    preflight(ctx, env_of(run_id).engine_options()["adapter_for"])  # weights there, tools ready
    budget = run_budget(ctx.plan.max_cost_usd, settings)
    db = open_database(settings)
    try:
        if budget is not None:  # over it at the start: refused before anything renders
            check_budget(ctx, settings, db, budget, env_of(run_id).engine_options())
        runs = Runs(db)
        runs.create(
            run_id,
            ctx.plan.id,
            render_profile=ctx.render_profile.name,
            plan_checksum=ctx.plan_checksum,
        )
        found = hold(runs, run_id)  # RunLockedError when a live process drives it
        runs.set_plan(
            run_id,
            text,
            plan_dir,
            plan_id=ctx.plan.id,
            render_profile=ctx.render_profile.name,
            plan_checksum=ctx.plan_checksum,
            review_gates=gates,
            adapters=list(settings.adapters),
            fallbacks=list(settings.fallbacks),
            max_cost_usd=budget,
            no_reuse=not settings.dedupe,  # `--no-reuse`: its resumes keep reuse off
        )
        runs.set_status(run_id, RunStatus.RUNNING)
    finally:
        db.close()
    fresh: dict[str, Any] = {STATE_OUTPUTS + s: {} for s in STEP_STAGES}
    fresh.update({STATE_ENDED + s: None for s in STEP_STAGES})
    return {
        "state": {
            STATE_CONTEXT: ctx.model_dump(mode="json"),
            STATE_BASE_DIR: plan_dir,
            STATE_FROM_STAGE: from_stage,
            STATE_REVIEWS: gates,
            **fresh,
        },
        "output": {
            "run_id": run_id,
            "plan_id": ctx.plan.id,
            "steps": len(ctx.plan.steps),
            "resumed_from": found.value,
            "from_stage": from_stage,
            "review_gates": gates,
            "warnings": [w.message for w in warnings],
        },
    }


def hold(runs: Any, run_id: str) -> RunStatus:
    """Make sure this process holds the run. A run the service claimed here and has since
    lost (its lease taken over, `unlock --force`) is not taken back: RunLockedError, and
    this process renders nothing more. `adk run` continuing a session in a new process
    takes the run (RunLockedError while a live process holds it)."""
    row = runs.get(run_id)
    mine = row is not None and (row.owner_pid, row.owner_host) == (runs.pid, runs.host)
    if mine and not runs.lost(run_id):
        return row.status
    if bound(run_id) and row is not None:
        raise RunLockedError(
            f"run {run_id} was taken from this process (pid {runs.pid}); it stops here and "
            f"renders nothing more (now held by pid {row.owner_pid} on {row.owner_host})",
            run_id=run_id,
        )
    return runs.acquire(run_id)


def _finish(runs: Any, run_id: str, state: dict[str, Any], this: str) -> RunStatus:
    """After the last stage: the run's end status from every stage's, and the lock let go."""
    ended = [state.get(STATE_ENDED + s) for s in STEP_STAGES if s != LAST_STAGE] + [this]
    if "stopped" in ended:
        status = RunStatus.STOPPED
        if not runs.lost(run_id):  # a stop asked of the run's new owner is not ours to clear
            runs.request(run_id, None)
    elif "failed" in ended:
        status = RunStatus.FAILED
    else:
        status = RunStatus.SUCCEEDED
    runs.set_status(run_id, status)
    runs.release(run_id)
    return status


def run_stage(stage: str, state: dict[str, Any], run_id: str, node_input: Any) -> dict[str, Any]:
    from ..runs.controller import control_gate
    from ..runs.cost import Rates, budget_of
    from ..runs.engine import Engine, release_models
    from ..runs.films import film_manifest
    from ..runs.gpu_hold import gpu_lease
    from ..runs.records import StepRecords
    from ..runs.retakes import apply_retakes, plan_seeds, retakes
    from ..runs.table import Runs
    from ..storage import MemoryLog, open_artifact_store, open_database
    from ..subprocesses import run_token

    check_run_id(run_id)  # the ADK session id names folders: `adk run --session_id` too
    if stage == "script":
        return _script(run_id, node_input)
    if stage == "plan_intake":
        return _intake(state, run_id, node_input)
    env = env_of(run_id)
    settings = env.settings
    ctx = RunContext.model_validate(state[STATE_CONTEXT])
    outputs = {
        step_id: [ArtifactRef.model_validate(a) for a in refs]
        for key, value in state.items()
        if key.startswith(STATE_OUTPUTS) and key != STATE_OUTPUTS + stage and value
        for step_id, refs in value.items()
    }
    before = set(outputs)
    db = open_database(settings)
    try:
        store = open_artifact_store(settings, scan=False)
    except BaseException:
        db.close()
        raise
    runs = Runs(db)
    try:
        hold(runs, run_id)
        if stage == "base_images":  # keyframes a reviewer rejected render with new seeds
            ctx = apply_retakes(ctx, retakes(run_id, MemoryLog(db), plan_seeds(ctx)))
        engine = Engine(
            store=store,
            records=StepRecords(db),
            memory=MemoryLog(db),
            base_dir=Path(state[STATE_BASE_DIR]) if state.get(STATE_BASE_DIR) else None,
            workdir=Path(settings.runs_dir) if Path(settings.runs_dir).is_dir() else None,
            workers=stage_workers(settings),
            cancel=run_token(run_id),
            rates=Rates.of(settings),
            budget_usd=budget_of(runs.get(run_id)),
            settings=settings,  # the run's: its dedupe switches (`--no-reuse`)
            **env.engine_options(),
        )
        try:
            # a local model backend holds the host's GPU lease for the stage
            with gpu_lease(ctx, stage, engine.adapter_for, settings):
                try:
                    result = engine.execute(
                        ctx,
                        stages={stage},
                        outputs=outputs,
                        from_stage=state.get(STATE_FROM_STAGE),
                        gate=control_gate(runs, run_id),
                    )
                finally:  # models loaded for the stage go with it, however it ended
                    release_models(ctx, stage, engine.adapter_for)
        except BaseException as exc:
            # cut off (Ctrl-C, SIGTERM, a cancel): stopped and resumable; else it failed
            cut = isinstance(exc, SystemExit) or interrupted(exc)
            runs.set_status(run_id, RunStatus.STOPPED if cut else RunStatus.FAILED)
            runs.release(run_id)
            raise
        status = {RunStatus.FAILED: "failed", RunStatus.STOPPED: "stopped"}.get(
            result.status, "succeeded"
        )
        run_status = _finish(runs, run_id, state, status) if stage == LAST_STAGE else None
        film = film_manifest(StepRecords(db), store, run_id) if run_status else None
    finally:
        store.close()
        db.close()
    ending: dict[str, str] = {}
    if run_status is not None:  # the last node says how the run ended, and where the film is
        ending = {"message": ending_message(run_id, run_status, film)}
        if film is not None and run_status is RunStatus.SUCCEEDED:
            ending["film"] = film.local_path
    return {
        "state": {
            STATE_ENDED + stage: status,
            STATE_OUTPUTS + stage: {
                k: [a.model_dump(mode="json") for a in v]
                for k, v in outputs.items()
                if k not in before
            },
        },
        "output": {
            "stage": stage,
            "status": status,
            "executed": result.executed,
            "cached": result.cached,
            **({"run_status": run_status.value} if run_status else {}),
            **({"film": ending["film"]} if "film" in ending else {}),
        },
        **({"message": ending["message"]} if ending else {}),
    }


def ending_message(run_id: str, status: RunStatus, film: Any) -> str:
    """What the last node tells a person (`adk run` prints it): where the film is, or how
    to see what went wrong and go on."""
    if status is RunStatus.SUCCEEDED and film is not None:
        return (
            f"film: {film.local_path} ({film.duration_s:.1f} s, {film.resolution_px}); "
            f"run {run_id} (`sparkle-motion status {run_id}`)"
        )
    return (
        f"run {run_id} {status.value}: `sparkle-motion status {run_id}` shows what happened, "
        f"`sparkle-motion resume {run_id}` continues it"
    )


class StageNode(BaseNode):
    """`{agent_class: sparkle_motion.graph.nodes.StageNode, name: video, stage: video}`;
    `tool_id` defaults to the stage table's and must agree with it."""

    stage: str
    tool_id: str = ""

    def model_post_init(self, __context: Any) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {', '.join(STAGES)}, got {self.stage!r}")
        expected = stage_info(self.stage).tool_id
        if self.tool_id and self.tool_id != expected:
            raise ValueError(
                f"{self.name}: tool_id of stage {self.stage} is {expected!r} (stages.py), "
                f"got {self.tool_id!r}"
            )
        self.tool_id = expected

    async def _run_impl(self, *, ctx: Context, node_input: Any) -> AsyncGenerator[Any, None]:
        from ..subprocesses import cancel_run

        state = ctx.state.to_dict() if hasattr(ctx.state, "to_dict") else dict(ctx.state)
        try:
            done = await asyncio.to_thread(run_stage, self.stage, state, ctx.session.id, node_input)
        except asyncio.CancelledError:
            # the run is being torn down (Ctrl-C, a failed sibling): the stage's thread
            # cannot be cancelled, so its commands are killed and it stops before its next step
            cancel_run(ctx.session.id)
            raise
        for key, value in done["state"].items():
            ctx.state[key] = value
        if "message" in done:  # the run's end: `adk run` prints an event's text, not its output
            text = types.Content(role="model", parts=[types.Part(text=done["message"])])
            yield Event(output=done["output"], content=text)
        else:
            yield Event(output=done["output"])
