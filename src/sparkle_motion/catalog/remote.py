"""The HTTP transport: an adapter whose steps run in a FunctionTool process, reached through
the catalog. To the engine it is the tool's backend itself: the same name, version and
model id (read from the tool's GET /ready), so a step has one content key however it is
rendered, and a step rendered in one place is reused in the other.

`run` sends the step and its input files to the tool's POST /render in one archive and
returns the files of the archive that comes back (catalog/wire.py); the engine publishes
them and records the step as for any adapter. A tool that does not take the connection
(starting, or restarted by `sparkle-motion serve` after it died) is waited for up to
`tool_wait_s`. While a step renders, a dropped connection (the tool died under it) is a
transient error: the engine's next attempt waits for the tool to come back. Before a step
is keyed the tool is asked its backend's identity; a tool still down after the wait fails
that step unkeyed (nothing ran: `resume` tries it again) and a dry run reports it. A
tool's typed error comes back as the same error class (a 503 MissingWeightsError stays
one); a tool whose backend changed version since the step was keyed is refused.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import httpx

from .. import errors as error_types
from ..adapters.base import (
    CAPABILITIES,
    CostEstimate,
    Estimate,
    Output,
    Rates,
    StepJob,
    check_capability,
    cost_of_estimate,
    estimate_cost,
    tier_of,
)
from ..config import Settings
from ..errors import (
    MissingDependencyError,
    PermanentStageError,
    StageError,
    TransientStageError,
)
from ..schemas import RenderProfile, Step
from ..storage.fs_store import sha256_file
from .tool_specs import load_tool_spec
from .where import Placement
from .wire import CONTENT_TYPE, REQUEST, RESPONSE, WireError, read_archive, write_archive

POLL_S = 0.25
DOWN_S = 30.0  # a tool that did not answer within tool_wait_s is not waited for again so soon
TIMEOUT = httpx.Timeout(connect=5.0, read=None, write=600.0, pool=60.0)
# no read timeout (a step may render for many minutes), so TCP keepalive finds a tool
# whose machine went away: about 30 s idle, then 6 probes 10 s apart
KEEPALIVE = [
    (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
    *(
        [
            (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 30),
            (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 10),
            (socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 6),
        ]
        if hasattr(socket, "TCP_KEEPIDLE")
        else []
    ),
]


def _error_of(response: httpx.Response, tool: str, step_id: str) -> StageError:
    """The tool's typed error (same class when it is one of our stage errors)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = body.get("error") if isinstance(body, dict) else None
    detail = detail if isinstance(detail, dict) else {}
    kind = detail.get("type") or "HTTPError"
    message = f"{tool}: {detail.get('message') or response.text[:300]}"
    cls = getattr(error_types, kind, None)
    if not (isinstance(cls, type) and issubclass(cls, StageError)):
        transient = bool(detail.get("transient")) or response.status_code in (502, 503, 504)
        cls = TransientStageError if transient else PermanentStageError
        message = f"{message} (HTTP {response.status_code} {kind})"
    return cls(message, step_id=step_id, context={"tool": tool, "status": response.status_code})


