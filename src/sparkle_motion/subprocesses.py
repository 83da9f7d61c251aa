"""run_command: the one way this project starts a subprocess (ffmpeg, espeak-ng, ...).

It captures stdout and stderr, enforces a timeout, and always tears down the whole process
group (the child runs in a session of its own, so a shell or an ffmpeg that forks helpers
leaves nothing behind), also when the caller is interrupted. Failures are typed:

- the binary is missing                  -> MissingDependencyError
- it ran past `timeout_s`                -> StageTimeoutError (transient: `retries` more tries)
- it exited non-zero or died of a signal -> CommandError, with the command and stderr's tail

A message says what failed in a few hundred characters: the step, the binary, its exit
status, the command cut short (an assemble command is 5 KB of filter graph), and the last
few meaningful lines of stderr. The full argv is in every error's context (`command`), so
the step record keeps it; with `log_dir`, a failure also writes the full command and the
whole stderr to a log file there, and the message names that file.
A command runs under a CancelToken (one per run; see "Interrupts" below): cancelling the
token kills it and makes `run_command` raise KeyboardInterrupt.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import CommandError, MissingDependencyError, StageTimeoutError

STDERR_TAIL_CHARS = 2000
# what a failure's message shows: the command cut to BRIEF_CHARS, and the last TAIL_LINES
# meaningful stderr lines, each cut to TAIL_LINE_CHARS (ffmpeg echoes a bad filter graph)
BRIEF_CHARS = 100
TAIL_LINES = 4
TAIL_LINE_CHARS = 160
LOG_STDERR_CHARS = 1_000_000  # a failure log keeps this much of stderr's end


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
# reach it. A run cancels through its CancelToken instead: every live command started under
# the token has its process group killed and its `run_command` raises KeyboardInterrupt, and
# no new command starts under that token until it is reset. Tokens are per run, so stopping
# one run in a process (the HTTP server runs several) leaves the others' commands alone.
#
#   run_token(run_id)      the run's token in this process, created on first use
#   cancel_run(run_id)     cancel it (a stop, a cancelled graph node)
#   reset_cancel(run_id)   clear it (plan intake, a resume); no run_id: the default token
#   cancel_all()           cancel every token of the process (an interpreter-wide Ctrl-C)
#
# Callers that pass no token share the process's default token, as before.
POLL_S = 0.2


class CancelToken:
    """One run's interrupt: a flag plus the process groups of the commands started under it."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name
        self._event = threading.Event()
        self._live: set[int] = set()
        self._lock = threading.RLock()  # cancel() may run in a signal handler
        with _TOKENS_LOCK:
            _TOKENS.add(self)

    def __repr__(self) -> str:
        state = "cancelled" if self.cancelled else "live"
        return f"CancelToken({self.name!r}, {state}, {self.running} command(s))"

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    @property
    def running(self) -> int:
        """How many commands started under this token are alive."""
        with self._lock:
            return len(self._live)

    def cancel(self) -> None:
        """Refuse new commands and kill the process group of every live one."""
        self._event.set()
        with self._lock:
            groups = list(self._live)
        for pgid in groups:
            _kill_rest(pgid)

    def reset(self) -> None:
        """Accept commands again (a new run or a resume under the same token)."""
        self._event.clear()

    def _track(self, pgid: int) -> None:
        with self._lock:
            self._live.add(pgid)

    def _untrack(self, pgid: int) -> None:
        with self._lock:
            self._live.discard(pgid)


_TOKENS: weakref.WeakSet[CancelToken] = weakref.WeakSet()  # every token alive in the process
_TOKENS_LOCK = threading.RLock()  # cancel_all() may run in a signal handler
_DEFAULT = CancelToken("default")
_RUNS: dict[str, CancelToken] = {}
_RUNS_LOCK = threading.Lock()


def default_token() -> CancelToken:
    """The token of callers that pass none."""
    return _DEFAULT


def run_token(run_id: str) -> CancelToken:
    """The token of `run_id` in this process (one per run id, created on first use)."""
    with _RUNS_LOCK:
        token = _RUNS.get(run_id)
        if token is None:
            token = _RUNS[run_id] = CancelToken(run_id)
        return token


def cancel_run(run_id: str) -> None:
    """Cancel `run_id`'s commands. A run not seen yet gets a cancelled token, so a stop
    that arrives before the run's first command still stops it (until reset_cancel)."""
    run_token(run_id).cancel()


def forget_run(run_id: str) -> None:
    """Drop the run's token from the registry (its work in this process has ended); a
    later run_token(run_id) makes a fresh one. Holders of the old token keep it."""
    with _RUNS_LOCK:
        _RUNS.pop(run_id, None)


