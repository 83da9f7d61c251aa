"""The production API: start, follow, steer and download runs over HTTP.

    POST /invoke {idea | plan, profile, review, mode, run_id, seed, adapters, fallbacks,
                  max_cost_usd}  -> 202 {run_id, ...}
    GET  /status?run_id=   GET /runs   GET /events?run_id=&after=  (server-sent events)
    GET  /plan?run_id=     GET /  (the dashboard page; static/)     GET /metrics (Prometheus)
    GET  /artifacts?run_id=&stage=     GET /files/<id>  (the bytes; signed URLs work)
    POST /artifacts (multipart `file`) -> 201 the upload's ref   GET /artifacts/<id>
    POST /pause /stop /resume /review {run_id, ...}

Runs execute in child processes (`start_run(wait=False)`), so a crashing run never takes
the server down; the one-job rule answers 409 naming the active run. A plan posted here
may not name server paths as inputs (422 naming the field): a file it needs is uploaded
first and named by the artifact URI the upload answers with (server/uploads.py).
`adapters` ({"tts": "espeak"}) is the CLI's `--adapter tts=espeak`, `fallbacks`
({"lipsync": ["audio_mux"]}) its `--fallback lipsync=audio_mux`: the run's settings carry
them, the run service checks them (422 naming `adapters.<key>`, `fallbacks.<key>`) and the
run keeps them for its resumes.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path as PathLib
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Path, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, StreamingResponse

from .. import production_agent as service
from ..config import Settings, adapter_overrides, fallback_overrides
from ..errors import ArtifactNotFoundError, PlanError, RunRequestError
from ..http.app import create_app, dumps
from ..http.scrub import host_prefixes, scrub
from ..schemas import ArtifactRef, AssetRefs
from ..schemas.common import RUN_ID_PATTERN
from ..storage.paths import SEGMENT_PATTERN
from ..tokens import sign
from ..tools.models import AgentRequest, AgentResponse
from .models import (
    InvokeRequest,
    ResumeRequest,
    ReviewRequest,
    RunRef,
    RunRow,
    StatusResponse,
)
from .uploads import check_plan_inputs, find_artifact, store_upload, upload_scope

FILES = "/files/"
STATIC = PathLib(__file__).parent / "static"
# the page loads nothing from elsewhere and runs no inline script; signed media URLs never
# leave in a Referer
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self'; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
RunIdQuery = Annotated[str, Query(pattern=f"^{RUN_ID_PATTERN}$", max_length=100)]


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(settings_of)]


def file_path(uri: str) -> str:
    return FILES + base64.urlsafe_b64encode(uri.encode()).decode().rstrip("=")


def signed(request: Request, path: str) -> str:
    return sign(path, request.app.state.token, ttl_s=request.app.state.url_ttl_s)


def shown(request: Request, ref: ArtifactRef, hidden: list[str]) -> dict[str, Any]:
    """An artifact as an answer shows it: no host path (metadata scrubbed), a signed
    `download_url` on the /files route."""
    item: dict[str, Any] = scrub(ref.model_dump(mode="json", exclude={"local_path"}), hidden)
    item["download_url"] = signed(request, file_path(ref.uri))
    return item


def keyframe_ids(ids: tuple[str, ...], indexes: tuple[int, ...]) -> list[str]:
    """The ids of the reviewed keyframes; none when the plan no longer says (it changed)."""
    if not indexes or max(indexes) >= len(ids):
        return []
    return [ids[k] for k in indexes]


def tool_agent_of(app: FastAPI, settings: Settings, tool: str) -> Any:
    """The agent of stage tool `tool` (made once per server), rendering through the tool's
    /invoke; RunRequestError naming `tool` for one the catalog does not serve."""
    from ..catalog.tool_specs import load_tool_spec
    from ..catalog.where import load_catalog
    from ..tools.agent import ToolAgent, remote_stage_function

    made: dict[str, Any] = app.state.__dict__.setdefault("tool_agents", {})
    if tool not in made:
        url = load_catalog(settings).tools.get(tool)
        if url is None or tool == "script_agent":
            raise RunRequestError(
                f"tool: {tool!r} is not a stage tool of the catalog", field="tool"
            )
        render = remote_stage_function(settings, url, app.state.token)
        made[tool] = ToolAgent(load_tool_spec(tool), render, settings)
    return made[tool]


def in_request(exc: PlanError) -> PlanError:
    """A posted plan's error names the request's field: `plan.shots[1].duration_s`, not
    the path inside the plan, as the checks of its inputs do."""

    def named(path: str) -> str:
        if path == "plan" or path.startswith("plan."):
            return path
        return f"plan.{path}" if path else "plan"

    issues = [replace(i, path=named(i.path)) for i in exc.issues]
    return type(exc)(issues, source=exc.source)


def _reap(handle: service.RunHandle) -> None:
    """Wait for a run's child so it leaves no zombie; its outcome is in the run table."""
    with contextlib.suppress(BaseException):
        handle.wait()


