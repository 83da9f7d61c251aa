"""The one stage table: every stage of a run once, in execution order.

    name            the graph node and the `stage` of step records, artifacts and events
    step_type       the steps it runs (`image`, `tts`, ...); None for stages without steps
    profile_key     the render profile's `adapters:` key that picks its backend
    fixed_adapter   the adapter every profile uses (when no profile key chooses one)
    tool_id         the FunctionTool that serves it (function_tools/<tool_id>)
    gpu             whether its `full` backend holds the GPU while it renders
    telemetry       the prefix of its backends' live events (`images_stage.load_start`)
    capability      what its backends must `supports()` (adapters/base.py CAPABILITIES);
                    None: any backend (custom handlers, finalize)

Every other map (step type -> stage, step type -> profile key, the order `from_stage`
forces, the review gates) is derived from this table. No heavy imports: the CLI reads it
to check `--review` and `--from-stage` without loading ADK.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    name: str
    tool_id: str
    step_type: str | None = None
    profile_key: str | None = None
    fixed_adapter: str | None = None
    gpu: bool = False
    telemetry: str | None = None
    capability: str | None = None


STAGE_TABLE: tuple[Stage, ...] = (
    Stage("script", "script_agent"),
    Stage("plan_intake", "production_agent"),
    Stage(
        "dialogue_audio",
        "tts_chatterbox",
        "tts",
        "tts",
        gpu=True,
        telemetry="tts_stage",
        capability="speech",
    ),
    Stage(
        "base_images",
        "images_sdxl",
        "image",
        "images",
        gpu=True,
        telemetry="images_stage",
        capability="image",
    ),
    Stage(
        "video",
        "videos_wan",
        "video",
        "video",
        gpu=True,
        telemetry="videos_stage",
        capability="video",
    ),
    Stage(
        "lipsync",
        "lipsync_wav2lip",
        "lipsync",
        "lipsync",
        gpu=True,
        telemetry="lipsync_stage",
        capability="lipsync",
    ),
    Stage("custom", "custom_handlers", "custom", fixed_adapter="custom_handlers"),
    Stage("assemble", "assemble_ffmpeg", "assemble", profile_key="assemble", capability="assembly"),
    Stage("finalize", "production_agent", "finalize", fixed_adapter="video_final"),
)

BY_NAME: dict[str, Stage] = {s.name: s for s in STAGE_TABLE}
STAGES: tuple[str, ...] = tuple(s.name for s in STAGE_TABLE)
# the stages that run steps, in order: `from_stage` forces one and every later one
STEP_STAGES: tuple[str, ...] = tuple(s.name for s in STAGE_TABLE if s.step_type)
LAST_STAGE = STEP_STAGES[-1]
STAGE_OF_STEP_TYPE: dict[str, str] = {s.step_type: s.name for s in STAGE_TABLE if s.step_type}
PROFILE_KEY_OF_STEP: dict[str, str] = {
    s.step_type: s.profile_key for s in STAGE_TABLE if s.step_type and s.profile_key
}
FIXED_ADAPTER: dict[str, str] = {
    s.step_type: s.fixed_adapter for s in STAGE_TABLE if s.step_type and s.fixed_adapter
}
GPU_STAGES: tuple[str, ...] = tuple(s.name for s in STAGE_TABLE if s.gpu)
CAPABILITY_OF_STEP: dict[str, str] = {
    s.step_type: s.capability for s in STAGE_TABLE if s.step_type and s.capability
}
TELEMETRY_OF_STEP: dict[str, str] = {
    s.step_type: s.telemetry for s in STAGE_TABLE if s.step_type and s.telemetry
}
# review gates a run may pause at: after the script, after the keyframes
REVIEW_GATES: tuple[str, ...] = ("script", "keyframes")


def stage(name: str) -> Stage:
    """The stage called `name`; ValueError naming the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}, got {name!r}") from None


def forced_stages(from_stage: str | None) -> set[str]:
    """`from_stage` and every later step stage (empty for None); ValueError naming them."""
    if from_stage is None:
        return set()
    if from_stage not in STEP_STAGES:
        raise ValueError(f"from_stage must be one of {', '.join(STEP_STAGES)}, got {from_stage!r}")
    return set(STEP_STAGES[STEP_STAGES.index(from_stage) :])


def check_review_gates(gates: object) -> list[str]:
    """The gate names, de-duplicated; ValueError naming the field and the allowed values."""
    if not isinstance(gates, list) or any(g not in REVIEW_GATES for g in gates):
        raise ValueError(f"review: a list of {', '.join(REVIEW_GATES)}, got {gates!r}")
    return list(dict.fromkeys(gates))
