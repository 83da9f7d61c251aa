"""The app factory every HTTP service uses.

    app = create_app(settings, title="sparkle-motion production API", signable=("/files/",))

Each request passes one guard (a plain ASGI middleware) before any route:
- a request id (`X-Request-ID`, kept when the client sends a sane one) in the response
  and the log;
- `Host` must be a loopback name (`127.0.0.1`, `localhost`, `[::1]`) or one the settings
  allow (`api_allowed_hosts`), else 400: a page on another site cannot reach us through
  DNS rebinding;
- every route but `/health`, `/` and `/static/*` (no run data there) needs
  `Authorization: Bearer <token>`, compared in constant time, else 401; GET routes under
  a `signable` prefix also accept `?expires=...&sig=...` (an HMAC of path and expiry keyed
  by the token) so a browser can fetch media and the event stream;
- a POST body labelled a form (curl -d's default) or not labelled that starts with `{`
  is read as JSON;
- a body over `api_max_body_bytes` (on a `bulk` route, a tool's POST /render of step
  files: `tool_max_body_bytes`) is refused with 413 (by its Content-Length, and by
  counting when it is chunked).
Errors are `{"error": {"type", "message", "field"}}`: our typed errors with their status
(http/errors.py), FastAPI's validation errors as 422 naming the field (a body that does
not parse, as JSON, UTF-8 or multipart, names `body`), anything else a 500 naming only the
request id.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..config import Settings
from ..errors import SparkleMotionError
from ..tokens import api_token, same_token, signed_ok
from .errors import body, body_of, status_of

log = logging.getLogger("sparkle_motion.http")
OPEN_PATHS = ("/health", "/")
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TooLarge(BaseException):
    """Raised from `receive` when a chunked body passes the cap. Not an Exception: FastAPI
    turns any Exception met while reading a body into a 400, and this must reach the guard."""


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith("/static/")


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str,
        hosts: tuple[str, ...],
        max_body: int,
        signable: tuple[str, ...],
        bulk: tuple[str, ...] = (),
        bulk_max_body: int = 0,
    ) -> None:
        self.app, self.token, self.hosts = app, token, hosts
        self.max_body, self.signable = max_body, signable
        self.bulk, self.bulk_max_body = bulk, bulk_max_body

    def cap(self, scope: Scope) -> int:
        """The body cap of the request: a bulk route's (a tool's POST /render) or the app's."""
        return self.bulk_max_body if scope["path"] in self.bulk else self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        rid = given if REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        problem = self.refuse(scope, headers)
        if problem is not None:
            status, kind, text = problem
            log.info("%s %s %s -> %d %s", rid, scope["method"], scope["path"], status, kind)
            await JSONResponse(body(kind, text), status)(scope, receive, send_with_id)
            return
        seen, cap = 0, self.cap(scope)
        label = headers.get("content-type", FORM).lower()
        if scope["method"] == "POST" and label.startswith(FORM):
            scope, receive = await as_json(scope, receive)

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise TooLarge
            return message

        try:
            await self.app(scope, counted, send_with_id)
        except TooLarge:
            await JSONResponse(body("PayloadTooLarge", f"the body is over {cap} bytes"), 413)(
                scope, receive, send_with_id
            )

    def refuse(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str, str] | None:
        host = headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name not in self.hosts:
            return 400, "ForeignHost", f"Host {host!r} is not served here"
        length, cap = headers.get("content-length"), self.cap(scope)
        if length is not None and (not length.isdigit() or int(length) > cap):
            return 413, "PayloadTooLarge", f"the body is over {cap} bytes"
        path = scope["path"]
        if is_open(path):
            return None
        auth = headers.get("authorization", "")
        if auth.startswith("Bearer ") and same_token(auth[len("Bearer ") :], self.token):
            return None
        if scope["method"] in ("GET", "HEAD") and path.startswith(self.signable):
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            expires = (query.get("expires") or [None])[0]
            sig = (query.get("sig") or [None])[0]
            if signed_ok(path, expires, sig, self.token):
                return None
            if expires or sig:
                return 401, "BadSignature", "the signed URL is expired, altered or for another path"
        return 401, "Unauthorized", "send Authorization: Bearer <token> ($SPARKLE_HOME/api_token)"


FORM = "application/x-www-form-urlencoded"


async def as_json(scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
    """`curl -d '{...}'` sends JSON labelled as a form (or unlabelled): a POST body that
    starts with `{` is relabelled `application/json`, so the route reads it as JSON. The
    first chunk read to look is handed on unchanged."""
    first = await receive()
    chunk = first.get("body", b"") if first["type"] == "http.request" else b""
    if chunk.lstrip()[:1] == b"{":
        kept = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-type"]
        scope = {**scope, "headers": [*kept, (b"content-type", b"application/json")]}
    replayed = False

    async def again() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return first
        return await receive()

    return scope, again


# FastAPI's 400 for a JSON body it cannot decode (not UTF-8), said as what to fix
UNPARSED = {"There was an error parsing the body": "not JSON in UTF-8"}


def _field(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":  # its loc ends in a byte offset, not a field
        return "body"
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
    return ".".join(loc) or "body"


def _message(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if error.get("type") == "json_invalid" and "error" in ctx:
        return f"JSON decode error: {ctx['error']} at byte {error['loc'][-1]}"
    return str(error.get("msg", "invalid"))


def create_app(
    settings: Settings,
    *,
    title: str,
    signable: tuple[str, ...] = (),
    bulk: tuple[str, ...] = (),
    token: str | None = None,
) -> FastAPI:
    """A FastAPI app behind the guard; `app.state.settings` and `app.state.token` are what
    the routes' dependencies read (tests may replace them)."""
    app = FastAPI(title=title, version=__version__)
    app.state.settings = settings
    app.state.token = token or api_token(settings)

    @app.exception_handler(SparkleMotionError)
    async def typed(request: Request, exc: SparkleMotionError) -> JSONResponse:
        return JSONResponse(body_of(exc), status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        field = _field(first)
        message = f"{field}: {_message(first)}"
        details = [{"field": _field(e), "message": _message(e)} for e in errors[:20]]
        return JSONResponse(body("RequestValidationError", message, field, issues=details), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI and Starlette's: a body they cannot parse
            text = UNPARSED.get(str(exc.detail), str(exc.detail))
            return JSONResponse(body("RequestValidationError", f"body: {text}", "body"), 422)
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        return JSONResponse(body(kind, str(exc.detail)), exc.status_code)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        rid = request.scope.get("state", {}).get("request_id", "?")
        log.exception("%s %s %s failed", rid, request.method, request.url.path)
        return JSONResponse(  # answered outside the guard: it names the request itself
            body("InternalError", f"internal error; the server log has request {rid}"),
            500,
            headers={"x-request-id": rid},
        )

    @app.get("/health")
    async def health() -> dict[str, Any]:
        # the pid lets a supervisor tell its own process from another on the port
        return {"ok": True, "service": title, "version": __version__, "pid": os.getpid()}

    hosts = tuple(dict.fromkeys((*LOOPBACK, *settings.api_allowed_hosts)))
    app.add_middleware(
        Guard,  # a plain ASGI middleware
        token=app.state.token,
        hosts=hosts,
        max_body=settings.api_max_body_bytes,
        signable=signable,
        bulk=bulk,
        bulk_max_body=settings.tool_max_body_bytes,
    )
    return app


def dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), default=str)
