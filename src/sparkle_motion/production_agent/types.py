"""What the run service hands back: a handle on a run it started, and the outcome of one
pass of the graph over it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import RunCrashedError
from ..runs.reviews import PendingReview
from ..schemas import ArtifactRef, RunStatus, SimulateExecutionReport, VideoFinalManifest


def new_run_id() -> str:
    return f"run-{uuid.uuid4().hex[:12]}"


class RunProgress(Protocol):
    """What a front door shows while a run executes in its process."""

    def event(self, event: Any) -> None:
        """A memory event of the run (step_started, step_completed, ...)."""

    def output(self, output: dict[str, Any]) -> None:
        """A node's output (plan_intake's step count, a stage's result, a decision)."""


@dataclass(frozen=True)
class PlanSummary:
    title: str
    shots: int
    duration_s: float


@dataclass(frozen=True)
class PlanSource:
    """The plan a run renders: its text (JSON or YAML), the file it came from, the folder
    its relative inputs are read from, and, when script_agent wrote it, a summary."""

    text: str
    path: Path | None
    base_dir: Path | None
    summary: PlanSummary | None
    warnings: tuple[str, ...] = ()


@dataclass
class RunOutcome:
    """One pass of the graph over a run, as the run table and the nodes left it."""

    run_id: str
    status: RunStatus
    intake: dict[str, Any] | None = None  # plan_intake's output: steps, resumed_from, warnings
    stages: list[dict[str, Any]] = field(default_factory=list)  # stage, status, executed, cached
    decisions: list[dict[str, Any]] = field(default_factory=list)  # review gates passed
    waiting: list[PendingReview] = field(default_factory=list)  # gates it pauses at
    failures: list[str] = field(default_factory=list)  # "step_id: message"
    film: VideoFinalManifest | None = None
    artifacts: list[ArtifactRef] = field(default_factory=list)  # every finished step's outputs
    nothing_to_render: bool = False  # a finished run whose every output is stored
    lifted_pause: bool = False  # resume only let a live, paused run go on

    @property
    def stopped(self) -> bool:
        return self.status is RunStatus.STOPPED


@dataclass
class RunHandle:
    """A run the service started. `wait()` returns its outcome; for a run executing in a
    child process (`wait=False`) it blocks until the child ends (or `timeout` passes:
    TimeoutError)."""

    run_id: str
    plan_path: Path | None
    summary: PlanSummary | None
    report: SimulateExecutionReport | None = None  # a dry run's
    outcome: RunOutcome | None = None
    process: Any = None  # multiprocessing Process, for wait=False
    connection: Any = None  # its end of the pipe the child reports on
    warnings: tuple[str, ...] = ()

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def done(self) -> bool:
        return self.outcome is not None or (
            self.process is not None and not self.process.is_alive()
        )

    def wait(self, timeout: float | None = None) -> RunOutcome:
        if self.outcome is not None:
            return self.outcome
        if self.process is None:
            raise ValueError(f"run {self.run_id} was a dry run: it has a report, no outcome")
        kind, value = self.receive(timeout)
        while kind == "claimed":
            kind, value = self.receive(timeout)
        self.process.join()
        self.outcome = value
        return value

    def receive(self, timeout: float | None) -> tuple[str, Any]:
        """The child's next report: ("claimed", None) or ("done", outcome); raises the
        typed error it reported, RunCrashedError when it died without a word."""
        if not self.connection.poll(timeout):
            raise TimeoutError(f"run {self.run_id} is still running")
        try:
            kind, value = self.connection.recv()
        except EOFError:
            self.process.join()
            raise RunCrashedError(
                f"run {self.run_id}: its process (pid {self.pid}) ended without a report "
                f"(exit code {self.process.exitcode}); `sparkle-motion resume {self.run_id}`",
                run_id=self.run_id,
            ) from None
        if kind == "error":
            self.process.join()
            raise value
        return kind, value
