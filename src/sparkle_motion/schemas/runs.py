"""What a run records: its context, step records, stage events and checkpoints."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field, JsonValue, model_validator

from .artifacts import ArtifactRef, AssetRefs
from .common import Identifier, Sha256Hex, StrictModel, utc_now
from .movie_plan import MoviePlan
from .profiles import ResolvedRenderProfile
from .voice import VoiceSpec


class RunStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    PAUSED = "paused"
    AWAITING_REVIEW = "awaiting_review"  # paused at a review gate until a person decides
    REJECTED = "rejected"  # a reviewer rejected the script: the run ended, nothing rendered
    STOPPED = "stopped"  # stopped on request; resumable
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # code raised and recorded the failure
    CRASHED = "crashed"  # the process vanished without recording an end


class StepStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # a dependency failed; `skip_reason` says which
    CACHED = "cached"  # key already completed in an earlier run: not executed
    INTERRUPTED = "interrupted"  # cut off mid-way (Ctrl-C, SIGTERM, stop): runs again on resume


class ErrorAnnotation(StrictModel):
    error_type: str = Field(description="Exception class name.")
    message: str
    transient: bool
    command: list[str] | None = Field(None, description="The subprocess command, if any.")
    context: dict[str, JsonValue] = Field(default_factory=dict)


class StepExecutionRecord(StrictModel):
    run_id: Identifier
    plan_id: Identifier
    step_id: Identifier
    stage: str
    step_type: str
    step_key: Sha256Hex = Field(description="Content hash of the step's inputs (the cache key).")
    status: StepStatus
    attempts: int = Field(0, ge=0)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_s: float | None = Field(None, ge=0)
    adapter: str | None = None
    adapter_version: str | None = None
    model_id: str | None = None
    served_by: str | None = Field(
        None,
        description="The FunctionTool process that rendered the step (`<tool_id> at <url>`); "
        "null when it ran in the run's own process or was reused.",
    )
    device: str | None = None
    seed: int | None = None
    artifacts: list[ArtifactRef] = Field(default_factory=list)
    inputs: dict[str, JsonValue] = Field(
        default_factory=dict, description="Shot ids, line ids, upstream URIs this step used."
    )
    logs_uri: str | None = None
    error: ErrorAnnotation | None = None
    skip_reason: str | None = None
    policy_annotations: list[str] = Field(default_factory=list)
    metrics: dict[str, float] = Field(
        default_factory=dict, description="e.g. peak_vram_mb, load_s, inference_s."
    )

    @model_validator(mode="after")
    def _status_fields(self) -> StepExecutionRecord:
        if self.status == StepStatus.FAILED and self.error is None:
            raise ValueError("a failed step must carry an error annotation")
        if self.status == StepStatus.SKIPPED and not self.skip_reason:
            raise ValueError("a skipped step must carry a skip_reason")
        if self.status == StepStatus.SUCCEEDED and self.finished_at is None:
            raise ValueError("a succeeded step must have finished_at")
        if self.started_at and self.finished_at and self.finished_at < self.started_at:
            raise ValueError("finished_at must not be before started_at")
        return self


class StageEvent(StrictModel):
    run_id: Identifier
    stage: str
    event: Literal[
        "started", "progress", "completed", "failed", "skipped", "paused", "resumed", "stopped"
    ]
    step_id: Identifier | None = None
    ts: datetime = Field(default_factory=utc_now)
    progress: float | None = Field(None, ge=0, le=1)
    message: str | None = None
    payload: dict[str, JsonValue] = Field(default_factory=dict)


class Checkpoint(StrictModel):
    """A stage boundary: which step keys are done and what they produced."""

    run_id: Identifier
    stage: str
    plan_checksum: Sha256Hex
    completed_step_keys: list[Sha256Hex] = Field(default_factory=list)
    assets: AssetRefs
    created_at: datetime = Field(default_factory=utc_now)


class ShotTiming(StrictModel):
    shot_id: Identifier
    index: int = Field(ge=0)
    start_s: float = Field(ge=0)
    end_s: float = Field(gt=0)
    num_frames: int = Field(ge=1)
    keyframe_start: str
    keyframe_end: str


class ScheduledLine(StrictModel):
    """One dialogue line placed on the film's timeline: what tts_stage synthesizes."""

    line_id: Identifier
    shot_id: Identifier
    character: Identifier
    text: str
    voice: VoiceSpec
    start_s: float = Field(ge=0, description="Film time.")
    shot_offset_s: float = Field(ge=0, description="Offset inside its shot.")
    est_duration_s: float = Field(gt=0)
    off_screen: bool = False


class RunContext(StrictModel):
    """Built once by plan intake; every stage reads it, none rebuilds it."""

    run_id: Identifier
    plan: MoviePlan = Field(description="The validated plan, with steps compiled.")
    plan_checksum: Sha256Hex
    render_profile: ResolvedRenderProfile
    mode: Literal["dry", "run"] = "run"
    shot_timeline: list[ShotTiming]
    dialogue_schedule: list[ScheduledLine] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utc_now)