class RemoteAdapter:
    """The backend `placement.backend` of tool `placement.tool`, at `placement.url`."""

    def __init__(self, placement: Placement, settings: Settings, token: str) -> None:
        assert placement.tool is not None and placement.url is not None
        self.name, self.tool, self.url = placement.backend, placement.tool, placement.url
        self.settings, self._token = settings, token
        self._info: dict[str, Any] | None = None
        self._down: tuple[float, TransientStageError] | None = None  # until when, why
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteAdapter({self.name!r} at {self.url})"

    @property
    def served_by(self) -> str:
        """What the step record says rendered the step."""
        return f"{self.tool} at {self.url}"

    # ---------------------------------------------------------------- identity

    def _client(self, **options: Any) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self._token}"},
            timeout=options.pop("timeout", TIMEOUT),
            trust_env=False,  # a localhost tool is never reached through a proxy
            transport=httpx.HTTPTransport(socket_options=KEEPALIVE),
            **options,
        )

    def info(self) -> dict[str, Any]:
        """The backend's row of the tool's GET /ready: what the step key names (version,
        model id) comes from the process that renders. Read once per process; a tool that
        is down is waited for (`tool_wait_s`), and after that not again for DOWN_S: a dry
        run over many steps says "does not answer" once, not once per step."""
        with self._lock:
            if self._info is not None:
                return self._info
            if self._down is not None and time.monotonic() < self._down[0]:
                raise self._down[1]
            try:
                row: dict[str, Any] = self._wait_for(self._read_info, down=(httpx.TransportError,))
            except TransientStageError as exc:
                self._down = (time.monotonic() + DOWN_S, exc)
                raise
            self._down = None
            if row.get("ready"):  # a backend not ready yet is asked again next time
                self._info = row
            return row

    def _read_info(self) -> dict[str, Any]:
        with self._client(timeout=10.0) as client:
            response = client.get("/ready")
        if response.status_code != 200:
            raise _error_of(response, self.tool, "")
        for row in response.json().get("backends", []):
            if row.get("name") == self.name:
                return dict(row)
        raise MissingDependencyError(
            f"{self.tool} at {self.url} does not serve backend {self.name!r}",
            context={"tool": self.tool, "backend": self.name},
        )

    @property
    def version(self) -> str:
        version = self.info().get("version")
        if not version:
            missing = "; ".join(self.info().get("missing") or []) or "it is not ready"
            raise MissingDependencyError(
                f"{self.tool} at {self.url}: backend {self.name!r} cannot run: {missing}",
                context={"tool": self.tool, "backend": self.name},
            )
        return str(version)

    @property
    def model_id(self) -> str | None:
        value = self.info().get("model_id")
        return str(value) if value else None

    @property
    def concurrent(self) -> bool:
        """Only once the tool said so (asked when a step is keyed): never a network wait
        to decide how to schedule."""
        return bool(self._info and self._info.get("concurrent"))

    def preflight(self, profile: RenderProfile) -> None:
        """Before anything renders: the tool says the backend is ready (weights there),
        else the typed error carrying what it lacks."""
        row = self.info()
        if not row.get("ready"):
            missing = "; ".join(row.get("missing") or []) or "it is not ready"
            raise MissingDependencyError(
                f"{self.tool} at {self.url}: backend {self.name!r} cannot run: {missing}",
                context={"tool": self.tool, "backend": self.name},
            )

    def unload(self) -> None:
        """The stage is over: the tool drops the backend's model and gives the GPU lease
        back (POST /release), so the next GPU stage's tool can load."""
        try:
            with self._client(timeout=30.0) as client:
                client.post("/release", json={"backend": self.name})
        except httpx.HTTPError:
            pass  # a tool that is gone holds nothing

    # ---------------------------------------------------------------- what it can do

    @property
    def capabilities(self) -> frozenset[str]:
        """Its tool.yaml's `capabilities` that are ours (adapters/base.py CAPABILITIES)."""
        return frozenset(c for c in load_tool_spec(self.tool).capabilities if c in CAPABILITIES)

    def supports(self, capability: str) -> bool:
        return check_capability(capability) in self.capabilities

    @property
    def tier(self) -> str:
        """`full` for a backend its tool.yaml marks `gpu` (it holds model weights on one),
        else its code's own tier when that imports here, else preview."""
        spec = load_tool_spec(self.tool).backend(self.name)
        if spec is not None and spec.gpu:
            return "full"
        from ..adapters.registry import declared

        return tier_of(declared(self.name))

    def estimate_cost(
        self, step: Step, profile: RenderProfile, rates: Rates, attempts: int = 1
    ) -> CostEstimate:
        """The backend's own figure when its code imports here (a hosted model's prices per
        image or per character), else its tool.yaml's cost hints (`seconds_per_step` at the
        device's rate plus `usd_per_step`), through `estimate`."""
        from ..adapters.registry import declared

        own = declared(self.name)
        if own is not None:
            return estimate_cost(own, step, profile, rates, attempts)
        return cost_of_estimate(self.estimate(step, profile), step, profile, rates, attempts)

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        """The backend's own estimate when it imports here (no model loads for it), else
        its tool.yaml's cost hints: a dry run never needs the tool to be up."""
        from ..adapters.registry import adapter_named

        try:
            return adapter_named(self.name).estimate(step, profile)
        except (ImportError, StageError):
            spec = load_tool_spec(self.tool).backend(self.name)
            if spec is None:
                return Estimate(time_s=0.0)
            return Estimate(time_s=spec.cost.seconds_per_step, cost_usd=spec.cost.usd_per_step)

    # ---------------------------------------------------------------- one step

    def _wait_for(
        self,
        call: Callable[[], Any],
        cancel: Any = None,
        down: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout),
    ) -> Any:
        """`call()`, again while the tool does not take the connection, up to `tool_wait_s`."""
        deadline = time.monotonic() + self.settings.tool_wait_s
        while True:
            try:
                return call()
            except down as exc:
                if cancel is not None and cancel.cancelled:
                    raise KeyboardInterrupt from None
                if time.monotonic() >= deadline:
                    raise TransientStageError(
                        f"{self.tool} at {self.url} does not answer "
                        f"({type(exc).__name__}; waited {self.settings.tool_wait_s:g} s)",
                        context={"tool": self.tool},
                    ) from None
                time.sleep(POLL_S)

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        request = job.workdir / "render-request.tar"
        members = {f"inputs/{i}": path for i, path in enumerate(job.inputs.values())}
        names = dict(zip(job.inputs, members, strict=True))
        document = {
            "backend": self.name,
            "run_id": job.context.run_id,
            "step": step.model_dump(mode="json"),
            "context": job.context.model_dump(mode="json"),
            "inputs": names,
            "upstream": {
                k: [a.model_dump(mode="json", exclude={"local_path"}) for a in refs]
                for k, refs in job.upstream.items()
            },
        }
        with request.open("wb") as fh:
            write_archive(fh, REQUEST, document, members)
        answer = self._send(request, job)
        try:
            with answer.open("rb") as fh:
                head, files = read_archive(fh, RESPONSE, job.workdir / "outputs", max_bytes=2**40)
        except WireError as exc:
            raise TransientStageError(
                f"{self.tool}: its answer is not a render archive: {exc}", step_id=step.id
            ) from None
        finally:
            answer.unlink(missing_ok=True)
        return self._outputs(head, files, step.id)

    def _send(self, request: Path, job: StepJob) -> Path:
        """POST /render from a worker thread, the answer streamed to a file, so a cancelled
        run stops waiting at once (the tool finishes the step it started; its answer is
        dropped). A connection the tool drops mid-step (it died) is a transient error:
        the engine's next attempt waits for `serve` to bring the tool back."""
        answer = job.workdir / "render-response.tar"
        done: Future[httpx.Response] = Future()
        client = self._client()

        def post() -> httpx.Response:
            headers = {"Content-Type": CONTENT_TYPE}
            with (
                request.open("rb") as body,
                client.stream("POST", "/render", content=body, headers=headers) as response,
            ):
                if response.status_code != 200:
                    response.read()
                    return response
                with answer.open("wb") as out:
                    for chunk in response.iter_bytes(1 << 20):
                        out.write(chunk)
            return response

        def work() -> None:
            try:
                done.set_result(self._wait_for(post, job.cancel))
            except BaseException as exc:  # handed to the waiting thread
                done.set_exception(exc)

        threading.Thread(target=work, name=f"render-{job.step.id}", daemon=True).start()
        try:
            while True:
                if job.cancel.cancelled:
                    raise KeyboardInterrupt(f"{job.step.id}: the run was cancelled")
                try:
                    response = done.result(timeout=POLL_S)
                    break
                except TimeoutError:
                    continue
                except httpx.TransportError as exc:
                    raise TransientStageError(
                        f"{self.tool} at {self.url} dropped the step ({type(exc).__name__}: "
                        f"{exc}); if it died, `serve` restarts it",
                        step_id=job.step.id,
                        context={"tool": self.tool},
                    ) from None
        finally:
            client.close()
        if response.status_code != 200:
            raise _error_of(response, self.tool, job.step.id)
        return answer

    def _outputs(self, head: dict[str, Any], files: dict[str, Path], step_id: str) -> list[Output]:
        if head.get("backend") != self.name or head.get("step_id") != step_id:
            raise PermanentStageError(
                f"{self.tool} answered for {head.get('backend')}/{head.get('step_id')}, "
                f"not {self.name}/{step_id}",
                step_id=step_id,
            )
        keyed = (self.version, self.model_id)
        rendered = (head.get("version"), head.get("model_id"))
        if rendered != keyed:
            with self._lock:
                self._info = None  # the next step is keyed with what the tool runs now
            raise PermanentStageError(
                f"{self.tool} rendered {step_id} with {self.name} {rendered[0]} "
                f"(model {rendered[1]}), but the step was keyed for {keyed[0]} (model "
                f"{keyed[1]}): the tool changed under the run; resume it to key it again",
                step_id=step_id,
            )
        produced = []
        for row in head.get("outputs") or []:
            path = files.get(str(row.get("member")))
            if path is None or sha256_file(path)[0] != row.get("sha256"):
                raise TransientStageError(
                    f"{self.tool}: output {row.get('name')!r} is missing or does not match "
                    "its checksum",
                    step_id=step_id,
                )
            produced.append(
                Output(
                    name=str(row["name"]),
                    data=path,
                    mime_type=row.get("mime_type"),
                    artifact_type=str(row.get("artifact_type") or "file"),
                    metadata=dict(row.get("metadata") or {}),
                )
            )
        return produced
