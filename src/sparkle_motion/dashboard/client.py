"""The production API from Python: what the control panel and the notebook's cells call.

    client = ApiClient("http://127.0.0.1:7860")   # token: SPARKLE_API_TOKEN, the state
                                                  # home's api_token file, else asked for
    started = client.invoke(idea="a lighthouse keeper befriends a whale", profile="preview")
    client.status(started["run_id"])              # the /status payload (server StatusResponse)
    for event in client.events(started["run_id"]): ...   # its server-sent events, to `end`
    film = client.fetch(status["film"]["download_url"], sha256=status["film"]["checksum_sha256"])

Answers are the API's JSON as dicts: the shapes are the server's (server/models.py), not
copied here. An answer that is not a success raises the API's own error, typed:

    SparkleMotionError
    └── DashboardApiError          the API refused: .type (RunBusyError, PlanSchemaError...),
        │                          .message, .field (the request field it names), .status
        └── ApiUnreachableError    nothing answered at the base URL, or not in time

The bearer token goes to the base URL only: `fetch` refuses a URL of another host (signed
URLs need no header anyway). Nothing here imports ipywidgets or IPython.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..errors import ArtifactIntegrityError, ConfigError, SparkleMotionError

TOKEN_ENV = "SPARKLE_API_TOKEN"
URL_ENV = "SPARKLE_API_URL"
DEFAULT_URL = "http://127.0.0.1:7860"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class DashboardApiError(SparkleMotionError):
    """The production API answered with an error (`{"error": {"type", "message", "field"}}`):
    its `type`, `message`, the request `field` it names (None when it names none) and the
    HTTP `status`; any other keys of the error (`run_id`, `issues`) are in `context`."""

    def __init__(
        self,
        message: str,
        *,
        type: str,
        field: str | None = None,
        status: int | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, context={**(context or {}), "type": type, "field": field})
        self.type = type
        self.field = field
        self.status = status

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        status = f"{self.status} " if self.status is not None else ""
        return f"{status}{self.type}{where}: {self.message}"


class ApiUnreachableError(DashboardApiError):
    """Nothing answered at the API's URL (refused, reset, timed out): `status` is None."""


def resolve_token(token: str | None = None, *, prompt: Callable[[str], str] | None = None) -> str:
    """The API token: `token`, else SPARKLE_API_TOKEN (the environment, then the settings'
    .env), else the state home's `api_token` file (`sparkle_motion.tokens.token_file`;
    read, never created: a token the server does not know is of no use), else asked for
    with `prompt` (getpass). ConfigError naming the three places when none gives one."""
    if token:
        return token
    if os.environ.get(TOKEN_ENV):
        return os.environ[TOKEN_ENV].strip()
    from ..config import get_settings
    from ..tokens import token_file

    settings = get_settings()
    if settings.api_token is not None and settings.api_token.get_secret_value():
        return settings.api_token.get_secret_value()
    path = token_file(settings)
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    if prompt is None:
        import getpass

        prompt = getpass.getpass
    try:
        given = prompt("sparkle-motion API token: ").strip()
    except Exception:  # no terminal (a headless kernel): say where a token comes from
        given = ""
    if not given:
        raise ConfigError(
            f"no API token: set {TOKEN_ENV}, or run where the server's {path} is readable, "
            "or pass token="
        )
    return given


def wait_for_api(
    base_url: str, timeout_s: float = 180.0, *, alive: Callable[[], bool] | None = None
) -> dict[str, Any]:
    """Until the API at `base_url` answers its open `/health` (a server just started):
    that answer. ApiUnreachableError after `timeout_s`, or at once when `alive()` (the
    server's process, if we started it) says it is gone."""
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            break
        try:
            answer = httpx.get(base_url.rstrip("/") + "/health", timeout=5, trust_env=False)
            if answer.status_code == 200:
                return dict(answer.json())
        except httpx.TransportError as exc:
            last = exc
        time.sleep(0.5)
    raise ApiUnreachableError(
        f"{base_url}/health did not answer"
        + (" (the server's process exited)" if alive is not None and not alive() else "")
        + (f": {last}" if last else ""),
        type=type(last).__name__ if last else "Timeout",
    )


def error_of(answer: httpx.Response) -> DashboardApiError:
    """The API's typed error from an answer that is not a success."""
    try:
        found = answer.json().get("error")
    except (ValueError, AttributeError):
        found = None
    if not isinstance(found, dict):  # not our shape (a proxy's page): its status and text
        text = answer.text.strip()[:200] or answer.reason_phrase
        return DashboardApiError(text, type="HTTPError", status=answer.status_code)
    rest = {k: v for k, v in found.items() if k not in ("type", "message", "field")}
    return DashboardApiError(
        str(found.get("message") or answer.reason_phrase),
        type=str(found.get("type") or "HTTPError"),
        field=found.get("field"),
        status=answer.status_code,
        context=rest,
    )


