"""The processes of `sparkle-motion serve`: started, waited on until healthy, restarted when
one dies (with backoff and a log line), and all stopped together.

Each unit runs in a session (process group) of its own, so a terminal's Ctrl-C reaches
only `serve`, which then stops them in order; stopping a unit signals its whole group,
so a run the API started (a child of the API process) goes with it. Each is started
under Linux's parent-death signal, so a `serve` that is SIGKILLed leaves no unit behind.
Their output goes to `$SPARKLE_HOME/logs/serve/<unit>.log`.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from ..config import Settings
from ..errors import ConfigError
from ..subprocesses import dies_with_us
from .units import Unit

START_TIMEOUT_S = 60.0
STOP_GRACE_S = 10.0
BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
HEALTHY_RESET_S = 60.0  # up this long: the next death starts the backoff over


@dataclass
class Running:
    unit: Unit
    popen: subprocess.Popen[bytes]
    log: IO[bytes]
    started: float
    restarts: int = 0
    due: float | None = None  # when a dead unit is started again


class Supervisor:
    def __init__(
        self,
        units: list[Unit],
        settings: Settings,
        token: str,
        *,
        say: Callable[[str], None] = print,
        log_dir: Path | None = None,
    ) -> None:
        self.units, self.settings, self.token, self.say = units, settings, token, say
        self.log_dir = log_dir or Path(settings.home) / "logs" / "serve"
        self.running: dict[str, Running] = {}

    def log_file(self, unit: Unit) -> Path:
        return self.log_dir / f"{unit.name}.log"

    # ---------------------------------------------------------------- one unit

    def _spawn(self, unit: Unit) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_file(unit).open("ab")
        argv = [unit.python, "-m", "sparkle_motion.serving.child"]
        try:
            popen = subprocess.Popen(
                dies_with_us(argv, None),
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except BaseException:
            log.close()
            raise
        assert popen.stdin is not None
        with popen.stdin:
            pickle.dump((unit.name, unit.host, unit.port, self.settings, self.token), popen.stdin)
        return popen, log

    def healthy(self, unit: Unit, pid: int) -> bool:
        """`unit.url/health` answers, from process `pid` (not another server on the port)."""
        try:
            answer = httpx.get(f"{unit.url}/health", timeout=2.0, trust_env=False)
            return answer.status_code == 200 and answer.json().get("pid") == pid
        except (httpx.HTTPError, ValueError, AttributeError):
            return False

    def _tail(self, unit: Unit, lines: int = 12) -> str:
        try:
            text = self.log_file(unit).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _wait_healthy(self, running: Running) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        unit = running.unit
        while not self.healthy(unit, running.popen.pid):
            if running.popen.poll() is not None:
                raise ConfigError(
                    f"{unit.name} exited with code {running.popen.returncode} while starting "
                    f"(its log, {self.log_file(unit)}):\n{self._tail(unit)}"
                )
            if time.monotonic() > deadline:
                raise ConfigError(
                    f"{unit.name} did not answer {unit.url}/health within "
                    f"{START_TIMEOUT_S:g} s (its log: {self.log_file(unit)})"
                )
            time.sleep(0.1)

    # ---------------------------------------------------------------- all units

    def start(self) -> None:
        """Start every unit and wait until each answers /health; on any failure the ones
        started are stopped and the ConfigError names the unit and its log."""
        try:
            for unit in self.units:
                popen, log = self._spawn(unit)
                running = Running(unit, popen, log, time.monotonic())
                self.running[unit.name] = running
                self._wait_healthy(running)
        except BaseException:
            self.stop()
            raise

    def tick(self) -> None:
        """One round of watching: restart what died, once its backoff has passed."""
        now = time.monotonic()
        for running in self.running.values():
            unit = running.unit
            if running.due is None:
                code = running.popen.poll()
                if code is None:
                    continue
                up = now - running.started
                if up > HEALTHY_RESET_S:
                    running.restarts = 0
                delay = BACKOFF_S[min(running.restarts, len(BACKOFF_S) - 1)]
                running.due = now + delay
                self.say(
                    f"{unit.name} exited with code {code} after {up:.0f} s; restarting in "
                    f"{delay:g} s (log: {self.log_file(unit)})"
                )
                _signal_group(running.popen, signal.SIGKILL)  # what it left behind
                running.log.close()
            elif now >= running.due:
                running.popen, running.log = self._spawn(unit)
                running.started, running.due = now, None
                running.restarts += 1
                self.say(f"{unit.name} restarted (pid {running.popen.pid})")

    def serve_forever(self, poll_s: float = 0.5) -> None:
        while True:
            self.tick()
            time.sleep(poll_s)

    def stop(self) -> None:
        """SIGTERM to every unit's process group (the API first: its runs stop before the
        tools they call), then SIGKILL to whatever is left after the grace period. A second
        Ctrl-C or SIGTERM meanwhile does not cut it short."""
        with _signals_held():
            self._stop()

    def _stop(self) -> None:
        alive = [r for r in self.running.values() if r.popen.poll() is None]
        for running in alive:
            _signal_group(running.popen, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for running in alive:
            with contextlib.suppress(subprocess.TimeoutExpired):
                running.popen.wait(max(0.0, deadline - time.monotonic()))
        for running in self.running.values():
            _signal_group(running.popen, signal.SIGKILL)  # stragglers, and their children
            with contextlib.suppress(subprocess.TimeoutExpired):
                running.popen.wait(5)
            running.log.close()

    def pids(self) -> dict[str, int]:
        return {name: r.popen.pid for name, r in self.running.items()}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM ignored inside (only the main thread can change handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def _signal_group(popen: subprocess.Popen[bytes], sig: int) -> None:
    """Signal the unit's process group (its session: the unit and its children)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(popen.pid, sig)