def cancel_all() -> None:
    """Cancel every token of the process: the default, each run's, any other. Tokens made
    afterwards start uncancelled."""
    with _TOKENS_LOCK:
        tokens = list(_TOKENS)
    for token in tokens:
        token.cancel()


def reset_cancel(run_id: str | None = None) -> None:
    """Clear `run_id`'s token (no-op if it has none), or the default token."""
    if run_id is None:
        _DEFAULT.reset()
        return
    with _RUNS_LOCK:
        token = _RUNS.get(run_id)
    if token is not None:
        token.reset()


def cancelled(run_id: str | None = None) -> bool:
    """Whether `run_id`'s token (or the default token) is cancelled."""
    if run_id is None:
        return _DEFAULT.cancelled
    with _RUNS_LOCK:
        token = _RUNS.get(run_id)
    return token is not None and token.cancelled


def _wait(
    proc: subprocess.Popen[bytes], stdin: bytes | None, deadline: float, cancel: CancelToken
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
            if cancel.cancelled:
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


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_PROGRESS = re.compile(r"^(frame|size)=\s*\S|^Press \[q\]")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def brief_command(argv: Sequence[str], limit: int = BRIEF_CHARS) -> str:
    """The command for a message: the binary's name and its arguments on one line, cut
    at `limit` characters with how long the whole one is."""
    shown = _CONTROL.sub(" ", shlex.join([Path(argv[0]).name, *argv[1:]]))
    if len(shown) <= limit:
        return shown
    full = len(shlex.join(argv))
    return f"{_cut(shown, limit)} ({len(argv)} args, {full} chars)"


def stderr_tail(stderr: str, lines: int = TAIL_LINES, width: int = TAIL_LINE_CHARS) -> list[str]:
    """The last `lines` meaningful lines of stderr: blank lines, progress lines (ffmpeg's
    `frame=`) and repeats dropped, control characters removed, each cut to `width`."""
    kept: list[str] = []
    for raw in re.split(r"[\r\n]+", stderr):
        line = _CONTROL.sub(" ", raw).strip()
        if not line or _PROGRESS.match(line) or (kept and kept[-1] == line):
            continue
        kept.append(line)
    return [_cut(line, width) for line in kept[-lines:]]


def _write_log(
    log_dir: str | os.PathLike[str],
    label: str,
    what: str,
    argv: list[str],
    cwd: str | None,
    stdout: str,
    stderr: str,
) -> Path:
    """A failure's full command and stderr in a new file under `log_dir`."""
    folder = Path(log_dir)
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", label)[:64] or "command"
    stamp = time.strftime("%Y%m%dT%H%M%S")
    fd, name = tempfile.mkstemp(prefix=f"{safe}-{stamp}-", suffix=".log", dir=folder)
    cut = len(stderr) > LOG_STDERR_CHARS
    body = (
        f"# {what}\n# cwd: {cwd or os.getcwd()}\n# command ({len(argv)} args):\n"
        f"{shlex.join(argv)}\n"
        f"# stderr{' (last ' + str(LOG_STDERR_CHARS) + ' characters)' if cut else ''}:\n"
        f"{stderr[-LOG_STDERR_CHARS:]}\n# stdout (last 10000 characters):\n{stdout[-10000:]}\n"
    )
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as f:
        f.write(body)
    return Path(name)


def _failure(
    what: str,
    argv: list[str],
    *,
    step_id: str | None,
    cwd: str | None,
    stdout: str,
    stderr: str,
    log_dir: str | os.PathLike[str] | None,
) -> tuple[str, dict[str, object]]:
    """A failure's message (what failed, the command cut short, where the full one is,
    stderr's last meaningful lines) and the context entries it adds."""
    who = f"{step_id}: " if step_id else ""
    extra: dict[str, object] = {}
    where = "full command in the " + ("step's error record" if step_id else "error's context")
    if log_dir is not None:
        try:
            log = _write_log(
                log_dir, step_id or Path(argv[0]).name, what, argv, cwd, stdout, stderr
            )
        except OSError as exc:
            where += f" (log not written: {exc.strerror or exc})"
        else:
            extra["log"] = str(log)
            where = f"full command and stderr in {log}"
    head = f"{who}{what}: {brief_command(argv)}; {where}"
    tail = stderr_tail(stderr)
    return head + "".join(f"\n  {line}" for line in tail), extra


# --------------------------------------------------------------------------- process identity
# (the run lock, the scratch sweep and the GPU lease tell a live holder from a dead one)


def process_started(pid: int) -> int | None:
    """A process's start time in clock ticks since boot (`/proc/<pid>/stat` field 22, Linux),
    else None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    try:  # the command name (field 2) may hold spaces or parentheses: split after it
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (IndexError, ValueError):
        return None


def pid_alive(pid: int, started: int | None = None) -> bool:
    """`pid` exists on this host and, when `started` is known, is still the process that
    recorded it (a reused pid has another start time)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if started is None:
        return True
    now = process_started(pid)
    return now is None or now == started


def dies_with_us(argv: list[str], env: Mapping[str, str] | None) -> list[str]:
    """The command, started so that the kernel kills it when this process dies (Linux's
    parent-death signal, set by util-linux's `setpriv` before it execs the command): a
    SIGKILLed run leaves no ffmpeg rendering on. Each command still runs in a session of
    its own, so a terminal's Ctrl-C reaches it only through the run's cancel token. A
    missing binary is still FileNotFoundError, found here before setpriv runs."""
    setpriv = _SETPRIV
    if setpriv is None:
        return argv
    if os.sep in argv[0]:  # a path: as the OS would judge it
        if not os.path.exists(argv[0]):
            raise FileNotFoundError(argv[0])
        if os.path.isdir(argv[0]) or not os.access(argv[0], os.X_OK):
            raise PermissionError(f"[Errno 13] Permission denied: {argv[0]!r}")
        found: str | None = argv[0]
    else:
        found = shutil.which(argv[0], path=(env or os.environ).get("PATH"))
    if found is None:
        raise FileNotFoundError(argv[0])
    return [setpriv, "--pdeathsig", "KILL", "--", found, *argv[1:]]


_SETPRIV = shutil.which("setpriv") if sys.platform.startswith("linux") else None


def run_command(
    cmd: Sequence[str | os.PathLike[str]],
    cwd: str | os.PathLike[str] | None = None,
    timeout_s: float = 600.0,
    retries: int = 0,
    *,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    step_id: str | None = None,
    cancel: CancelToken | None = None,
    log_dir: str | os.PathLike[str] | None = None,
) -> CommandResult:
    """Run `cmd` (an argv list, never a shell string) and return its captured output.
    `cancel` is the run's token (default: the process's default token); once it is
    cancelled the command is killed and this raises KeyboardInterrupt. With `log_dir`, a
    failure or a timeout writes the full command and stderr to a file there."""
    token = cancel if cancel is not None else _DEFAULT
    argv = [os.fspath(c) for c in cmd]
    if not argv:
        raise ValueError("run_command needs a non-empty argv")
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
    shown = brief_command(argv)
    who = f"{step_id}: " if step_id else ""
    if cwd is not None and not Path(cwd).is_dir():
        raise CommandError(
            f"{who}working folder {os.fspath(cwd)} does not exist (running: {shown})",
            step_id=step_id,
        )
    cwd_s = os.fspath(cwd) if cwd else None
    context = {"command": argv, "cwd": cwd_s}
    attempts = 0
    while True:
        if token.cancelled:
            raise KeyboardInterrupt(f"{who}cancelled before running: {shown}")
        attempts += 1
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                dies_with_us(argv, env),
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError as exc:
            raise MissingDependencyError(
                f"{who}{argv[0]!r} is not installed or not on PATH",
                step_id=step_id,
                context=context,
            ) from exc
        except PermissionError as exc:
            raise CommandError(
                f"{who}cannot execute {argv[0]!r}: {exc} (running: {shown})",
                step_id=step_id,
                context=context,
            ) from exc
        token._track(proc.pid)
        try:
            out, err = _wait(proc, stdin, started + timeout_s, token)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            late_out, late_err = proc.communicate()
            if attempts <= retries:
                continue
            message, extra = _failure(
                f"{Path(argv[0]).name} timed out after {timeout_s:g} s"
                + (f" ({attempts} attempts)" if attempts > 1 else ""),
                argv,
                step_id=step_id,
                cwd=cwd_s,
                stdout=(late_out or b"").decode("utf-8", "replace"),
                stderr=(late_err or b"").decode("utf-8", "replace"),
                log_dir=log_dir,
            )
            raise StageTimeoutError(
                message,
                step_id=step_id,
                context={**context, "timeout_s": timeout_s, "attempts": attempts, **extra},
            ) from None
        except BaseException:  # interrupted (Ctrl-C, a stop): take the children down with us
            _kill_group(proc)
            raise
        finally:
            token._untrack(proc.pid)
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
        if proc.returncode != 0 and token.cancelled:  # killed by a cancel, not a failure
            raise KeyboardInterrupt(f"{who}cancelled: {shown}")
        if proc.returncode != 0:
            message, extra = _failure(
                f"{Path(argv[0]).name} {_describe_exit(proc.returncode)}",
                argv,
                step_id=step_id,
                cwd=cwd_s,
                stdout=result.stdout,
                stderr=result.stderr,
                log_dir=log_dir,
            )
            raise CommandError(
                message,
                step_id=step_id,
                context={
                    **context,
                    "returncode": proc.returncode,
                    "stderr_tail": result.stderr.strip()[-STDERR_TAIL_CHARS:],
                    **extra,
                },
            )
        return result
