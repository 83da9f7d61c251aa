"""A backend whose code lives in its tool's own environment (wav2lip: the lipsync package,
in .venv-lipsync) and a process that renders a stage itself (`sparkle-motion run`, no
`serve`): its tool is started on demand from that environment, on a free 127.0.0.1 port,
and reached over HTTP like a served tool. It is started once and stays up for the rest of
the process (the model stays loaded between steps and runs); it is stopped at exit, and
killed with the process if that dies (Linux's parent-death signal). Its output goes to
`$SPARKLE_HOME/logs/on-demand/<tool>.log`.

Nothing starts when the backend's module imports here (the tool's code runs in process),
when the tool's environment does not exist (the adapter then names the make target), or
when the catalog already places the backend in a served or remote tool.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import pickle
import socket
import subprocess
import threading
import time

import httpx

from ..adapters.base import Adapter, Estimate, Output, StepJob
from ..config import Settings
from ..errors import TransientStageError
from ..schemas import RenderProfile, Step
from ..subprocesses import dies_with_us
from .tool_specs import load_tool_spec
from .where import Placement, tool_of_backend, tool_python

_STARTED: dict[str, tuple[subprocess.Popen[bytes], str]] = {}  # tool -> (process, url)
_LOCK = threading.Lock()


def needs_own_environment(backend: str, settings: Settings) -> str | None:
    """The tool to start for `backend`, or None when it runs here (or cannot be started)."""
    tool = tool_of_backend().get(backend)
    if tool is None:
        return None
    spec = next(b for b in load_tool_spec(tool).backends if b.name == backend)
    if spec.needs is None or _importable(spec.needs):
        return None
    return tool if tool_python(settings, tool).exists() else None


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:  # in sys.modules without a spec (a stand-in): it imports
        return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str, pid: int) -> bool:
    try:
        answer = httpx.get(f"{url}/health", timeout=2.0, trust_env=False)
        return answer.status_code == 200 and answer.json().get("pid") == pid
    except (httpx.HTTPError, ValueError, AttributeError):
        return False


def tool_url(tool: str, settings: Settings, token: str) -> str:
    """The URL of `tool` running from its own environment, started now if it is not up."""
    with _LOCK:
        running = _STARTED.get(tool)
        if running is not None and running[0].poll() is None:
            return running[1]
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        logs = settings.home / "logs" / "on-demand"
        logs.mkdir(parents=True, exist_ok=True)
        log_path = logs / f"{tool}.log"
        argv = [str(tool_python(settings, tool)), "-m", "sparkle_motion.serving.child"]
        with log_path.open("ab") as log:
            popen = subprocess.Popen(
                dies_with_us(argv, None),
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert popen.stdin is not None
        with popen.stdin:
            pickle.dump((tool, "127.0.0.1", port, settings, token), popen.stdin)
        deadline = time.monotonic() + max(settings.tool_wait_s, 30.0)
        while not _healthy(url, popen.pid):
            if popen.poll() is not None or time.monotonic() > deadline:
                _stop(popen)
                tail = log_path.read_text(errors="replace").splitlines()[-8:]
                raise TransientStageError(
                    f"{tool}: its own environment's process did not start (its log, "
                    f"{log_path}):\n" + "\n".join(tail),
                    context={"tool": tool},
                )
            time.sleep(0.2)
        _STARTED[tool] = (popen, url)
        return url


def _stop(popen: subprocess.Popen[bytes]) -> None:
    if popen.poll() is None:
        popen.terminate()
        try:
            popen.wait(10)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(5)


@atexit.register
def stop_all() -> None:
    """Stop every tool this process started (at exit)."""
    with _LOCK:
        started = list(_STARTED.values())
        _STARTED.clear()
    for popen, _url in started:
        with contextlib.suppress(OSError):
            _stop(popen)


class OnDemand:
    """The adapter of such a backend: what a step key and a dry run need (name, version,
    model id, estimate, the weights check) from its code here, which does not need the
    environment; rendering (and `served_by`) from its tool, started on first use."""

    def __init__(self, local: Adapter, tool: str, settings: Settings, token: str) -> None:
        self.local, self.tool, self.settings, self.token = local, tool, settings, token
        self.name = local.name
        self._remote: Adapter | None = None
        self._url: str | None = None
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        return self.local.version

    @property
    def model_id(self) -> str | None:
        return self.local.model_id

    def remote(self) -> Adapter:
        """The transport to the tool, started (again, when it died) as needed."""
        from .remote import RemoteAdapter

        with self._lock:
            url = tool_url(self.tool, self.settings, self.token)
            if self._remote is None or self._url != url:
                self._remote = RemoteAdapter(
                    Placement(self.name, self.tool, url), self.settings, self.token
                )
                self._url = url
            return self._remote

    @property
    def served_by(self) -> str | None:
        """Where it rendered, once it has (asking starts nothing: the run's outputs say it)."""
        return getattr(self._remote, "served_by", None) if self._remote is not None else None

    def preflight(self, profile: RenderProfile) -> None:
        check = getattr(self.local, "check_weights", None)
        if callable(check):
            check(profile)

    def run(self, job: StepJob) -> list[Output]:
        remote = self.remote()
        served = getattr(remote, "served_by", None)
        return [  # the step record's served_by: the tool this process started
            Output(
                o.name, o.data, o.mime_type, o.artifact_type, {**o.metadata, "served_by": served}
            )
            for o in remote.run(job)
        ]

    def unload(self) -> None:
        if self._remote is not None:
            unload = getattr(self._remote, "unload", None)
            if callable(unload):
                unload()

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        return self.local.estimate(step, profile)
