"""One factory for every FunctionTool app, driven by its tool.yaml, the stage table and
the adapter registry (a new backend stays one module, one registry line and one tool.yaml
entry).

    POST /invoke    a stage tool: {backend?, run_id, step, context, inputs: {ref: URI},
                    step_key?} -> {tool, backend, step_id, outputs: [ArtifactRef]}
                    the script tool: {idea, seed?, backend?} -> {tool, backend, model, seed,
                    plan, warnings}
    GET  /ready     every backend: registered, importable, weights present, loaded, what is
                    missing; `ready` is the default backend's
    POST /render    a stage tool, the catalog's transport: a tar archive in (the step and
                    its input files), a tar archive out (the outputs; catalog/wire.py)
    POST /release   {backend?}: drop loaded models (adapters with `unload()`), give the GPU
                    lease back (a seam until adapters/gpu.py lands)
    POST /agent     {request}: the tool's own ADK agent (built at start-up) answers a
                    request in words by calling the tool (tools/agent.py)
    GET  /health    open;  GET /openapi.json  behind the token like every other route

Behind `http.app.create_app`'s guard (token, Host, body cap, typed JSON errors). Every
answer names the backend: a success in its body, an error as `error.backend`. Stage
policy (keys, reuse, retries, fallback, dedupe) stays in the caller.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import ValidationError
from starlette.background import BackgroundTask

from ..catalog.tool_specs import ToolSpec, load_tool_spec
from ..catalog.wire import CONTENT_TYPE
from ..config import Settings
from ..errors import MissingAdkSdkError, RunRequestError, SparkleMotionError, StageError
from ..http.app import create_app
from ..http.errors import body_of, status_of
from . import script
from .agent import ToolAgent, script_function, stage_function
from .backends import Backends, backend_spec
from .models import (
    AgentRequest,
    AgentResponse,
    ReadyResponse,
    ReleaseRequest,
    ReleaseResponse,
    ScriptInvokeRequest,
    ScriptInvokeResponse,
    StepInvokeRequest,
    StepInvokeResponse,
)
from .render import render_archive, render_step, scratch_folder

SCRIPT_STAGE = "script"
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "no or a wrong bearer token"},
    422: {"description": "a bad request, naming the field (an unknown backend: `backend`)"},
    502: {"description": "the backend failed the step (error.transient says if a retry may help)"},
    503: {"description": "the backend is not built, not importable or has no weights"},
}


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(settings_of)]


def failed(exc: SparkleMotionError, backend: str | None) -> JSONResponse:
    """A typed error that also names the backend asked (and, for a step, if it is transient)."""
    content = body_of(exc)
    content["error"]["backend"] = backend
    if isinstance(exc, StageError):
        content["error"]["transient"] = exc.transient
    return JSONResponse(content, status_of(exc))


def create_tool_app(tool_id: str, settings: Settings, *, token: str | None = None) -> FastAPI:
    spec = load_tool_spec(tool_id)
    bulk = () if spec.stage == SCRIPT_STAGE else ("/render",)
    app = create_app(settings, title=f"sparkle-motion tool {spec.id}", bulk=bulk, token=token)
    app.state.spec = spec
    if spec.stage == SCRIPT_STAGE:
        _script_routes(app, spec)
        function = script_function(spec, settings)
    else:
        backends = Backends(spec, settings)
        _stage_routes(app, spec, backends)
        function = stage_function(backends, settings)
    _agent_route(app, spec, lambda: ToolAgent(spec, function, settings))
    return app


def has_adk() -> bool:
    try:
        return importlib.util.find_spec("google.adk") is not None
    except ModuleNotFoundError:  # no `google` package at all
        return False


def _agent_route(app: FastAPI, spec: ToolSpec, make: Callable[[], ToolAgent]) -> None:
    if not has_adk():
        # a tool environment whose pins exclude google-adk (.venv-chatterbox: gradio wants
        # starlette<1.0, google-adk >=1.3.1): the production API asks this tool's agent
        elsewhere = MissingAdkSdkError(
            f"google-adk is not in the environment {spec.id} runs in; the production API "
            f"serves its agent: POST /agent/{spec.id} there"
        )

        @app.post("/agent", response_model=AgentResponse, responses=ERROR_RESPONSES)
        async def no_agent(body: AgentRequest) -> Any:
            return JSONResponse(body_of(elsewhere), status_of(elsewhere))

        return
    agent = make()
    app.state.agent = agent

    @app.post("/agent", response_model=AgentResponse, responses=ERROR_RESPONSES)
    async def ask(body: AgentRequest) -> Any:
        return await agent_answer(agent, body)


async def agent_answer(agent: ToolAgent, body: AgentRequest) -> Any:
    """What the agent did with the request: its calls and words, or the typed error its
    tool call came back with (and what it said), or a 422 when it called nothing."""
    answer = await run_in_threadpool(agent.ask, body.request)
    said = {"model": agent.model, "answer": answer.text, "calls": answer.calls}
    problem = answer.error()
    if problem is not None:
        status, content = problem
        content["error"].pop("status", None)
        return JSONResponse({**content, "agent": said}, status)
    if not answer.calls:
        refused = body_of(RunRequestError(f"request: {answer.text}", field="request"))
        return JSONResponse({**refused, "agent": said}, 422)
    return AgentResponse(
        tool=agent.spec.id,
        model=agent.model,
        request=body.request,
        calls=answer.calls,
        answer=answer.text,
    )


def _stage_routes(app: FastAPI, spec: ToolSpec, backends: Backends) -> None:
    app.state.backends = backends

    @app.post(
        "/invoke",
        response_model=StepInvokeResponse,
        response_model_exclude={"outputs": {"__all__": {"local_path"}}},
        responses=ERROR_RESPONSES,
    )
    def invoke(body: StepInvokeRequest, settings: SettingsDep) -> Any:
        try:
            return render_step(backends, body, settings)
        except SparkleMotionError as exc:
            return failed(exc, body.backend or spec.default_backend.name)

    @app.post(
        "/render",
        response_class=FileResponse,
        responses={
            **ERROR_RESPONSES,
            200: {"content": {CONTENT_TYPE: {}}, "description": "the outputs' archive"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    async def render(request: Request, settings: SettingsDep) -> Any:
        scratch = scratch_folder(settings, "render")
        try:
            upload = scratch / "request.tar"
            with upload.open("wb") as fh:  # streamed to disk; the guard caps its size
                async for chunk in request.stream():
                    fh.write(chunk)
            with upload.open("rb") as fh:
                answer = await run_in_threadpool(render_archive, backends, fh, settings, scratch)
        except SparkleMotionError as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            return failed(exc, backends.spec.default_backend.name)
        except ValidationError as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            raise RequestValidationError(exc.errors()) from None
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        return FileResponse(
            answer,
            media_type=CONTENT_TYPE,
            background=BackgroundTask(shutil.rmtree, scratch, ignore_errors=True),
        )

    @app.get("/ready")
    def ready() -> ReadyResponse:
        states = [backends.state(b) for b in spec.backends]
        return _ready(spec, states, next(s.name for s in states if s.default))

    @app.post("/release", responses=ERROR_RESPONSES)
    def release(body: ReleaseRequest) -> ReleaseResponse:
        asked, unloaded = backends.release(body.backend)
        return ReleaseResponse(
            tool=spec.id, backends=asked, unloaded=unloaded, gpu_lease=backends.lease.give_back()
        )


def _ready(spec: ToolSpec, states: list[Any], default: str) -> ReadyResponse:
    """Every backend's state; `ready` and `backend` are the default backend's."""
    chosen = next(s for s in states if s.name == default)
    return ReadyResponse(
        tool=spec.id, stage=spec.stage, backend=chosen.name, ready=chosen.ready, backends=states
    )


def _script_routes(app: FastAPI, spec: ToolSpec) -> None:
    @app.post("/invoke", response_model=ScriptInvokeResponse, responses=ERROR_RESPONSES)
    def invoke(body: ScriptInvokeRequest, settings: SettingsDep) -> Any:
        try:
            return script.write_plan(spec, body, settings)
        except SparkleMotionError as exc:
            return failed(exc, body.backend or script.configured_backend(settings))

    @app.get("/ready")
    def ready(settings: SettingsDep) -> ReadyResponse:
        states = [script.state(b, settings) for b in spec.backends]
        return _ready(spec, states, script.configured_backend(settings))

    @app.post("/release", responses=ERROR_RESPONSES)
    def release(body: ReleaseRequest) -> ReleaseResponse:
        every = [b.name for b in spec.backends]
        asked = [backend_spec(spec, body.backend).name] if body.backend else every
        dropped = script.release()
        return ReleaseResponse(
            tool=spec.id,
            backends=asked,
            unloaded=asked if dropped else [],
            gpu_lease="none: the script tool holds no GPU",
        )
