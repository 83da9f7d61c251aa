"""run_command: the one way this project starts a subprocess (ffmpeg, espeak-ng, ...).

It captures stdout and stderr, enforces a timeout, and always tears down the whole process
group (the child runs in a session of its own, so a shell or an ffmpeg that forks helpers
leaves nothing behind), also when the caller is interrupted. Failures are typed:

- the binary is missing                  -> MissingDependencyError
- it ran past `timeout_s`                -> StageTimeoutError (transient: `retries` more tries)
- it exited non-zero or died of a signal -> CommandError, with the command and stderr's tail

Every error's context carries `command` (the argv) so a step record names what failed.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import CommandError, MissingDependencyError, StageTimeoutError

STDERR_TAIL_CHARS = 2000


@dataclass(frozen=True)
class CommandResult:
    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    duration_s: float
    attempts: int

    def log(self) -> dict[str, object]:
        """What goes into an artifact's metadata: the command and its output, trimmed."""
        return {
            "command": shlex.join(self.command),
            "returncode": self.returncode,
            "duration_s": round(self.duration_s, 3),
            "stderr_tail": self.stderr[-STDERR_TAIL_CHARS:],
        }


# Interrupts. Each command runs in a session of its own, so a terminal's Ctrl-C does not
# reach it; the CLI (or the graph node) calls `cancel_all()` instead: every live command's
# process group is killed and its `run_command` raises KeyboardInterrupt, and no new one
# starts until `reset_cancel()` (plan intake of the next run).
_CANCEL = threading.Event()
_LIVE: set[int] = set()
_LIVE_LOCK = threading.Lock()
POLL_S = 0.2


def cancel_all() -> None:
    _CANCEL.set()
    with _LIVE_LOCK:
        groups = list(_LIVE)
    for pgid in groups:
        _kill_rest(pgid)


def reset_cancel() -> None:
    _CANCEL.clear()


def cancelled() -> bool:
    return _CANCEL.is_set()


def _wait(
    proc: subprocess.Popen[bytes], stdin: bytes | None, deadline: float
) -> tuple[bytes, bytes]:
    """communicate(), in slices: a cancel or the deadline is noticed within POLL_S."""
    first = True
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise subprocess.TimeoutExpired(proc.args, 0)
        try:
            return proc.communicate(input=stdin if first else None, timeout=min(POLL_S, remaining))
        except subprocess.TimeoutExpired:
            first = False
            if _CANCEL.is_set():
                raise KeyboardInterrupt("cancelled") from None


def _kill_rest(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _kill_group(proc: subprocess.Popen[bytes], grace_s: float = 2.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left; reap the child."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        try:
            proc.wait(timeout=grace_s)
            break
        except subprocess.TimeoutExpired:
            continue
    _kill_rest(proc.pid)  # members of the group may outlive the leader
    if proc.poll() is None:
        proc.wait()


def _describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


def run_command(
    cmd: Sequence[str | os.PathLike[str]],
    cwd: str | os.PathLike[str] | None = None,
    timeout_s: float = 600.0,
    retries: int = 0,
    *,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    step_id: str | None = None,
) -> CommandResult:
    """Run `cmd` (an argv list, never a shell string) and return its captured output."""
    argv = [os.fspath(c) for c in cmd]
    if not argv:
        raise ValueError("run_command needs a non-empty argv")
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
    shown = shlex.join(argv)
    who = f"{step_id}: " if step_id else ""
    if cwd is not None and not Path(cwd).is_dir():
        raise CommandError(
            f"{who}working folder {os.fspath(cwd)} does not exist (running: {shown})",
            step_id=step_id,
        )
    context = {"command": argv, "cwd": os.fspath(cwd) if cwd else None}
    attempts = 0
    while True:
        if _CANCEL.is_set():
            raise KeyboardInterrupt(f"{who}cancelled before running: {shown}")
        attempts += 1
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError as exc:
            raise MissingDependencyError(
                f"{who}{argv[0]!r} is not installed or not on PATH (running: {shown})",
                step_id=step_id,
                context=context,
            ) from exc
        except PermissionError as exc:
            raise CommandError(
                f"{who}cannot execute {argv[0]!r}: {exc} (running: {shown})",
                step_id=step_id,
                context=context,
            ) from exc
        with _LIVE_LOCK:
            _LIVE.add(proc.pid)
        try:
            out, err = _wait(proc, stdin, started + timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.communicate()
            if attempts <= retries:
                continue
            raise StageTimeoutError(
                f"{who}command timed out after {timeout_s:g} s: {shown}",
                step_id=step_id,
                context={**context, "timeout_s": timeout_s, "attempts": attempts},
            ) from None
        except BaseException:  # interrupted (Ctrl-C, a stop): take the children down with us
            _kill_group(proc)
            raise
        finally:
            with _LIVE_LOCK:
                _LIVE.discard(proc.pid)
            if proc.poll() is not None:
                _kill_rest(proc.pid)  # a forked helper may still hold the group
        result = CommandResult(
            command=argv,
            returncode=proc.returncode,
            stdout=out.decode("utf-8", "replace"),
            stderr=err.decode("utf-8", "replace"),
            duration_s=time.monotonic() - started,
            attempts=attempts,
        )
        if proc.returncode != 0 and _CANCEL.is_set():  # killed by cancel_all, not a failure
            raise KeyboardInterrupt(f"{who}cancelled: {shown}")
        if proc.returncode != 0:
            tail = result.stderr.strip()[-STDERR_TAIL_CHARS:]
            raise CommandError(
                f"{who}{Path(argv[0]).name} {_describe_exit(proc.returncode)}: {shown}"
                + (f"\n{tail}" if tail else ""),
                step_id=step_id,
                context={**context, "returncode": proc.returncode, "stderr_tail": tail},
            )
        return result
