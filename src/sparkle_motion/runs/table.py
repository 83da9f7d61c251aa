"""The run lock and run states, in the `runs` table.

Exactly one live process may drive a run. `acquire` takes the run when it has no owner,
or its owner is dead; a run found `running` with a dead owner is marked `crashed`
(distinct from `failed`, which the code records itself). Whether an owner lives:
- on this host, its process is asked: the owner is (host, pid, process start time), so a
  pid the kernel reused for an unrelated process after a crash does not keep the run locked;
- on another host (a database shared between machines), by its lease: the owner's process
  refreshes `heartbeat_at` every `lock_ttl_s / 4` seconds from a daemon thread for as
  long as it holds the run; an owner silent for longer than `lock_ttl_s` (the
  `SPARKLE_LOCK_TTL_S` setting) is dead. The hosts' clocks must agree to within the TTL.
`sparkle-motion unlock RUN_ID` lets go of a dead owner's lock by hand.
"""

from __future__ import annotations

import builtins
import json
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

from ..errors import RunBusyError, RunLockedError
from ..schemas import RunStatus
from ..storage.db import Database
from ..subprocesses import pid_alive, process_started
from .heartbeat import HEARTBEAT


@dataclass(frozen=True)
class RunRow:
    run_id: str
    plan_id: str
    status: RunStatus
    owner_pid: int | None
    owner_host: str | None
    metadata: dict[str, Any]
    owner_started: int | None = None
    heartbeat_at: float | None = None
    owner_ttl_s: float | None = None  # the lease the owner declared

    @property
    def no_reuse(self) -> bool:
        """The run was started with `--no-reuse` (or SPARKLE_DEDUPE=0): no perceptual or
        semantic reuse, for its resumes too."""
        return self.metadata.get("no_reuse") is True

    def owner_alive(
        self, host: str | None = None, *, ttl_s: float | None = None, now: float | None = None
    ) -> bool:
        """A process still drives this run: on this host its process exists; on another,
        its heartbeat is younger than `ttl_s` (default: the `lock_ttl_s` setting)."""
        if self.owner_pid is None:
            return False
        if self.owner_host != (host or socket.gethostname()):
            return lease_alive(self.heartbeat_at, self.owner_ttl_s or ttl_s, now)
        return pid_alive(self.owner_pid, self.owner_started)

    def seen_status(self, ttl_s: float | None = None) -> RunStatus:
        """The status as the outside sees it: a running or paused run whose owner is gone
        (or that no process holds at all) crashed; so did a pending one whose claiming
        process died before intake."""
        if self.status in (RunStatus.RUNNING, RunStatus.PAUSED) and not (
            self.owner_pid and self.owner_alive(ttl_s=ttl_s)
        ):
            return RunStatus.CRASHED
        if (
            self.status is RunStatus.PENDING
            and self.owner_pid
            and not self.owner_alive(ttl_s=ttl_s)
        ):
            return RunStatus.CRASHED
        return self.status

    def heartbeat_age(self, now: float | None = None) -> float | None:
        """Seconds since the owner last proved it lives (None: never)."""
        return None if self.heartbeat_at is None else (now or time.time()) - self.heartbeat_at


def default_ttl() -> float:
    from ..config import get_settings

    return float(get_settings().lock_ttl_s)


def lease_alive(heartbeat_at: float | None, ttl_s: float | None, now: float | None = None) -> bool:
    if heartbeat_at is None:
        return False
    return (now or time.time()) - heartbeat_at <= (ttl_s if ttl_s is not None else default_ttl())


