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

import json
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any, NamedTuple

from google.adk import Context, Event
from google.adk.workflow import BaseNode

from .aio import run_sync
from .config import get_settings, stage_workers
from .schemas import ArtifactRef, RunContext, RunStatus

STATE_CONTEXT = "sparkle_run_context"
STATE_OUTPUTS = "sparkle_outputs__"  # + stage: parallel stages write their own key
STATE_BASE_DIR = "sparkle_plan_dir"
STATE_FROM_STAGE = "sparkle_from_stage"
STATE_ENDED = "sparkle_stage_status__"  # + stage: succeeded | failed | stopped
STATE_REVIEWS = "sparkle_review_gates"  # the review gates enabled for this run
REVIEW_GATES = ("script", "keyframes")
STAGES = (
    "script",
    "plan_intake",
    "dialogue_audio",
    "base_images",
    "video",
    "lipsync",
    "custom",
    "assemble",
    "finalize",
)
LAST_STAGE = "finalize"
STEP_STAGES = STAGES[2:]  # the stages that run steps


def _message_text(node_input: Any) -> str:
    text = node_input if isinstance(node_input, str) else ""
    if hasattr(node_input, "parts"):  # a genai Content
        text = "".join(p.text or "" for p in node_input.parts or [])
    return text.strip()


def _plan_file(text: str) -> Path | None:
    if text and "\n" not in text and text.endswith((".json", ".yaml", ".yml")):
        path = Path(text)
        if path.is_file():
            return path.resolve()
    return None


class Request(NamedTuple):
    plan_text: str
    base_dir: str | None  # folder of the plan's relative inputs
    from_stage: str | None
    review: list[str] | None  # review gates; None: the settings' `review_gates`


def check_review_gates(gates: Any) -> list[str]:
    """The gate names, or ValueError naming the field and the allowed values."""
    if not isinstance(gates, list) or any(g not in REVIEW_GATES for g in gates):
        raise ValueError(f"review: a list of {', '.join(REVIEW_GATES)}, got {gates!r}")
    return list(dict.fromkeys(gates))


def parse_request(node_input: Any) -> Request:
    """The plan, its folder, from_stage and review gates from the user message."""
    text = _message_text(node_input)
    from_stage = base_dir = review = None
    if text.startswith("{") and '"run_request"' in text:
        try:
            request = json.loads(text).get("run_request")
        except (json.JSONDecodeError, AttributeError):
            request = None
        if isinstance(request, dict):
            from_stage = request.get("from_stage")
            base_dir = request.get("base_dir")
            if request.get("review") is not None:
                review = check_review_gates(request["review"])
            plan = request.get("plan")
            text = json.dumps(plan) if isinstance(plan, dict) else str(plan or "")
    path = _plan_file(text)
    if path is not None:
        return Request(
            path.read_text(encoding="utf-8"), base_dir or str(path.parent), from_stage, review
        )
    return Request(text, base_dir, from_stage, review)


def run_request(
    plan: str | Path | dict,
    *,
    from_stage: str | None = None,
    base_dir: Path | None = None,
    review: list[str] | None = None,
) -> str:
    """The user message that asks the graph for a run (plan path or plan dict); `review`
    names the gates to pause at (None: the settings' `review_gates`)."""
    return json.dumps(
        {
            "run_request": {
                "plan": plan if isinstance(plan, dict) else str(plan),
                "from_stage": from_stage,
                "base_dir": str(base_dir) if base_dir else None,
                "review": None if review is None else check_review_gates(review),
            }
        }
    )


def is_idea(text: str) -> bool:
    """One line of prose: not a plan (JSON, YAML), a run request or a plan file's path."""
    return bool(text) and "\n" not in text and not text.startswith("{") and _plan_file(text) is None


def _script(run_id: str, node_input: Any) -> dict[str, Any]:
    """An idea becomes a plan (script_agent), written to `<runs_dir>/<run_id>/plan.json`
    and passed on as a run request; a plan or a run request passes through untouched."""

    from .plans.files import write_plan_file
    from .script_agent import generate_plan

    text = _message_text(node_input)
    if not is_idea(text):
        return {"state": {}, "output": text}
    settings = get_settings()
    result = generate_plan(text, settings=settings, run_id=run_id)
    path = write_plan_file(result.plan, Path(settings.runs_dir) / run_id / "plan.json")
    return {"state": {}, "output": run_request(path)}


