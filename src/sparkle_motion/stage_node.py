"""StageNode: the one generic node of the production graph, configured in YAML by `stage`
and `tool_id` (workflows/sparkle_motion/root_agent.yaml). ADK owns the traversal and the
session (run_id = session id); the node owns content-keyed steps, retries and records,
through the same engine `production_agent.execute_plan` uses.

- `plan_intake`: the user message is a MoviePlan (JSON or YAML text, or a path to a plan
  file). It builds the RunContext and keeps it, and every stage's outputs, in session state.
- any other stage: runs that stage's steps; outputs go back into session state.

Imports google.adk: loaded by ADK from the YAML, never by `import sparkle_motion`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from google.adk import Context, Event
from google.adk.workflow import BaseNode

from .aio import run_sync
from .config import get_settings
from .schemas import ArtifactRef, RunContext, RunStatus

STATE_CONTEXT = "sparkle_run_context"
STATE_OUTPUTS = (
    "sparkle_outputs__"  # + stage: parallel stages write their own key (ADK reserves ":")
)
STAGES = ("plan_intake", "dialogue_audio", "base_images", "video", "lipsync")


STATE_BASE_DIR = "sparkle_plan_dir"


def _plan_source(node_input: Any) -> tuple[str, str | None]:
    """The plan text, and the folder its relative inputs live in (a plan file's folder)."""
    text = node_input if isinstance(node_input, str) else ""
    if hasattr(node_input, "parts"):  # a genai Content
        text = "".join(p.text or "" for p in node_input.parts or [])
    text = text.strip()
    if (
        text
        and "\n" not in text
        and text.endswith((".json", ".yaml", ".yml"))
        and Path(text).is_file()
    ):
        return Path(text).read_text(encoding="utf-8"), str(Path(text).resolve().parent)
    return text, None


def _run_stage(stage: str, state: dict[str, Any], run_id: str, node_input: Any) -> dict[str, Any]:
    from .production_agent import _registry_adapter
    from .runs.engine import Engine
    from .runs.intake import prepare
    from .runs.records import StepRecords
    from .storage import MemoryLog, open_artifact_store, open_database

    settings = get_settings()
    if stage == "plan_intake":
        text, plan_dir = _plan_source(node_input)
        ctx, warnings = prepare(text, run_id=run_id, settings=settings)
        return {
            "state": {STATE_CONTEXT: ctx.model_dump(mode="json"), STATE_BASE_DIR: plan_dir},
            "output": {
                "run_id": run_id,
                "plan_id": ctx.plan.id,
                "steps": len(ctx.plan.steps),
                "warnings": [w.message for w in warnings],
            },
        }
    ctx = RunContext.model_validate(state[STATE_CONTEXT])
    outputs = {
        step_id: [ArtifactRef.model_validate(a) for a in refs]
        for key, value in state.items()
        if key.startswith(STATE_OUTPUTS) and key != STATE_OUTPUTS + stage
        for step_id, refs in value.items()
    }
    before = set(outputs)
    db, store = open_database(settings), open_artifact_store(settings, scan=False)
    try:
        engine = Engine(
            store=store,
            records=StepRecords(db),
            adapter_for=_registry_adapter,
            memory=MemoryLog(db),
            base_dir=Path(state[STATE_BASE_DIR]) if state.get(STATE_BASE_DIR) else None,
        )
        result = engine.execute(ctx, stages={stage}, outputs=outputs)
    finally:
        store.close()
        db.close()
    return {
        "state": {
            STATE_OUTPUTS + stage: {
                k: [a.model_dump(mode="json") for a in v]
                for k, v in outputs.items()
                if k not in before
            }
        },
        "output": {
            "stage": stage,
            "status": "failed" if result.status is RunStatus.FAILED else "succeeded",
            "executed": result.executed,
            "cached": result.cached,
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

        state = ctx.state.to_dict() if hasattr(ctx.state, "to_dict") else dict(ctx.state)
        done = await asyncio.to_thread(
            run_sync_stage, self.stage, state, ctx.session.id, node_input
        )
        for key, value in done["state"].items():
            ctx.state[key] = value
        yield Event(output=done["output"])


def run_sync_stage(
    stage: str, state: dict[str, Any], run_id: str, node_input: Any
) -> dict[str, Any]:
    return _run_stage(stage, state, run_id, node_input)


__all__ = ["StageNode", "run_sync"]