class Runs:
    def __init__(
        self,
        db: Database,
        *,
        host: str | None = None,
        pid: int | None = None,
        ttl_s: float | None = None,
    ) -> None:
        self.db = db
        self.host = host or socket.gethostname()
        self.pid = pid or os.getpid()
        self.ttl_s = ttl_s if ttl_s is not None else default_ttl()
        # only a real owner beats: tests may act as another process or host
        self._beats = (self.host, self.pid) == (socket.gethostname(), os.getpid())

    def create(
        self,
        run_id: str,
        plan_id: str,
        *,
        render_profile: str | None = None,
        plan_checksum: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        now = time.time()
        with self.db.atomic() as conn:
            conn.execute(
                "INSERT INTO runs (run_id, plan_id, status, render_profile, plan_checksum, created_at, updated_at, metadata) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_id) DO NOTHING",
                (
                    run_id,
                    plan_id,
                    RunStatus.PENDING.value,
                    render_profile,
                    plan_checksum,
                    now,
                    now,
                    json.dumps(metadata or {}, sort_keys=True),
                ),
            )

    def get(self, run_id: str) -> RunRow | None:
        row = self.db.query_one("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        if row is None:
            return None
        return RunRow(
            row["run_id"],
            row["plan_id"],
            RunStatus(row["status"]),
            row["owner_pid"],
            row["owner_host"],
            json.loads(row["metadata"]),
            row["owner_started"],
            row["heartbeat_at"],
            row["owner_ttl_s"],
        )

    def set_plan(
        self,
        run_id: str,
        plan_text: str,
        base_dir: str | None,
        *,
        plan_id: str | None = None,
        render_profile: str | None = None,
        plan_checksum: str | None = None,
        review_gates: list[str] | None = None,
        adapters: list[str] | None = None,
        fallbacks: list[str] | None = None,
        max_cost_usd: float | None = None,
        no_reuse: bool = False,
    ) -> None:
        """Keep the plan (profile, per-stage backends and fallbacks, review gates, budget,
        whether it reuses other runs' keyframes) a run was last started with, so `resume
        RUN_ID` needs nothing else."""
        with self.db.atomic() as conn:
            row = conn.execute("SELECT metadata FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                raise KeyError(f"no run {run_id!r}")
            meta = {
                **json.loads(row[0]),
                "plan_text": plan_text,
                "base_dir": base_dir,
                "profile": render_profile,
                "adapters": adapters or [],
                "fallbacks": fallbacks or [],
                "review_gates": review_gates or [],
                "max_cost_usd": max_cost_usd,
                "no_reuse": no_reuse,
            }
            changed = conn.execute(
                "UPDATE runs SET metadata = ?, plan_id = COALESCE(?, plan_id), "
                "render_profile = COALESCE(?, render_profile), "
                "plan_checksum = COALESCE(?, plan_checksum), updated_at = ? "
                "WHERE run_id = ? AND owner_pid = ? AND owner_host = ?",
                (
                    json.dumps(meta, sort_keys=True),
                    plan_id,
                    render_profile,
                    plan_checksum,
                    time.time(),
                    run_id,
                    self.pid,
                    self.host,
                ),
            ).rowcount
        if not changed:
            self._lose(run_id)
            raise RunLockedError(
                f"run {run_id} is not held by this process (pid {self.pid}); its plan is "
                "recorded by the process that drives it",
                run_id=run_id,
            )

    def list(self, limit: int = 50) -> list[dict[str, Any]]:
        """Most recently updated runs first, each with its status as the outside sees it
        (a running run whose process is gone crashed, as `status` says) and what its
        recorded steps cost (`cost_usd`; None before any step ran)."""
        rows = self.db.query(
            "SELECT run_id, plan_id, status, render_profile, owner_pid, created_at, updated_at, "
            "(SELECT ROUND(SUM(json_extract(s.record, '$.metrics.cost_usd')), 6) "
            "FROM step_records s WHERE s.run_id = runs.run_id) AS cost_usd "
            "FROM runs ORDER BY updated_at DESC LIMIT ?",
            (limit,),
        )
        listed = [dict(r) for r in rows]
        for item in listed:
            if item["status"] in (RunStatus.RUNNING, RunStatus.PAUSED, RunStatus.PENDING):
                row = self.get(item["run_id"])
                if row is not None:
                    item["status"] = row.seen_status(self.ttl_s).value
        return listed

    def set_budget(self, run_id: str, max_cost_usd: float) -> None:
        """A new budget for a run a live process drives (a resume that lifts its pause):
        each stage reads it when it starts."""
        with self.db.atomic() as conn:
            row = conn.execute("SELECT metadata FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                raise KeyError(f"no run {run_id!r}")
            meta = {**json.loads(row[0]), "max_cost_usd": max_cost_usd}
            conn.execute(
                "UPDATE runs SET metadata = ?, updated_at = ? WHERE run_id = ?",
                (json.dumps(meta), time.time(), run_id),
            )

    def set_status(self, run_id: str, status: RunStatus) -> bool:
        """Record the run's status, only while this process owns it (compare-and-set on
        the owner): a process whose run was taken over, or let go with `unlock --force`,
        writes nothing and learns it has lost the run. True when written."""
        if self.lost(run_id):
            return False  # another process owns the run now: its status is its own to write
        with self.db.atomic() as conn:
            changed = conn.execute(
                "UPDATE runs SET status = ?, updated_at = ? "
                "WHERE run_id = ? AND owner_pid = ? AND owner_host = ?",
                (status.value, time.time(), run_id, self.pid, self.host),
            ).rowcount
        if not changed:
            self._lose(run_id)
        return bool(changed)

    def _lose(self, run_id: str) -> None:
        """This process wrote to a run it does not own (any more): its control gate then
        answers stop, and it writes nothing else."""
        if self._beats:
            HEARTBEAT.mark_lost(self.db.path, run_id)

    def active(self, *, exclude: str | None = None) -> builtins.list[RunRow]:
        """Runs a live process drives now (other than `exclude`), oldest first."""
        rows = self.db.query(
            "SELECT run_id FROM runs WHERE owner_pid IS NOT NULL ORDER BY created_at", ()
        )
        found = (self.get(r["run_id"]) for r in rows if r["run_id"] != exclude)
        return [r for r in found if r is not None and r.owner_alive(self.host, ttl_s=self.ttl_s)]

    def acquire(self, run_id: str, *, max_active: int | None = None) -> RunStatus:
        """Take the run for this process; returns the status it was found in (CRASHED when
        its previous owner died mid-run). RunLockedError when a live process owns it;
        RunBusyError, naming the active run, when `max_active` other runs are driven now
        (checked in the same transaction, so two starts cannot both pass)."""
        with self.db.atomic() as conn:
            if max_active is not None:
                busy = self.active(exclude=run_id)
                if len(busy) >= max_active:
                    first = busy[0]
                    raise RunBusyError(
                        f"run {first.run_id} is active (pid {first.owner_pid} on "
                        f"{first.owner_host}); one run at a time"
                        + (f" ({max_active} allowed)" if max_active > 1 else ""),
                        run_id=first.run_id,
                        context={"active": [r.run_id for r in busy], "requested": run_id},
                    )
            row = conn.execute(
                "SELECT status, owner_pid, owner_host, owner_started, heartbeat_at, owner_ttl_s "
                "FROM runs WHERE run_id = ?",
                (run_id,),
            ).fetchone()
            if row is None:
                raise KeyError(f"no run {run_id!r}")
            status = RunStatus(row["status"])
            owner, host = row["owner_pid"], row["owner_host"]
            if owner is not None and (owner, host) != (self.pid, self.host):
                if (
                    pid_alive(owner, row["owner_started"])
                    if host == self.host
                    else lease_alive(row["heartbeat_at"], row["owner_ttl_s"] or self.ttl_s)
                ):
                    raise RunLockedError(
                        f"run {run_id} is owned by pid {owner} on {host}",
                        run_id=run_id,
                        context={"owner_pid": owner, "owner_host": host},
                    )
                if status in (RunStatus.RUNNING, RunStatus.PAUSED):  # its driver died mid-run
                    status = RunStatus.CRASHED
            # taking the run over is a resume: earlier pause/stop requests are settled
            conn.execute(
                "UPDATE runs SET owner_pid = ?, owner_host = ?, owner_started = ?, heartbeat_at = ?, "
                "owner_ttl_s = ?, status = ?, updated_at = ?, control = NULL WHERE run_id = ?",
                (
                    self.pid,
                    self.host,
                    process_started(self.pid),
                    time.time(),
                    self.ttl_s,
                    status.value,
                    time.time(),
                    run_id,
                ),
            )
        if self._beats:
            HEARTBEAT.watch(self.db.path, run_id, self.host, self.pid, max(0.05, self.ttl_s / 4))
        return status

    def request(self, run_id: str, control: str | None) -> None:
        """Ask the process driving the run to `pause` or `stop` between steps (None: carry on)."""
        if control not in (None, "pause", "stop"):
            raise ValueError(f"control must be pause, stop or None, got {control!r}")
        with self.db.atomic() as conn:
            changed = conn.execute(
                "UPDATE runs SET control = ?, updated_at = ? WHERE run_id = ?",
                (control, time.time(), run_id),
            ).rowcount
        if not changed:
            raise KeyError(f"no run {run_id!r}")

    def control(self, run_id: str) -> str | None:
        row = self.db.query_one("SELECT control FROM runs WHERE run_id = ?", (run_id,))
        return None if row is None else row[0]

    def release(self, run_id: str) -> None:
        with self.db.atomic() as conn:
            conn.execute(
                "UPDATE runs SET owner_pid = NULL, owner_host = NULL, owner_started = NULL, updated_at = ? "
                "WHERE run_id = ? AND owner_pid = ? "
                "AND owner_host = ?",
                (time.time(), run_id, self.pid, self.host),
            )
        if self._beats:
            HEARTBEAT.unwatch(self.db.path, run_id)

    def lost(self, run_id: str) -> bool:
        """This process held the run and another process has taken it over since (the
        lease expired, or `unlock --force`)."""
        return self._beats and HEARTBEAT.lost(self.db.path, run_id)

    def unlock(self, run_id: str, *, force: bool = False) -> RunRow:
        """Let go of the run's lock on behalf of its owner, which must be dead (its process
        gone on this host; its heartbeat stale on another) unless `force`. A run left
        `running` or `paused` becomes `crashed`. Returns the row as it was found."""
        with self.db.atomic() as conn:
            found = self.get(run_id)
            if found is None:
                raise KeyError(f"no run {run_id!r}")
            if found.owner_pid is None:
                return found
            if not force and found.owner_alive(self.host, ttl_s=self.ttl_s):
                age = found.heartbeat_age()
                raise RunLockedError(
                    f"run {run_id} is owned by pid {found.owner_pid} on {found.owner_host}, "
                    "which is alive",
                    run_id=run_id,
                    context={
                        "owner_pid": found.owner_pid,
                        "owner_host": found.owner_host,
                        "heartbeat_age_s": age,
                    },
                )
            status = found.status
            if status in (RunStatus.RUNNING, RunStatus.PAUSED):
                status = RunStatus.CRASHED
            conn.execute(
                "UPDATE runs SET owner_pid = NULL, owner_host = NULL, owner_started = NULL, "
                "status = ?, updated_at = ? WHERE run_id = ?",
                (status.value, time.time(), run_id),
            )
        return found
