"""POST /agent: each FunctionTool's own ADK agent, built at start-up through
`adk_factory.get_agent(tool, model, mode="per-tool")`, answers a request in words by
calling its tool once.

    a stage tool    render(run_id, step_id, backend?): the step of a run this state home
                    holds, with the inputs that run rendered for it, through the very code
                    POST /invoke runs ("render image.kf-003 of run run-5b1c with sdxl")
    the script tool write_plan(idea, seed?): what POST /invoke writes

The model is `SPARKLE_TOOL_AGENT_MODEL`: the offline `sparkle-tool-caller` by default (no
key, no network; offline_planner/tool_caller.py), or a hosted one (`gemini-*` needs its
key: a tool process started without it fails at start-up, loudly, naming what is missing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..catalog.tool_specs import ToolSpec
from ..config import Settings
from ..errors import RunNotFoundError, RunRequestError, SparkleMotionError, TransientStageError
from ..http.errors import body_of, status_of
from ..schemas import StepStatus
from ..schemas.common import STEP_REF_PREFIX
from ..schemas.steps import step_input_refs
from . import script
from .backends import Backends
from .models import ScriptInvokeRequest, StepInvokeRequest
from .render import render_step

DONE = (StepStatus.SUCCEEDED, StepStatus.CACHED)


@dataclass
class Answer:
    calls: list[dict[str, Any]] = field(default_factory=list)  # {name, args, response}
    text: str = ""

    def error(self) -> tuple[int, dict[str, Any]] | None:
        """The status and body of the typed error the call came back with, if it did."""
        for call in self.calls:
            found = call["response"].get("error") if isinstance(call["response"], dict) else None
            if isinstance(found, dict):
                return int(found.get("status", 502)), {"error": found}
        return None


def invalid(exc: ValidationError) -> RunRequestError:
    """A request model's ValidationError as the typed 422 naming the field."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "request"
    return RunRequestError(f"{field}: {first['msg']}", field=field)


def _typed(exc: SparkleMotionError) -> dict[str, Any]:
    body = body_of(exc)
    body["error"]["status"] = status_of(exc)
    return body


def step_request(
    settings: Settings, run_id: str, step_id: str, backend: str | None
) -> StepInvokeRequest:
    """The /invoke request for step `step_id` of run `run_id`: its context from the plan the
    run stored, each `@ref` it reads from what that run rendered (their first output, as
    the engine reads them), each uploaded input by its URI."""
    from ..runs.eta import stored_context
    from ..runs.records import StepRecords
    from ..runs.table import Runs
    from ..storage import open_database

    db = open_database(settings)
    try:
        row = Runs(db).get(run_id)
        if row is None:
            raise RunNotFoundError(f"no run {run_id}", run_id=run_id)
        ctx = stored_context(row, settings)
        if ctx is None:
            raise RunRequestError(
                f"run_id: run {run_id} has no plan that still validates", field="run_id"
            )
        step = next((s for s in ctx.plan.steps if s.id == step_id), None)
        if step is None:
            raise RunRequestError(f"step_id: run {run_id} has no step {step_id!r}", field="step_id")
        records = StepRecords(db)
        inputs: dict[str, str] = {}
        for _, ref in step_input_refs(step):
            if ref.startswith(STEP_REF_PREFIX):
                upstream = records.get(run_id, ref[len(STEP_REF_PREFIX) :])
                if upstream is None or upstream.status not in DONE or not upstream.artifacts:
                    raise RunRequestError(
                        f"step_id: {step_id} reads {ref}, which run {run_id} has not rendered",
                        field="step_id",
                    )
                inputs[ref] = upstream.artifacts[0].uri
            elif "://" in ref and not ref.startswith("file://"):
                inputs[ref] = ref  # an uploaded artifact
            else:
                raise RunRequestError(
                    f"step_id: {step_id} reads the plan's file {ref!r}; render it in a run",
                    field="step_id",
                )
    finally:
        db.close()
    return StepInvokeRequest(backend=backend, run_id=run_id, step=step, context=ctx, inputs=inputs)


def stage_function(backends: Backends, settings: Settings) -> Callable[..., dict[str, Any]]:
    def render(run_id: str, step_id: str, backend: str | None = None) -> dict[str, Any]:
        """Render one step of a run again: the step `step_id` (e.g. image.kf-003) of run
        `run_id`, with backend `backend` (default: the tool's default). Returns the stored
        outputs (artifact URIs, checksums)."""
        try:
            body = step_request(settings, run_id, step_id, backend)
            answer = render_step(backends, body, settings)
        except SparkleMotionError as exc:
            return _typed(exc)
        except ValidationError as exc:  # an argument the model made up (a bad backend name)
            return _typed(invalid(exc))
        return answer.model_dump(mode="json")

    return render


