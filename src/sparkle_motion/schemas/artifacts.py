"""References to stored artifacts, the per-run asset index, and the `video_final` manifest."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, JsonValue, model_validator

from .common import Identifier, Sha256Hex, StrictModel, utc_now

StorageHint = Literal["adk", "local", "filesystem"]


class ArtifactRef(StrictModel):
    """A stored, checksummed output. `uri` is the only handle callers need."""

    uri: str = Field(
        min_length=1,
        description="artifact+fs://<run_id>/<artifact_id>, artifact://..., or file:// in dev.",
    )
    artifact_type: str = Field(
        min_length=1, max_length=64, description="e.g. keyframe, dialogue_wav, shot_mp4."
    )
    mime_type: str = Field(pattern=r"^[a-z]+/[a-z0-9.+-]+$")
    checksum_sha256: Sha256Hex
    size_bytes: int = Field(ge=0)
    run_id: str | None = Field(None, description="Run (ADK session) it belongs to.")
    stage: str | None = Field(None, max_length=64)
    artifact_id: str | None = None
    name: str | None = Field(None, description="Payload file name.")
    step_id: Identifier | None = None
    local_path: str | None = Field(None, description="Where the bytes are on this machine.")
    version: int | None = Field(None, ge=0, description="ADK artifact version.")
    created_at: datetime = Field(default_factory=utc_now)
    metadata: dict[str, JsonValue] = Field(default_factory=dict)


class AssetRefs(StrictModel):
    """Everything a run has produced so far, by role. Notebooks read this, not temp files."""

    run_id: Identifier
    plan: ArtifactRef | None = None
    base_images: dict[str, ArtifactRef] = Field(
        default_factory=dict, description="keyframe id -> PNG."
    )
    line_artifacts: dict[str, ArtifactRef] = Field(
        default_factory=dict, description="dialogue line id -> WAV."
    )
    shot_videos: dict[str, ArtifactRef] = Field(
        default_factory=dict, description="shot id -> clip."
    )
    lipsync_videos: dict[str, ArtifactRef] = Field(default_factory=dict)
    custom: dict[str, list[ArtifactRef]] = Field(
        default_factory=dict, description="custom step id -> outputs."
    )
    assembled: ArtifactRef | None = None
    subtitles: ArtifactRef | None = None
    final: ArtifactRef | None = None


class LineRecord(StrictModel):
    """One dialogue line as the film speaks it (the seed's `line_artifacts` record)."""

    line_id: Identifier
    character: str | None = None
    provider: str | None = Field(None, description="The voice backend that spoke it.")
    voice_id: str | None = None
    uri: str = Field(min_length=1, description="The line's WAV.")
    duration_s: float | None = Field(None, ge=0)
    watermarked: bool = Field(False, description="Carries the provider's audio watermark.")


class LipsyncRecord(StrictModel):
    """One shot's lip-sync: done, or why not (no speaker on screen, no face found...)."""

    shot_id: Identifier
    lipsynced: bool
    reason: str | None = Field(None, description="Why the mouth was not moved, when it was not.")
    face: str | None = Field(None, description="How the face was found (given, detected).")
    uri: str = Field(min_length=1)


class StageModel(StrictModel):
    """A backend and model that rendered steps of a stage."""

    backend: str = Field(min_length=1)
    model_id: str | None = Field(None, description="Its weights (None: no model, e.g. ffmpeg).")
    steps: int = Field(ge=1, description="How many of the stage's steps it rendered.")


class ModelSpend(StrictModel):
    """What a stage's steps on one backend and model cost."""

    stage: str
    backend: str
    model_id: str | None = None
    usd: float = Field(ge=0)


class FilmCost(StrictModel):
    """What the run's steps cost (measured seconds at the machine-hour rates; a reused
    step costs nothing), by stage and by backend and model."""

    total_usd: float = Field(ge=0)
    by_stage: dict[str, float] = Field(default_factory=dict)
    by_model: list[ModelSpend] = Field(default_factory=list)


class ReusedStep(StrictModel):
    """A keyframe step whose outputs are an earlier render's rather than rendered
    (docs/DEDUPE.md): by its prompt (`semantic`) or by its picture (`perceptual`)."""

    step_id: str = Field(min_length=1)
    via: Literal["semantic", "perceptual"]
    uris: list[str] = Field(default_factory=list, description="The earlier artifacts it uses.")
    score: float | None = Field(
        None, description="semantic: the prompts' cosine similarity (1.0: the same prompt)."
    )


class VideoFinalManifest(StrictModel):
    """The one `video_final` row `finalize` publishes (seed: "Final video manifest contract").

    Enforced here: rule 1 (`download_url` present when `storage_hint == "adk"`) and rule 3
    (duration, frame rate and size positive). Rule 2 (checksum equals the file) belongs to
    the finalize step, which has the file; rule 4 (missing manifest is fatal) to clients.
    """

    artifact_type: Literal["video_final"] = "video_final"
    artifact_uri: str = Field(min_length=1)
    local_path: str = Field(min_length=1)
    download_url: str | None = None
    storage_hint: StorageHint
    mime_type: str = Field("video/mp4", pattern=r"^[a-z]+/[a-z0-9.+-]+$")
    size_bytes: int = Field(gt=0)
    duration_s: float = Field(gt=0)
    frame_rate: float = Field(gt=0)
    resolution_px: str = Field(pattern=r"^[1-9][0-9]*x[1-9][0-9]*$")
    checksum_sha256: Sha256Hex
    run_id: Identifier
    stage_id: str = "finalize"
    created_at: datetime | None = None
    playback_ready: bool
    notes: str | None = None
    render_profile: str | None = None
    backends: dict[str, str] = Field(
        default_factory=dict,
        description="Each stage's backend (the render profile's, with per-stage overrides): "
        "what rendered the film.",
    )
    models: dict[str, list[StageModel]] = Field(
        default_factory=dict,
        description="Each stage's backends and models as its steps recorded them (a voice "
        "stage that fell back names both providers).",
    )
    cost: FilmCost | None = Field(None, description="What rendering it cost (docs/COST.md).")
    lines: list[LineRecord] = Field(
        default_factory=list, description="Each dialogue line: who spoke it, in what voice."
    )
    lipsync: list[LipsyncRecord] = Field(
        default_factory=list, description="Each shot: lip-synced, or why not."
    )
    reused: list[ReusedStep] = Field(
        default_factory=list,
        description="Keyframes this run took from earlier renders instead of rendering them.",
    )

    @model_validator(mode="after")
    def _download_url_for_adk(self) -> VideoFinalManifest:
        if self.storage_hint == "adk" and not self.download_url:
            raise ValueError("download_url is required when storage_hint is 'adk'")
        return self
