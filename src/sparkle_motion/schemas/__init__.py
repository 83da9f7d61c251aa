"""Pydantic v2 schemas. `SCHEMA_MODELS` names every schema published to the registry."""

from __future__ import annotations

from pydantic import BaseModel

from .artifacts import ArtifactRef, AssetRefs, StageModel, StorageHint, VideoFinalManifest
from .common import SCHEMA_VERSION, StrictModel
from .movie_plan import (
    BaseImage,
    Character,
    DialogueLine,
    MoviePlan,
    MusicSpec,
    RenderProfileSpec,
    Shot,
)
from .profiles import RenderProfile, RenderProfilesFile, ResolvedRenderProfile
from .report import PolicyWarning, SimulatedStep, SimulateExecutionReport
from .runs import (
    Checkpoint,
    ErrorAnnotation,
    RunContext,
    RunStatus,
    ScheduledLine,
    ShotTiming,
    StageEvent,
    StepExecutionRecord,
    StepStatus,
)
from .steps import (
    DERIVED_STEP_TYPES,
    STEP_TYPES,
    AssembleLine,
    AssembleMusic,
    AssembleOpts,
    AssembleScore,
    AssembleShot,
    AssembleStep,
    CustomStep,
    FinalizeStep,
    ImagesOpts,
    ImageStep,
    LipsyncStep,
    SceneCharacter,
    SceneHint,
    Step,
    TTSOpts,
    TTSStep,
    VideoOpts,
    VideoStep,
    Wav2LipOpts,
)
from .voice import VoiceSpec

# name -> model; the names are the `<name>` in artifact://sparkle-motion/schemas/<name>/v1
SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "movie_plan": MoviePlan,
    "artifact_ref": ArtifactRef,
    "asset_refs": AssetRefs,
    "stage_event": StageEvent,
    "checkpoint": Checkpoint,
    "step_execution_record": StepExecutionRecord,
    "run_context": RunContext,
    "simulate_execution_report": SimulateExecutionReport,
    "video_final_manifest": VideoFinalManifest,
    "render_profiles": RenderProfilesFile,
}

__all__ = [
    "DERIVED_STEP_TYPES",
    "SCHEMA_MODELS",
    "SCHEMA_VERSION",
    "STEP_TYPES",
    "ArtifactRef",
    "AssembleLine",
    "AssembleMusic",
    "AssembleOpts",
    "AssembleScore",
    "AssembleShot",
    "AssembleStep",
    "AssetRefs",
    "BaseImage",
    "Character",
    "Checkpoint",
    "CustomStep",
    "DialogueLine",
    "ErrorAnnotation",
    "FinalizeStep",
    "ImageStep",
    "ImagesOpts",
    "LipsyncStep",
    "MoviePlan",
    "MusicSpec",
    "PolicyWarning",
    "RenderProfile",
    "RenderProfileSpec",
    "RenderProfilesFile",
    "ResolvedRenderProfile",
    "RunContext",
    "RunStatus",
    "SceneCharacter",
    "SceneHint",
    "ScheduledLine",
    "Shot",
    "ShotTiming",
    "SimulateExecutionReport",
    "SimulatedStep",
    "StageEvent",
    "StageModel",
    "Step",
    "StepExecutionRecord",
    "StepStatus",
    "StorageHint",
    "StrictModel",
    "TTSOpts",
    "TTSStep",
    "VideoFinalManifest",
    "VideoOpts",
    "VideoStep",
    "VoiceSpec",
    "Wav2LipOpts",
]