def _intake(state: dict[str, Any], run_id: str, node_input: Any) -> dict[str, Any]:
    from .commands import reset_cancel
    from .runs.intake import prepare
    from .runs.lock import Runs
    from .storage import open_database

    reset_cancel()  # a new run (or resume) in this process starts uninterrupted
    settings = get_settings()
    text, plan_dir, from_stage, review = parse_request(node_input)
    gates = check_review_gates(list(settings.review_gates) if review is None else review)
    if from_stage is not None:
        from .runs.engine import forced_stages

        forced_stages(from_stage)  # ValueError naming the stages, before anything is recorded
    ctx, warnings = prepare(text, run_id=run_id, settings=settings)
    db = open_database(settings)
    try:
        runs = Runs(db)
        runs.create(
            run_id,
            ctx.plan.id,
            render_profile=ctx.render_profile.name,
            plan_checksum=ctx.plan_checksum,
        )
        found = runs.acquire(run_id)  # RunLockedError when a live process drives it
        runs.set_plan(
            run_id,
            text,
            plan_dir,
            plan_id=ctx.plan.id,
            render_profile=ctx.render_profile.name,
            plan_checksum=ctx.plan_checksum,
            review_gates=gates,
        )
        runs.set_status(run_id, RunStatus.RUNNING)
    finally:
        db.close()
    fresh = {STATE_OUTPUTS + s: {} for s in STEP_STAGES}
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


def _finish(runs: Any, run_id: str, state: dict[str, Any], this: str) -> RunStatus:
    """After the last stage: the run's end status from every stage's, and the lock let go."""
    ended = [state.get(STATE_ENDED + s) for s in STEP_STAGES if s != LAST_STAGE] + [this]
    if "stopped" in ended:
        status = RunStatus.STOPPED
        runs.request(run_id, None)
    elif "failed" in ended:
        status = RunStatus.FAILED
    else:
        status = RunStatus.SUCCEEDED
    runs.set_status(run_id, status)
    runs.release(run_id)
    return status


def _run_stage(stage: str, state: dict[str, Any], run_id: str, node_input: Any) -> dict[str, Any]:
    from .production_agent import _registry_adapter
    from .runs.controller import control_gate
    from .runs.engine import Engine
    from .runs.lock import Runs
    from .runs.records import StepRecords
    from .runs.retakes import apply_retakes, plan_seeds, retakes
    from .storage import MemoryLog, open_artifact_store, open_database

    if stage == "script":
        return _script(run_id, node_input)
    if stage == "plan_intake":
        return _intake(state, run_id, node_input)
    settings = get_settings()
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
        row = runs.get(run_id)
        if row is not None and (row.owner_pid, row.owner_host) != (runs.pid, runs.host):
            runs.acquire(run_id)  # e.g. ADK resumed the graph in a new process
        if stage == "base_images":  # keyframes a reviewer rejected render with new seeds
            ctx = apply_retakes(ctx, retakes(run_id, MemoryLog(db), plan_seeds(ctx)))
        engine = Engine(
            store=store,
            records=StepRecords(db),
            adapter_for=_registry_adapter,
            memory=MemoryLog(db),
            base_dir=Path(state[STATE_BASE_DIR]) if state.get(STATE_BASE_DIR) else None,
            workdir=Path(settings.runs_dir) if Path(settings.runs_dir).is_dir() else None,
            workers=stage_workers(settings),
        )
        try:
            result = engine.execute(
                ctx,
                stages={stage},
                outputs=outputs,
                from_stage=state.get(STATE_FROM_STAGE),
                gate=control_gate(runs, run_id),
            )
        except BaseException:
            runs.set_status(run_id, RunStatus.FAILED)
            runs.release(run_id)
            raise
        status = {RunStatus.FAILED: "failed", RunStatus.STOPPED: "stopped"}.get(
            result.status, "succeeded"
        )
        run_status = _finish(runs, run_id, state, status) if stage == LAST_STAGE else None
    finally:
        store.close()
        db.close()
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
        },
    }


class StageNode(BaseNode):
    stage: str
    tool_id: str

    def model_post_init(self, __context: Any) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"stage must be one of {', '.join(STAGES)}, got {self.stage!r}")

    async def _run_impl(self, *, ctx: Context, node_input: Any) -> AsyncGenerator[Any, None]:
        import asyncio

        from .commands import cancel_all

        state = ctx.state.to_dict() if hasattr(ctx.state, "to_dict") else dict(ctx.state)
        try:
            done = await asyncio.to_thread(
                run_sync_stage, self.stage, state, ctx.session.id, node_input
            )
        except asyncio.CancelledError:
            # the run is being torn down (Ctrl-C, a failed sibling): the stage's thread
            # cannot be cancelled, so its commands are killed and it stops before its next step
            cancel_all()
            raise
        for key, value in done["state"].items():
            ctx.state[key] = value
        yield Event(output=done["output"])


def run_sync_stage(
    stage: str, state: dict[str, Any], run_id: str, node_input: Any
) -> dict[str, Any]:
    return _run_stage(stage, state, run_id, node_input)


__all__ = ["Request", "StageNode", "parse_request", "run_request", "run_sync"]
