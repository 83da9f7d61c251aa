"""The script tool's backends: planner models behind `script_agent.generate_plan`.

    offline_planner   the registered offline planner model (no hosted LLM)
    llm               the model SCRIPT_AGENT_MODEL names: gemini-* or provider/model (LiteLlm)

Both run through ADK's LlmAgent (adk_factory, per-tool mode), so both need google-adk.
The plan is returned, not stored: the caller publishes it with its run.
"""

from __future__ import annotations

import importlib.util

from pydantic import TypeAdapter, ValidationError

from .. import adk_factory
from ..catalog.tool_specs import BackendSpec, ToolSpec
from ..config import Settings
from ..errors import (
    AdkAgentLifecycleError,
    MissingAdkSdkError,
    MissingDependencyError,
    RunRequestError,
)
from ..schemas.common import NonEmptyText
from ..script_agent import TOOL_NAME, generate_plan
from .backends import backend_spec
from .models import BackendState, ScriptInvokeRequest, ScriptInvokeResponse

OFFLINE = "offline_planner"
LLM = "llm"
IDEA: TypeAdapter[str] = TypeAdapter(NonEmptyText)


def configured_backend(settings: Settings) -> str:
    """The backend the settings pick: the offline planner unless SCRIPT_AGENT_MODEL names
    another model (fixture mode always plans offline)."""
    if settings.script_agent_model == adk_factory.OFFLINE_MODEL or settings.adk_use_fixture:
        return OFFLINE
    return LLM


def missing(backend: BackendSpec, settings: Settings) -> list[str]:
    if importlib.util.find_spec("google.adk") is None:
        return ["google-adk is not installed: pip install 'google-adk>=2.13'"]
    if backend.name == OFFLINE:
        return []
    if configured_backend(settings) != LLM:
        return [
            f"SCRIPT_AGENT_MODEL is {settings.script_agent_model!r}: set it to gemini-* or "
            "provider/model to plan with an LLM"
        ]
    try:
        adk_factory.require_adk(model_spec=settings.script_agent_model)
    except MissingAdkSdkError as exc:
        return [exc.message]
    return []


def state(backend: BackendSpec, settings: Settings) -> BackendState:
    gaps = missing(backend, settings)
    registered = backend.name in (OFFLINE, LLM)
    return BackendState(
        name=backend.name,
        default=backend.default,
        gpu=backend.gpu,
        planned=backend.planned,
        registered=registered,
        importable=registered and not gaps,
        weights_present=True,  # the offline planner has none; an LLM is hosted
        loaded=any(TOOL_NAME in h.users for h in adk_factory.registry().values()),
        ready=registered and not gaps,
        missing=gaps,
    )


def checked_idea(idea: str) -> str:
    """The idea as the plan written from it must be: printable (tab and newline allowed)
    and visible, else a 422 naming `idea` (not the plan field it would have become)."""
    try:
        return IDEA.validate_python(idea)
    except ValidationError as exc:
        raise RunRequestError(exc.errors()[0]["msg"], field="idea") from None


def write_plan(
    spec: ToolSpec, body: ScriptInvokeRequest, settings: Settings
) -> ScriptInvokeResponse:
    idea = checked_idea(body.idea)
    name = body.backend or configured_backend(settings)
    backend = backend_spec(spec, name)  # 422 naming `backend` for one the tool does not list
    gaps = missing(backend, settings)
    if gaps:
        raise MissingDependencyError(
            f"backend {name!r}: {'; '.join(gaps)}", context={"backend": name}
        )
    model = adk_factory.OFFLINE_MODEL if name == OFFLINE else None
    result = generate_plan(idea, model=model, seed=body.seed, settings=settings, publish=False)
    answered = OFFLINE if result.model.split(" ")[0] == adk_factory.OFFLINE_MODEL else LLM
    return ScriptInvokeResponse(
        tool=spec.id,
        backend=answered,
        model=result.model,
        seed=result.seed,
        plan=result.plan.model_dump(mode="json", exclude_defaults=True),
        warnings=[w.model_dump(mode="json") for w in result.warnings],
    )


def release() -> bool:
    """Drop the tool's cached agent; True when one was open."""
    try:
        adk_factory.close_agent(TOOL_NAME)
    except AdkAgentLifecycleError:
        return False
    return True