def remote_stage_function(
    settings: Settings, url: str, token: str
) -> Callable[..., dict[str, Any]]:
    """`render` for a tool that runs elsewhere (in an environment without google-adk: the
    production API asks its agent instead): the same request, sent to the tool's /invoke."""
    import httpx

    from ..catalog.remote import TIMEOUT

    def render(run_id: str, step_id: str, backend: str | None = None) -> dict[str, Any]:
        """Render one step of a run again: the step `step_id` (e.g. image.kf-003) of run
        `run_id`, with backend `backend` (default: the tool's default). Returns the stored
        outputs (artifact URIs, checksums)."""
        try:
            body = step_request(settings, run_id, step_id, backend)
        except SparkleMotionError as exc:
            return _typed(exc)
        except ValidationError as exc:
            return _typed(invalid(exc))
        try:
            answer = httpx.post(
                url.rstrip("/") + "/invoke",
                content=body.model_dump_json(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                timeout=TIMEOUT,  # as the catalog's transport waits for a render
                trust_env=False,
            )
        except httpx.HTTPError as exc:
            down = TransientStageError(f"tool at {url} cannot be reached: {exc}", step_id=step_id)
            return _typed(down)
        try:
            data: dict[str, Any] = answer.json()
        except ValueError:
            data = {}
        if answer.status_code == 401:  # the tool refused the API's token: not the caller's
            down = TransientStageError(f"tool at {url} refused the token", step_id=step_id)
            return _typed(down)  # a 503: the tool cannot serve this caller, not its token
        if answer.is_error:
            if not isinstance(data.get("error"), dict):  # a proxy's page, a crash: typed
                said = answer.text[:200].strip() or answer.reason_phrase
                return _typed(TransientStageError(f"tool at {url}: {said}", step_id=step_id))
            data["error"]["status"] = answer.status_code
        return data

    return render


def script_function(spec: ToolSpec, settings: Settings) -> Callable[..., dict[str, Any]]:
    def write_plan(idea: str, seed: int | None = None) -> dict[str, Any]:
        """Write a MoviePlan for the film idea `idea` (one line of prose), with `seed` for
        a repeatable plan."""
        try:
            body = ScriptInvokeRequest(idea=idea, seed=seed)
            return script.write_plan(spec, body, settings).model_dump(mode="json")
        except SparkleMotionError as exc:
            return _typed(exc)
        except ValidationError as exc:  # a seed out of range, an idea too long
            return _typed(invalid(exc))

    return write_plan


class ToolAgent:
    """The tool's LlmAgent and a Runner over an in-memory session service."""

    def __init__(self, spec: ToolSpec, function: Callable[..., Any], settings: Settings) -> None:
        from ..adk_factory import AgentConfig, ModelSpec, get_agent

        self.spec = spec
        self.model = settings.tool_agent_model
        model = ModelSpec(self.model)
        config = AgentConfig(
            name=f"{spec.id}_agent",
            model=model,
            instruction=(
                f"You operate the {spec.title} tool. Answer each request by calling "
                f"{function.__name__} once with the arguments the request gives."
            ),
            description=f"Natural-language access to the {spec.id} FunctionTool.",
            tools=(function,),
        )
        self.agent = get_agent(spec.id, model, mode="per-tool", config=config)

    def ask(self, request: str) -> Answer:
        """One request in a fresh session, on an event loop of its own (the function it
        calls renders, which blocks)."""
        return asyncio.run(self._ask(request))

    async def _ask(self, request: str) -> Answer:
        from google.adk.runners import Runner
        from google.adk.sessions import InMemorySessionService
        from google.genai import types

        sessions = InMemorySessionService()
        app = f"{self.spec.id}_agent"
        runner = Runner(app_name=app, agent=self.agent, session_service=sessions)
        session = await sessions.create_session(app_name=app, user_id="tool")
        answer = Answer()
        calls: dict[str, dict[str, Any]] = {}
        message = types.Content(role="user", parts=[types.Part(text=request)])
        async for event in runner.run_async(
            user_id="tool", session_id=session.id, new_message=message
        ):
            for call in event.get_function_calls():
                calls[call.id or call.name or ""] = {
                    "name": call.name,
                    "args": dict(call.args or {}),
                }
            for done in event.get_function_responses():
                entry = calls.get(done.id or done.name or "", {"name": done.name, "args": {}})
                entry["response"] = done.response
                answer.calls.append(entry)
            for part in event.content.parts if event.content and event.content.parts else []:
                if part.text and not event.get_function_calls():
                    answer.text = part.text
        return answer