def _follow(request: Request, handle: service.RunHandle) -> None:
    if handle.process is not None and handle.outcome is None:
        threading.Thread(target=_reap, args=(handle,), daemon=True).start()


def with_adapters(settings: Settings, adapters: dict[str, str] | None) -> Settings:
    """The request's per-stage backends over the server's, as `--adapter` sets them for a
    command: checked here, before an idea is written out (RunRequestError naming
    `adapters.<key>`); none named, the server's settings as they are. On a resume the ones
    it names go over the run's own; the server's stay under them (resumed_adapters)."""
    if not adapters:
        return settings
    layered = {**adapter_overrides(settings), **adapters}  # per key, the request's win
    named = service.check_adapters(adapters)
    return settings.with_named("adapters", service.check_adapters(layered), named)


def with_fallbacks(settings: Settings, fallbacks: dict[str, list[str]] | None) -> Settings:
    """The request's fallback backends over the server's (SPARKLE_FALLBACKS), per key, as
    with_adapters layers backends; checked here (RunRequestError naming `fallbacks.<key>`)."""
    if not fallbacks:
        return settings
    layered = {**fallback_overrides(settings), **fallbacks}
    named = service.check_fallbacks(fallbacks)
    return settings.with_named("fallbacks", service.check_fallbacks(layered), named)


def with_budget(settings: Settings, budget: float | None) -> Settings:
    """The request's budget over the plan's and the server's (SPARKLE_MAX_COST_USD)."""
    return settings if budget is None else settings.model_copy(update={"max_cost_usd": budget})


def for_request(settings: Settings, body: InvokeRequest | ResumeRequest) -> Settings:
    """The server's settings with what a start or resume asks for: backends, fallbacks and
    budget, each checked."""
    named = with_fallbacks(with_adapters(settings, body.adapters), body.fallbacks)
    return with_budget(named, body.max_cost_usd)


def _events_after(settings: Settings, run_id: str, after: int) -> list[Any]:
    from ..storage import MemoryLog, open_database

    with open_database(settings) as db:
        return MemoryLog(db).list(run_id, after_id=after)


