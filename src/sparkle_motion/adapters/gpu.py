"""The GPU lease: one holder per host and device, so the tool processes share one GPU.

A tool takes the lease before it loads a model and gives it back when it is told the stage
is over (`POST /release` calls `GpuLease.release(stage)`). The lease is a host-local lock
file, `<root>/gpu-<device>.lease` (root: `$SPARKLE_HOME/locks`), holding JSON:

    {"device": "cuda:0",
     "holder": {"pid", "started", "host", "stage", "since", "heartbeat_at", "token"} | null,
     "waiters": [{"pid", "started", "host", "stage", "order", "since", "seen_at", "token"}]}

(`started`: the process start time, `/proc/<pid>/stat` field 22, so a reused pid is told
from its first owner; times are wall-clock seconds; no secrets.) Every read-modify-write
happens under `fcntl.flock` on a sidecar `<lease>.lock` and replaces the file whole
(temp + rename), so nobody ever reads half a file.

- `acquire(stage)` takes the lease when it is free, or takes it over when its holder is
  gone (on this host: the pid is not alive, or is another process now). It waits while a
  live holder's heartbeat is fresh, and fails only when that heartbeat is older than
  `ttl_s` (the holder hangs: `GpuLeaseError`, naming it and what to do) or when
  `timeout_s` runs out (`GpuLeaseTimeoutError`, naming it too).
- Re-entrant: the process holding it for a stage gets it again at once for that stage
  (a count: the lease frees on the last `Lease.release()`, or at once on
  `GpuLease.release(stage)`). The same process asking for another stage waits like anyone.
- Order: a waiter writes itself into `waiters` with its stage-table index and refreshes
  that entry each poll (an entry whose process is gone, or that went unrefreshed for
  `ttl_s`, is dropped). When the lease is free, only the waiter (or newcomer) with the
  lowest index, then the earliest, takes it; the others keep waiting. So when two GPU
  stages of one run ask at once, they get it in stage-table order. Stages outside the
  table queue after those in it.
- While it holds, a daemon thread refreshes `heartbeat_at` every `ttl_s / 4`. A release
  frees the lease only when the file still names this hold (compare-and-set on its
  token) and stops the beat; a beat that finds another holder marks the hold lost and
  stops. An atexit hook releases whatever the process still holds on a normal exit.

The lease is per state home: processes sharing one GPU must share `SPARKLE_HOME` (or pass
the same `root`).
"""

from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import get_settings
from ..errors import GpuLeaseError, GpuLeaseTimeoutError
from ..stages import STAGES
from ..subprocesses import pid_alive, process_started

log = logging.getLogger(__name__)

_DEVICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
_STAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_HOST = socket.gethostname()


