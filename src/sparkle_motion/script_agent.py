"""script_agent: an idea -> a validated MoviePlan, through an ADK LlmAgent and Runner.

The agent answers JSON only, against `output_schema=MoviePlan`, with an instruction built
from the schema registry. Whatever the model returns is held to the full plan validation
(schema, cross-field rules, resource caps, content policy): invalid JSON is
PlanParseError, a wrong shape PlanSchemaError, and so on; never a raw pydantic traceback.
The plan is published as an artifact (stage `script`) and a memory event records its
provenance: model, seed, prompt hash, idea hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from . import adk_factory, adk_helpers
from .aio import run_sync
from .config import Settings, get_settings
from .errors import ConfigError, PlanParseError, PlanSchemaError, issue
from .plans import validate_plan
from .plans.prompts import build_script_agent_prompt_template
from .schemas import ArtifactRef, MoviePlan, PolicyWarning
from .schemas.messages import pydantic_issues

TOOL_NAME = "script_agent"
MAX_SEED = 2**32 - 1
OUTPUT_KEY = "movie_plan"
APP_NAME = "sparkle-motion"


@dataclass(frozen=True)
class PlanResult:
    plan: MoviePlan  # the creative plan, as written (steps compile at intake)
    artifact: ArtifactRef | None
    model: str
    seed: int
    prompt_sha256: str
    warnings: list[PolicyWarning]


class _DropValidationTracebacks(logging.Filter):
    """ADK logs a node's failure with its traceback before re-raising; a model's invalid
    answer is reported by us as a typed Plan error, so that traceback is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ValidationError))


# loggers ADK reports a failed node on (a filter only sees its own logger's records)
_ADK_NODE_LOGGERS = ("google_adk.google.adk.workflow._node_runner", "google_adk.google.adk.runners")


@contextlib.contextmanager
def _quiet_adk_validation_logs():
    loggers = [logging.getLogger(name) for name in _ADK_NODE_LOGGERS]
    flt = _DropValidationTracebacks()
    for lg in loggers:
        lg.addFilter(flt)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(flt)


def _map_validation_error(exc: ValidationError) -> PlanParseError | PlanSchemaError:
    errors = exc.errors(include_url=False)
    if any(e["type"] in ("json_invalid", "json_type") for e in errors):
        msg = next(e["msg"] for e in errors if e["type"] in ("json_invalid", "json_type"))
        return PlanParseError(
            [issue("<plan>", f"the model's answer is not valid JSON: {msg}")], source="script_agent"
        )
    return PlanSchemaError(pydantic_issues(exc), source="script_agent")


async def _run_agent(agent: Any, idea: str, user_id: str, memory_service: Any = None) -> Any:
    from google.adk.runners import Runner
    from google.adk.sessions import InMemorySessionService
    from google.genai import types

    sessions = InMemorySessionService()
    runner = Runner(
        app_name=APP_NAME, agent=agent, session_service=sessions, memory_service=memory_service
    )
    session = await sessions.create_session(app_name=APP_NAME, user_id=user_id)
    final_text = None
    message = types.Content(role="user", parts=[types.Part(text=idea)])
    async for event in runner.run_async(
        user_id=user_id, session_id=session.id, new_message=message
    ):
        if event.content and event.content.parts:
            texts = [p.text for p in event.content.parts if p.text]
            if texts:
                final_text = "".join(texts)
    state = (
        await sessions.get_session(app_name=APP_NAME, user_id=user_id, session_id=session.id)
    ).state
    return state.get(OUTPUT_KEY, final_text)


def generate_plan(
    prompt: str,
    *,
    model: Any = None,
    seed: int | None = None,
    settings: Settings | None = None,
    run_id: str | None = None,
    publish: bool = True,
) -> PlanResult:
    """Write a MoviePlan for the idea `prompt`. Raises Plan*Error on a bad answer.
    Works inside a running event loop too; async callers can await `generate_plan_async`."""
    return run_sync(
        generate_plan_async(
            prompt, model=model, seed=seed, settings=settings, run_id=run_id, publish=publish
        )
    )


async def generate_plan_async(
    prompt: str,
    *,
    model: Any = None,
    seed: int | None = None,
    settings: Settings | None = None,
    run_id: str | None = None,
    publish: bool = True,
) -> PlanResult:
    """Write a MoviePlan for the idea `prompt`. Raises Plan*Error on a bad answer."""
    settings = settings or get_settings()
    idea = " ".join(prompt.split())
    if not idea:
        raise PlanParseError([issue("<idea>", "must not be empty")], source="script_agent")
    seed = seed if seed is not None else (settings.script_agent_seed or 0)
    if not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"seed: must be within 0..{MAX_SEED}, got {seed}")
    model_name = model if model is not None else settings.script_agent_model
    fixture = (settings.adk_use_fixture or adk_factory.fixture_mode()) and model is None
    if fixture:
        model_name = adk_factory.OFFLINE_MODEL
    spec = adk_factory.ModelSpec(model_name, seed=seed)
    template = build_script_agent_prompt_template(settings)
    config = adk_factory.AgentConfig(
        name=TOOL_NAME,
        model=spec,
        instruction=template.instruction,
        description="Writes MoviePlans from one-sentence ideas.",
        output_schema=MoviePlan,
        output_key=OUTPUT_KEY,
    )
    agent = adk_factory.get_agent(TOOL_NAME, spec, config=config)
    try:
        with _quiet_adk_validation_logs():
            memory = (
                adk_helpers.adk_memory_service(settings) if publish else None
            )  # past runs' events
            answer = await _run_agent(agent, idea, settings.user_id, memory)
    except ValidationError as exc:
        raise _map_validation_error(exc) from None
    if answer is None:
        raise PlanParseError(
            [issue("<plan>", "the model returned no answer")], source="script_agent"
        )
    if isinstance(answer, str):
        try:
            answer = json.loads(answer)
        except json.JSONDecodeError as exc:
            raise PlanParseError(
                [issue("<plan>", f"the model's answer is not valid JSON: {exc.msg}")],
                source="script_agent",
            ) from None
    validated = validate_plan(answer, settings=settings, source="script_agent")
    creative = MoviePlan.model_validate(answer)

    model_label = str(spec)
    provenance = {
        "model": model_label if isinstance(model_name, str) else type(model_name).__name__,
        "seed": seed,
        "prompt_sha256": template.sha256,
        "idea_sha256": hashlib.sha256(idea.encode()).hexdigest(),
        "schema_uri": template.schema_uri,
        "plan_id": creative.id,
        "fixture": fixture,
    }
    artifact = None
    run = run_id or f"plan-{uuid.uuid4().hex[:12]}"
    if publish:
        with adk_helpers.backend(settings) as backend:
            artifact = backend.store.publish(
                run_id=run,
                stage="script",
                name="movie_plan.json",
                data=(creative.model_dump_json(indent=2, exclude_defaults=True) + "\n").encode(),
                mime_type="application/json",
                artifact_type="movie_plan",
                metadata=provenance,
            )
            provenance["artifact_uri"] = artifact.uri
            if fixture:
                backend.memory.write(
                    run, "adk_fixture_mode", {"tool": TOOL_NAME, "model": adk_factory.OFFLINE_MODEL}
                )
            backend.memory.write(run, "script_agent.plan_generated", provenance)
    return PlanResult(
        creative, artifact, provenance["model"], seed, template.sha256, validated.warnings
    )