def create_production_app(settings: Settings, *, token: str | None = None) -> FastAPI:
    app = create_app(
        settings,
        title="sparkle-motion production API",
        signable=(FILES, "/events/"),  # the run id is in the path: a signature is per run
        token=token,
    )
    app.state.url_ttl_s = 3600.0
    app.state.tool_agents = {}  # tool -> its agent, asked from here (POST /agent/<tool>)

    @app.post("/invoke", status_code=202)
    def invoke(
        body: InvokeRequest, request: Request, response: Response, settings: SettingsDep
    ) -> dict[str, Any]:
        settings = for_request(settings, body)
        run_id = body.run_id or service.new_run_id()
        source: Any = body.plan
        if body.idea is not None:  # an idea over the network is prose, never a path or a plan
            source = service.plan_source(
                body.idea, run_id=run_id, seed=body.seed, settings=settings, idea_only=True
            )
        try:
            if body.plan is not None:
                check_plan_inputs(body.plan, settings)
            handle = service.start_run(
                source,
                profile=body.profile,
                review=None if body.review is None else list(body.review),
                run_id=run_id,
                dry=body.mode == "dry",
                wait=False,
                seed=body.seed,
                settings=settings,
            )
        except PlanError as exc:
            if body.plan is None:  # the plan written from an idea: not a field of the request
                raise
            if exc.path == "max_cost_usd" and settings.max_cost_usd is not None:
                raise  # the request's budget (or the server's), not the plan's
            raise in_request(exc) from None
        if handle.report is not None:  # a dry run answers at once: 200 with its report
            response.status_code = 200
            return {
                "run_id": handle.run_id,
                "mode": "dry",
                "report": handle.report.model_dump(mode="json"),
            }
        _follow(request, handle)
        return {
            "run_id": handle.run_id,
            "mode": "run",
            "status_url": f"/status?run_id={handle.run_id}",
            "events_url": signed(request, f"/events/{handle.run_id}"),
        }

    @app.get("/status", response_model=StatusResponse)
    def status(run_id: RunIdQuery, settings: SettingsDep, request: Request) -> dict[str, Any]:
        view = service.run_status(run_id, settings=settings)
        records = view.steps
        running = [r.stage for r in records if r.status.value == "running"]
        film = None
        if view.film is not None:
            film = view.film.model_dump(mode="json", exclude={"local_path"})
            film["download_url"] = signed(request, file_path(view.film.artifact_uri))
        return {
            "run_id": run_id,
            "status": view.status.value,
            "plan_id": view.plan_id,
            "render_profile": view.render_profile,
            "current_stage": running[-1] if running else None,
            "eta_s": view.eta_s,
            "elapsed_s": view.elapsed_s,
            "steps_left": view.steps_left,
            "stage_totals": view.stage_totals,
            "control": view.control,
            "actions": view.actions,
            "events_url": signed(request, f"/events/{run_id}"),
            "owner": {"pid": view.owner_pid, "host": view.owner_host, "alive": view.owner_alive},
            "steps_by_stage": view.steps_by_stage,
            "failures": scrub(view.failures, host_prefixes(settings)),
            "reviews": [
                {
                    "interrupt_id": r.interrupt_id,
                    "request_id": r.request_id,
                    "gate": r.gate,
                    "message": scrub(r.message, host_prefixes(settings)),  # names the plan file
                    "keyframes": list(r.keyframes),
                    "keyframe_ids": keyframe_ids(view.keyframe_ids, r.keyframes),
                    "answered": r.answered,
                    "retaken": list(r.retaken),
                    "kept": list(r.kept),
                }
                for r in view.reviews
            ],
            "steps": [
                {
                    "step_id": r.step_id,
                    "stage": r.stage,
                    "status": r.status.value,
                    "attempts": r.attempts,
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "duration_s": r.duration_s,
                    "adapter": r.adapter,
                    "served_by": r.served_by,
                    "seed": r.seed,
                }
                for r in records
            ],
            "film": film,
            "cost_usd": view.cost_usd,
            "budget": view.budget,
            "metrics": view.metrics,
        }

    @app.get("/plan")
    def plan(run_id: RunIdQuery, settings: SettingsDep) -> dict[str, Any]:
        """The plan the run renders (its title, characters, shots and lines), as stored
        with it; `plan` is null while an idea is still being written out."""
        found = service.plan_of(run_id, settings=settings)
        return {"run_id": run_id, "plan": scrub(found, host_prefixes(settings))}

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics(settings: SettingsDep) -> PlainTextResponse:
        """Every run's steps by stage in Prometheus text: steps by status, retries,
        seconds, cost, reuse hits by kind, errors by type, runs by status (behind the
        token: a scraper sends it as a bearer credential)."""
        from ..runs.metrics import home_metrics, prometheus
        from ..storage import open_database

        with open_database(settings) as db:
            text = prometheus(*home_metrics(db))
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.get("/runs", response_model=list[RunRow])
    def runs(settings: SettingsDep, limit: Annotated[int, Query(ge=1, le=500)] = 20) -> list[dict]:
        return service.list_runs(limit, settings=settings)

    @app.get("/artifacts")
    def artifacts(
        run_id: RunIdQuery,
        request: Request,
        settings: SettingsDep,
        stage: Annotated[str | None, Query(max_length=48)] = None,
    ) -> dict[str, Any]:
        from ..storage import open_artifact_store

        service.run_state(run_id, settings=settings)  # 404 for a run that is not there
        store = open_artifact_store(settings, scan=False)
        try:
            refs = store.list(run_id, stage)
        finally:
            store.close()
        film = service.film_of(run_id, settings=settings)
        hidden = host_prefixes(settings)
        listed = [shown(request, ref, hidden) for ref in refs]
        video_final = None
        if film is not None:
            video_final = film.model_dump(mode="json", exclude={"local_path"})
            video_final["download_url"] = signed(request, file_path(film.artifact_uri))
        by_role = service.assets_of(run_id, settings=settings)
        assets: dict[str, Any] = {}
        for role in AssetRefs.model_fields:
            value = getattr(by_role, role)
            if isinstance(value, ArtifactRef):
                assets[role] = shown(request, value, hidden)
            elif isinstance(value, dict):
                assets[role] = {
                    k: [shown(request, r, hidden) for r in v]
                    if isinstance(v, list)
                    else shown(request, v, hidden)
                    for k, v in value.items()
                }
        return {
            "run_id": run_id,
            "artifacts": listed,
            "video_final": video_final,
            "assets": assets,
        }

    @app.post("/artifacts", status_code=201)
    def upload(
        file: Annotated[UploadFile, File()], request: Request, settings: SettingsDep
    ) -> dict[str, Any]:
        """Store a file (an image, a voice, a music bed) a plan then names by its `uri`."""
        ref = store_upload(settings, file.filename, file.file)
        return shown(request, ref, host_prefixes(settings))

    @app.get("/artifacts/{artifact_id}")
    def artifact(
        artifact_id: Annotated[str, Path(pattern=f"^{SEGMENT_PATTERN}$", max_length=128)],
        request: Request,
        settings: SettingsDep,
        run_id: Annotated[str | None, Query(pattern=f"^{RUN_ID_PATTERN}$", max_length=100)] = None,
    ) -> dict[str, Any]:
        """An upload's metadata (or, with `run_id`, that run's artifact)."""
        if run_id is not None:
            service.run_state(run_id, settings=settings)  # 404 for a run that is not there
        scope = upload_scope(settings) if run_id is None else run_id
        ref = find_artifact(settings, scope, artifact_id)
        return shown(request, ref, host_prefixes(settings))

    @app.get(FILES + "{encoded}")
    def download(encoded: str, settings: SettingsDep) -> FileResponse:
        from ..storage import open_artifact_store

        try:
            uri = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ArtifactNotFoundError(f"{encoded!r}: not an artifact of this server") from None
        store = open_artifact_store(settings, scan=False)
        try:
            ref = store.ref(uri)  # parses and checks the URI: nothing outside the root
            path = store.local_path(uri)  # checksum-verified
        finally:
            store.close()
        return FileResponse(path, media_type=ref.mime_type, filename=ref.name)

    @app.get("/events")
    def events(
        run_id: RunIdQuery, settings: SettingsDep, after: Annotated[int, Query(ge=0)] = 0
    ) -> StreamingResponse:
        return event_stream(run_id, settings, after)

    @app.get("/events/{run_id}")
    def run_events(
        run_id: Annotated[str, Path(pattern=f"^{RUN_ID_PATTERN}$", max_length=100)],
        settings: SettingsDep,
        after: Annotated[int, Query(ge=0)] = 0,
    ) -> StreamingResponse:
        return event_stream(run_id, settings, after)

    def event_stream(run_id: str, settings: Settings, after: int) -> StreamingResponse:
        service.run_state(run_id, settings=settings)

        hidden = host_prefixes(settings)  # a review names its contact sheet's path

        async def stream() -> AsyncIterator[str]:
            last, quiet = after, 0
            while True:  # the database is read off the event loop: one slow read stalls nothing
                found = await asyncio.to_thread(_events_after, settings, run_id, last)
                for event in found:
                    last = event.id
                    payload = scrub(event.payload, hidden)
                    data = {"id": event.id, "type": event.event_type, "payload": payload}
                    yield f"id: {event.id}\nevent: {event.event_type}\ndata: {dumps(data)}\n\n"
                state, alive = await asyncio.to_thread(service.run_state, run_id, settings=settings)
                quiet = 0 if found or alive else quiet + 1
                if quiet >= 2:  # nothing drives the run and nothing new came: the end
                    yield f"event: end\ndata: {dumps({'status': state.value})}\n\n"
                    return
                await asyncio.sleep(0.5)

        return StreamingResponse(stream(), media_type="text/event-stream")

    @app.post("/pause")
    def pause(body: RunRef, settings: SettingsDep) -> dict[str, Any]:
        row = service.pause_run(body.run_id, settings=settings)
        return {"run_id": body.run_id, "requested": "pause", "status": row.status.value}

    @app.post("/stop")
    def stop(body: RunRef, settings: SettingsDep) -> dict[str, Any]:
        row = service.stop_run(body.run_id, settings=settings)
        return {"run_id": body.run_id, "requested": "stop", "status": row.status.value}

    @app.post("/resume", status_code=202)
    def resume(body: ResumeRequest, request: Request, settings: SettingsDep) -> dict[str, Any]:
        handle = service.resume_run(
            body.run_id,
            from_stage=body.from_stage,
            profile=body.profile,
            wait=False,
            settings=for_request(settings, body),
        )
        _follow(request, handle)
        lifted = handle.outcome is not None and handle.outcome.lifted_pause
        return {"run_id": body.run_id, "resumed": "pause lifted" if lifted else "running"}

    @app.post("/review")
    def review(body: ReviewRequest, settings: SettingsDep) -> dict[str, Any]:
        target = service.answer_review(
            body.run_id,
            body.decision,
            gate=body.gate,
            keyframes=body.keyframes,
            note=body.note,
            settings=settings,
        )
        return {
            "run_id": body.run_id,
            "interrupt_id": target.interrupt_id,
            "decision": body.decision,
            "applies": "when the run resumes (POST /resume)",
        }

    @app.post("/agent/{tool}", response_model=AgentResponse)
    async def tool_agent(
        tool: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,47}$")],
        body: AgentRequest,
        request: Request,
        settings: SettingsDep,
    ) -> Any:
        """A stage tool's agent asked from here, for a tool whose own environment has no
        google-adk (tts_chatterbox's): the same agent and model, rendering through the
        tool's POST /invoke at the catalog's URL."""
        from ..tools.factory import agent_answer

        return await agent_answer(tool_agent_of(request.app, settings, tool), body)

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> Response:
        """The dashboard for a browser (static/index.html: it asks for the token and
        shows nothing before it); for any other client, where things are."""
        if "text/html" in request.headers.get("accept", ""):
            return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)
        return JSONResponse(
            {"service": "sparkle-motion production API", "docs": "/docs", "dashboard": "/"}
        )

    @app.get("/static/{name}", include_in_schema=False)
    def static(
        name: Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,40}\.(js|css|svg)$")],
    ) -> FileResponse:
        """The page's script, style and icon: files shipped in the package, no CDN."""
        path = STATIC / name
        if not path.is_file():
            raise ArtifactNotFoundError(f"/static/{name}: no such file")
        return FileResponse(path, headers=PAGE_HEADERS)

    return app