def stage_order(stage: str) -> int:
    """The stage's index in the stage table; stages outside it come after every one in it."""
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def _ago(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 120:
        return f"{seconds:.1f}s"
    if seconds < 7200:
        return f"{seconds / 60:.1f}min"
    return f"{seconds / 3600:.1f}h"


def _describe(rec: dict[str, Any], now: float) -> str:
    """'pid 123 on host for stage 'video' since 4.0s (heartbeat 0.5s ago)'."""
    text = f"pid {rec.get('pid')} on {rec.get('host')} for stage {rec.get('stage')!r}"
    if isinstance(rec.get("since"), int | float):
        text += f" since {_ago(now - rec['since'])}"
    if isinstance(rec.get("heartbeat_at"), int | float):
        text += f" (heartbeat {_ago(now - rec['heartbeat_at'])} ago)"
    return text


# --------------------------------------------------------------------------- holds


@dataclass
class _Hold:
    """This process's hold of one lease file for one stage (shared by re-entrant Leases)."""

    owner: GpuLease
    stage: str
    token: str
    since: float
    count: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    lost: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (str(self.owner.path), self.stage)


_HELD: dict[tuple[str, str], _Hold] = {}  # (lease file, stage) -> hold
_HELD_LOCK = threading.RLock()


@atexit.register
def _release_all() -> None:
    """On a normal exit: give back every lease this process still holds."""
    with _HELD_LOCK:
        holds = list(_HELD.values())
    for hold in holds:
        with suppress(
            OSError, GpuLeaseError
        ):  # best effort: a dead pid frees it for the next waiter anyway
            hold.owner._free(hold)


class Lease:
    """One acquisition: `release()` gives it back (once); a context manager."""

    def __init__(self, hold: _Hold) -> None:
        self._hold = hold
        self._released = False
        self.device = hold.owner.device
        self.stage = hold.stage
        self.since = hold.since
        self.pid = os.getpid()

    @property
    def held(self) -> bool:
        """Not released by this handle, and the process still holds the lease for it."""
        return (
            not self._released and not self._hold.lost and _HELD.get(self._hold.key) is self._hold
        )

    def release(self) -> bool:
        """Give this acquisition back; the lease frees when the last one of this process and
        stage is given back. False when already released or lost (someone took it over)."""
        if self._released:
            return False
        self._released = True
        return self._hold.owner._drop(self._hold, everything=False)

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Lease(device={self.device!r}, stage={self.stage!r}, held={self.held})"


class GpuLease:
    """The lease of one GPU `device` on this host, under `root` (default
    `$SPARKLE_HOME/locks`). `ttl_s` (default: the `gpu_lease_ttl_s` setting) is how old a
    live holder's heartbeat may grow before a waiter calls it hung; `poll_s` how often a
    waiter looks again."""

    def __init__(
        self,
        device: str = "cuda:0",
        *,
        root: Path | None = None,
        ttl_s: float | None = None,
        poll_s: float = 0.2,
    ) -> None:
        if not _DEVICE.fullmatch(device):
            raise ValueError(f"device: letters, digits and _.:- (e.g. cuda:0), got {device!r}")
        ttl = get_settings().gpu_lease_ttl_s if ttl_s is None else float(ttl_s)
        if not ttl > 0:
            raise ValueError(f"ttl_s must be > 0, got {ttl_s!r}")
        if not 0 < poll_s < ttl:
            raise ValueError(f"poll_s must be > 0 and below ttl_s ({ttl}), got {poll_s!r}")
        self.device = device
        self.root = Path(root) if root is not None else get_settings().home / "locks"
        self.ttl_s = ttl
        self.poll_s = float(poll_s)
        self.path = self.root / f"gpu-{device}.lease"
        self.lock_path = self.root / f"gpu-{device}.lease.lock"

    def __repr__(self) -> str:
        return f"GpuLease({self.device!r}, root={str(self.root)!r}, ttl_s={self.ttl_s})"

    # ------------------------------------------------------------------ public

    def acquire(self, stage: str, *, timeout_s: float | None = None) -> Lease:
        """Take the lease for `stage`, waiting while a live holder's heartbeat is fresh.
        GpuLeaseError when the holder lives but its heartbeat is stale; GpuLeaseTimeoutError
        after `timeout_s` (None: wait as long as the holder beats)."""
        if not _STAGE.fullmatch(stage):
            raise ValueError(f"stage: a stage name such as 'video', got {stage!r}")
        if timeout_s is not None and not timeout_s >= 0:
            raise ValueError(f"timeout_s must be >= 0 or None, got {timeout_s!r}")
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        waiter: dict[str, Any] = {
            **_me(),
            "stage": stage,
            "order": stage_order(stage),
            "since": time.time(),
            "token": uuid.uuid4().hex,
        }
        try:
            while True:
                lease = self._try(waiter, timeout_s, deadline)
                if lease is not None:
                    return lease
                left = None if deadline is None else deadline - time.monotonic()
                time.sleep(self.poll_s if left is None else max(0.0, min(self.poll_s, left)))
        except BaseException:
            self._forget_waiter(waiter["token"])
            raise

    def hold(self, stage: str, *, timeout_s: float | None = None) -> Lease:
        """`with gpu.hold("video"): ...`: acquire now, release when the block ends."""
        return self.acquire(stage, timeout_s=timeout_s)

    def release(self, stage: str | None = None) -> bool:
        """The stage is over (`POST /release`): give back what this process holds here for
        `stage` (any stage when None), however often it was acquired. Only our own hold is
        freed (compare-and-set); False when this process held nothing here."""
        with _HELD_LOCK:
            holds = [
                h
                for (path, s), h in _HELD.items()
                if path == str(self.path) and (stage is None or s == stage)
            ]
        freed = False
        for hold in holds:
            freed = self._drop(hold, everything=True) or freed
        return freed

    def state(self) -> dict[str, Any]:
        """The lease file as it stands (holder, waiters), read under the lock."""
        with self._locked():
            return self._read()

    # ------------------------------------------------------------------ one look

    def _try(
        self, waiter: dict[str, Any], timeout_s: float | None, deadline: float | None
    ) -> Lease | None:
        """One look under the lock: take the lease, queue (None), or raise."""
        stage, token = waiter["stage"], waiter["token"]
        with _HELD_LOCK, self._locked():
            state = self._read()
            now = time.time()
            self._prune(state, now)
            holder = state["holder"]
            if holder is not None and _is_me(holder) and holder.get("stage") == stage:
                return self._reenter(state, holder, token)
            if holder is None and self._first_in_line(state, waiter):
                return self._take(state, waiter, now)
            if holder is not None and now - float(holder.get("heartbeat_at") or 0) > self.ttl_s:
                self._write(state)  # pruned; the caller then drops our own entry
                raise self._stale_error(holder, stage, now)
            if deadline is not None and time.monotonic() >= deadline:
                self._write(state)
                raise self._timeout_error(state, stage, timeout_s, now)
            entry = {**waiter, "seen_at": now}
            state["waiters"] = [w for w in state["waiters"] if w.get("token") != token]
            state["waiters"].append(entry)
            self._write(state)
            return None

    def _prune(self, state: dict[str, Any], now: float) -> None:
        """Drop a holder whose process is gone (on this host) and every waiter whose process
        is gone or that stopped refreshing its entry."""
        holder = state["holder"]
        if holder is not None and not _alive(holder):
            log.warning(
                "GPU lease %s: holder %s is gone; its lease is free",
                self.device,
                _describe(holder, now),
            )
            state["holder"] = None
        state["waiters"] = [
            w
            for w in state["waiters"]
            if _alive(w) and now - float(w.get("seen_at") or 0) <= self.ttl_s
        ]

    def _first_in_line(self, state: dict[str, Any], waiter: dict[str, Any]) -> bool:
        def rank(w: dict[str, Any]) -> tuple[int, float, str]:
            return (int(w.get("order", len(STAGES))), float(w.get("since") or 0), str(w["token"]))

        others = [w for w in state["waiters"] if w.get("token") != waiter["token"]]
        return all(rank(waiter) <= rank(w) for w in others)

    def _take(self, state: dict[str, Any], waiter: dict[str, Any], now: float) -> Lease:
        stage, token = waiter["stage"], waiter["token"]
        state["holder"] = {
            **_me(),
            "stage": stage,
            "since": now,
            "heartbeat_at": now,
            "token": token,
        }
        state["waiters"] = [w for w in state["waiters"] if w.get("token") != token]
        self._write(state)
        stale = _HELD.pop((str(self.path), stage), None)
        if stale is not None:  # an earlier hold of ours that was lost
            stale.stop.set()
        hold = _Hold(self, stage, token, now, count=1)
        _HELD[hold.key] = hold
        self._start_beat(hold)
        return Lease(hold)

    def _reenter(self, state: dict[str, Any], holder: dict[str, Any], token: str) -> Lease:
        """We hold it for this stage already: count one more acquisition."""
        key = (str(self.path), str(holder["stage"]))
        hold = _HELD.get(key)
        if hold is None or hold.token != holder.get("token"):
            # the file names this process but no live hold does (another GpuLease object
            # of ours took it, then lost its handle): adopt it, with a beat of our own
            if hold is not None:
                hold.stop.set()
            hold = _Hold(self, str(holder["stage"]), str(holder["token"]), float(holder["since"]))
            _HELD[key] = hold
            self._start_beat(hold)
        hold.count += 1
        before = len(state["waiters"])
        state["waiters"] = [w for w in state["waiters"] if w.get("token") != token]
        if len(state["waiters"]) != before:
            self._write(state)
        return Lease(hold)

    # ------------------------------------------------------------------ release, beat

    def _drop(self, hold: _Hold, *, everything: bool) -> bool:
        """One acquisition of `hold` given back (all of them when `everything`); the lease
        is freed when none is left."""
        with _HELD_LOCK:  # held across the file write: no re-entry of ours slips between
            if _HELD.get(hold.key) is not hold:
                return False
            hold.count = 0 if everything else hold.count - 1
            if hold.count > 0:
                return True
            return self._free(hold)

    def _free(self, hold: _Hold) -> bool:
        """Clear the holder if it is still `hold` (compare-and-set); stop its beat."""
        hold.stop.set()
        with _HELD_LOCK:
            if _HELD.get(hold.key) is hold:
                del _HELD[hold.key]
        with self._locked():
            state = self._read()
            holder = state["holder"]
            if holder is None or holder.get("token") != hold.token or not _is_me(holder):
                return False
            state["holder"] = None
            self._write(state)
            return True

    def _start_beat(self, hold: _Hold) -> None:
        thread = threading.Thread(
            target=self._beat,
            args=(hold,),
            name=f"sparkle-gpu-lease-{self.device}-{hold.stage}",
            daemon=True,
        )
        thread.start()

    def _beat(self, hold: _Hold) -> None:
        interval = self.ttl_s / 4
        while not hold.stop.wait(interval):
            try:
                with self._locked():
                    state = self._read()
                    holder = state["holder"]
                    if holder is None or holder.get("token") != hold.token:
                        if not hold.stop.is_set():
                            hold.lost = True
                            log.warning(
                                "GPU lease %s: lost the lease for stage %r (now %s)",
                                self.device,
                                hold.stage,
                                "free" if holder is None else _describe(holder, time.time()),
                            )
                        return
                    holder["heartbeat_at"] = time.time()
                    self._write(state)
            except (OSError, GpuLeaseError) as exc:  # a full disk, say: the next beat retries
                log.warning("GPU lease %s: heartbeat failed: %s", self.device, exc)

    def _forget_waiter(self, token: str) -> None:
        try:
            with self._locked():
                state = self._read()
                waiters = [w for w in state["waiters"] if w.get("token") != token]
                if len(waiters) != len(state["waiters"]):
                    state["waiters"] = waiters
                    self._write(state)
        except (OSError, GpuLeaseError):
            pass

    # ------------------------------------------------------------------ errors

    def _stale_error(self, holder: dict[str, Any], stage: str, now: float) -> GpuLeaseError:
        pid, host = holder.get("pid"), holder.get("host")
        if host == _HOST:
            fix = (
                f"that process lives but has stopped beating (hung): stop it (kill {pid}) "
                f"and the lease frees at once"
            )
        else:
            fix = f"if host {host} is down or that process is gone, delete {self.path}"
        message = (
            f"GPU {self.device} is held by {_describe(holder, now)}, past the lease TTL of "
            f"{_ago(self.ttl_s)} (SPARKLE_GPU_LEASE_TTL_S): {fix}; then retry stage {stage!r}"
        )
        return GpuLeaseError(message, stage=stage, context=self._context(holder, "stale"))

    def _timeout_error(
        self, state: dict[str, Any], stage: str, timeout_s: float | None, now: float
    ) -> GpuLeaseTimeoutError:
        holder = state["holder"]
        if holder is not None:
            who = f"held by {_describe(holder, now)}"
        else:
            ahead = ", ".join(_describe(w, now) for w in state["waiters"]) or "nobody"
            who = f"free but first in line are {ahead}"
        message = (
            f"waited {timeout_s}s for GPU {self.device} for stage {stage!r}: it is {who}; "
            f"wait longer (timeout_s), or end that stage first (POST /release to its tool)"
        )
        return GpuLeaseTimeoutError(message, stage=stage, context=self._context(holder, "timeout"))

    def _context(self, holder: dict[str, Any] | None, reason: str) -> dict[str, Any]:
        public = None if holder is None else {k: v for k, v in holder.items() if k != "token"}
        return {
            "device": self.device,
            "lease_file": str(self.path),
            "holder": public,
            "reason": reason,
        }

    # ------------------------------------------------------------------ the file

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            self._flock(fd)
            yield
        finally:
            os.close(fd)  # closing the descriptor drops the flock

    def _flock(self, fd: int) -> None:
        """Lock the sidecar, waiting at most `ttl_s`: a process that hangs inside the
        critical section (its beat thread starved mid-write) must not block everyone."""
        deadline = time.monotonic() + self.ttl_s
        pause = 0.002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(pause)
                pause = min(pause * 2, 0.05)
        holder = self._read()["holder"]  # safe unlocked: the file is only ever replaced whole
        named = "names no holder" if holder is None else f"names {_describe(holder, time.time())}"
        raise GpuLeaseError(
            f"GPU {self.device}: the lease lock {self.lock_path} stayed taken for "
            f"{_ago(self.ttl_s)} (SPARKLE_GPU_LEASE_TTL_S): a process hangs while holding it "
            f"(the lease file {named}); stop that process, then retry",
            context=self._context(holder, "lock_busy"),
        )

    def _read(self) -> dict[str, Any]:
        empty: dict[str, Any] = {"device": self.device, "holder": None, "waiters": []}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return empty
        except (OSError, ValueError) as exc:  # written by hand? always replaced whole by us
            log.warning(
                "GPU lease %s: unreadable %s (%s): treated as free", self.device, self.path, exc
            )
            return empty
        if not isinstance(data, dict):
            return empty
        holder = data.get("holder")
        waiters = data.get("waiters")
        return {
            "device": self.device,
            "holder": holder if isinstance(holder, dict) and "pid" in holder else None,
            "waiters": [
                w
                for w in (waiters if isinstance(waiters, list) else [])
                if isinstance(w, dict) and "token" in w
            ],
        }

    def _write(self, state: dict[str, Any]) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            tmp.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


# --------------------------------------------------------------------------- who we are


def _me() -> dict[str, Any]:
    pid = os.getpid()
    return {"pid": pid, "started": process_started(pid), "host": _HOST}


def _is_me(rec: dict[str, Any]) -> bool:
    me = _me()
    return (
        rec.get("host") == me["host"]
        and rec.get("pid") == me["pid"]
        and rec.get("started") == me["started"]
    )


def _alive(rec: dict[str, Any]) -> bool:
    """On this host: its process exists and is the one that wrote it. Elsewhere we cannot
    tell: its heartbeat decides."""
    if rec.get("host") != _HOST:
        return True
    pid = rec.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    started = rec.get("started")
    return pid_alive(pid, started if isinstance(started, int) else None)