class ApiClient:
    """One production API at `base_url` (default SPARKLE_API_URL, else :7860 on loopback).
    `transport` replaces httpx's (a test's MockTransport); `timeout_s` bounds each call."""

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        timeout_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = (base_url or os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"base_url: an http(s) URL of the API, got {self.base_url!r}")
        self.token = resolve_token(token)
        self.http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=timeout_s,
            transport=transport,
            # a loopback server is never reached through a proxy from the environment
            trust_env=parts.hostname not in LOOPBACK,
        )

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def __repr__(self) -> str:
        return f"ApiClient({self.base_url!r})"  # never the token

    # ----------------------------------------------------------------- plumbing

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        try:
            answer = self.http.request(method, path, **kw)
        except httpx.TransportError as exc:
            raise ApiUnreachableError(
                f"no answer from {self.base_url}{path}: {exc or type(exc).__name__}",
                type=type(exc).__name__,
            ) from exc
        if answer.is_error:
            raise error_of(answer)
        return answer.json()

    def url(self, path: str) -> str:
        """`path` (a signed URL the API answered with) as an absolute URL of this API."""
        if path.startswith(("http://", "https://")):
            self._own(path)
            return path
        return self.base_url + "/" + path.lstrip("/")

    def _own(self, url: str) -> None:
        mine, theirs = urlsplit(self.base_url), urlsplit(url)
        if (theirs.scheme, theirs.netloc) != (mine.scheme, mine.netloc):
            raise ValueError(f"{url}: not a URL of {self.base_url} (the token goes only there)")

    # ----------------------------------------------------------------- the routes

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/health")
        return result

    def invoke(
        self,
        *,
        idea: str | None = None,
        plan: Mapping[str, Any] | None = None,
        profile: str | None = None,
        review: list[str] | None = None,
        mode: str = "run",
        run_id: str | None = None,
        seed: int | None = None,
        adapters: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Start a run from an idea or a plan (the server says which fields are wrong):
        `{run_id, status_url, events_url}`, or a dry run's `{report}`."""
        body = {
            "idea": idea,
            "plan": dict(plan) if plan is not None else None,
            "profile": profile,
            "review": review,
            "mode": mode,
            "run_id": run_id,
            "seed": seed,
            "adapters": dict(adapters) if adapters is not None else None,
        }
        return dict(
            self._call("POST", "/invoke", json={k: v for k, v in body.items() if v is not None})
        )

    def status(self, run_id: str) -> dict[str, Any]:
        return dict(self._call("GET", "/status", params={"run_id": run_id}))

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        return list(self._call("GET", "/runs", params={"limit": limit}))

    def artifacts(self, run_id: str, stage: str | None = None) -> dict[str, Any]:
        params = {"run_id": run_id, **({"stage": stage} if stage else {})}
        return dict(self._call("GET", "/artifacts", params=params))

    def pause(self, run_id: str) -> dict[str, Any]:
        return dict(self._call("POST", "/pause", json={"run_id": run_id}))

    def stop(self, run_id: str) -> dict[str, Any]:
        return dict(self._call("POST", "/stop", json={"run_id": run_id}))

    def resume(
        self,
        run_id: str,
        *,
        from_stage: str | None = None,
        profile: str | None = None,
        adapters: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        body = {"run_id": run_id, "from_stage": from_stage, "profile": profile}
        if adapters is not None:
            body["adapters"] = dict(adapters)  # type: ignore[assignment]
        return dict(self._call("POST", "/resume", json={k: v for k, v in body.items() if v}))

    def review(
        self,
        run_id: str,
        decision: str,
        *,
        gate: str | None = None,
        keyframes: list[int] | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        """Record a decision on the run's open review (the `qa_manual_review` audit event);
        it applies when the run resumes. A rejection may name the keyframes to render
        again (none named: all of them); an approval names none."""
        body: dict[str, Any] = {"run_id": run_id, "decision": decision}
        if gate is not None:
            body["gate"] = gate
        if keyframes:
            body["keyframes"] = list(keyframes)
        if note:
            body["note"] = note
        return dict(self._call("POST", "/review", json=body))

    def fetch(self, url: str, *, sha256: str | None = None) -> bytes:
        """The bytes behind a signed `download_url` of this API; with `sha256`, checked
        against it (ArtifactIntegrityError when they differ)."""
        target = self.url(url)
        try:
            answer = self.http.get(target, timeout=300)
        except httpx.TransportError as exc:
            raise ApiUnreachableError(
                f"no answer from {target.split('?')[0]}: {exc}", type=type(exc).__name__
            ) from exc
        if answer.is_error:
            raise error_of(answer)
        data = answer.content
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise ArtifactIntegrityError(
                f"{target.split('?')[0]}: its sha256 is not the {sha256} the API announced"
            )
        return data

    def events(
        self,
        run_id: str,
        after: int = 0,
        *,
        url: str | None = None,
        idle_s: float | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The run's memory events after id `after`, as `{"id", "type", "payload"}`, from its
        signed event stream (`url`, else the `events_url` /status answers), ending with
        `{"id": None, "type": "end", "payload": {"status": ...}}` once nothing drives the
        run. `idle_s`: stop instead when no byte came for that long (a run still going:
        a poll takes what is there and returns)."""
        stream_url = url or self.status(run_id)["events_url"]
        sep = "&" if "?" in stream_url else "?"
        target = self.url(f"{stream_url}{sep}after={after}")
        timeout = httpx.Timeout(30.0, read=idle_s)
        try:
            with self.http.stream("GET", target, timeout=timeout) as answer:
                if answer.is_error:
                    answer.read()
                    raise error_of(answer)
                yield from parse_sse(answer.iter_lines())
        except httpx.ReadTimeout:
            if idle_s is None:
                raise
            return
        except httpx.TransportError as exc:
            raise ApiUnreachableError(
                f"the event stream of {run_id} broke: {exc}", type=type(exc).__name__
            ) from exc


def parse_sse(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    """Server-sent events (`id:`, `event:`, `data:` lines, a blank line ends one) as the
    API's event dicts; the `end` event stops the iteration after it is yielded."""
    kind, data = None, []
    for line in lines:
        if line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line == "" and data:
            payload = json.loads("\n".join(data))
            if kind == "end":
                yield {"id": None, "type": "end", "payload": payload}
                return
            yield payload
            kind, data = None, []
