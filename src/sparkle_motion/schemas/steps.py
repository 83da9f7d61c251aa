"""The executable half of a MoviePlan: typed steps and their options.

Steps are compiled from the creative plan (`plans.compile`) or written by hand; either
way they must agree with the shots (`plans.rules`). A step reads earlier steps' outputs
through `InputRef`s of the form ``@<step_id>``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .common import (
    MAX_SHOT_SECONDS,
    MAX_TIMELINE_SECONDS,
    FreeText,
    Identifier,
    InputRef,
    JsonObject,
    Line,
    NonEmptyLine,
    NonEmptyText,
    PlanBool,
    PlanFloat,
    PlanInt,
    StrictModel,
    Text,
)
from .voice import VoiceSpec

LanguageId = Annotated[
    str, Field(pattern=r"^[a-z]{2}$", description="An ISO 639-1 language code, e.g. 'es'.")
]
Seed = Annotated[PlanInt, Field(ge=0, le=2**32 - 1, description="Random seed, 0..2^32-1.")]
Priority = Literal["low", "normal", "high"]
Transition = Literal["cut", "crossfade", "fade"]
AmbienceKind = Literal["sea", "rain", "storm", "wind", "city", "forest_day", "forest_night"]
CameraMotion = Literal[
    "static", "zoom_in", "zoom_out", "pan_left", "pan_right", "tilt_up", "tilt_down", "crossfade"
]


class ImagesOpts(StrictModel):
    """Keyframe rendering options (SDXL in `full`, procedural frames in `preview`)."""

    width: PlanInt | None = Field(None, ge=64, le=4096, multiple_of=8)
    height: PlanInt | None = Field(None, ge=64, le=4096, multiple_of=8)
    seed: Seed | None = None
    sampler: Line | None = Field(None, max_length=64, description="Scheduler name, e.g. 'euler'.")
    steps: PlanInt | None = Field(None, ge=1, le=200, description="Denoising steps.")
    cfg_scale: PlanFloat | None = Field(None, ge=0, le=50)
    denoising_start: PlanFloat | None = Field(
        None, ge=0, lt=1, description="Refiner hand-off start."
    )
    denoising_end: PlanFloat | None = Field(None, gt=0, le=1, description="Base model stops here.")
    prompt_2: Text | None = Field(None, max_length=2000)
    negative_prompt: Text | None = Field(None, max_length=2000)
    negative_prompt_2: Text | None = Field(None, max_length=2000)
    dedupe: PlanBool = True
    priority: Priority = "normal"

    @model_validator(mode="after")
    def _denoising_window(self) -> ImagesOpts:
        if (
            self.denoising_start is not None
            and self.denoising_end is not None
            and self.denoising_start >= self.denoising_end
        ):
            raise ValueError("denoising_start must be < denoising_end")
        return self


class TTSOpts(StrictModel):
    sample_rate: PlanInt | None = Field(None, ge=8000, le=48000)
    format: Literal["wav"] = "wav"
    provider: Line | None = Field(None, max_length=64, description="Preferred provider.")
    provider_allowlist: list[Annotated[Line, Field(max_length=64)]] = Field(
        default_factory=list, max_length=64
    )
    priority_profile: Literal["cost", "latency", "quality", "balanced"] = "balanced"
    max_latency_s: PlanFloat | None = Field(None, gt=0, le=MAX_SHOT_SECONDS)
    max_cost_usd: PlanFloat | None = Field(None, ge=0, le=1e9)
    required_features: list[Literal["voice_cloning", "watermark", "emotion", "offline"]] = Field(
        default_factory=list, max_length=8, description="What the chosen voice must offer."
    )


MAX_CLIP_FRAMES = 10_000
# Wav2Lip's face-box padding and crop, in pixels (-1 in a crop: to the frame's edge).
_Pad = Annotated[PlanInt, Field(ge=-4096, le=4096)]
_Crop = Annotated[PlanInt, Field(ge=-1, le=16384)]
_Box = Annotated[PlanInt, Field(ge=0, le=16384)]


class VideoOpts(StrictModel):
    num_frames: PlanInt | None = Field(None, ge=1, le=MAX_CLIP_FRAMES)
    fps: PlanFloat | None = Field(None, gt=0, le=120)
    width: PlanInt | None = Field(None, ge=64, le=4096, multiple_of=16)
    height: PlanInt | None = Field(None, ge=64, le=4096, multiple_of=16)
    steps: PlanInt | None = Field(None, ge=1, le=200)
    guidance_scale: PlanFloat | None = Field(None, ge=0, le=50)
    seed: Seed | None = None
    negative_prompt: Text | None = Field(None, max_length=2000)
    sampler: Line | None = Field(
        None, max_length=64, description="Scheduler name, e.g. 'unipc', 'dpmpp_2m', 'euler'."
    )


class Wav2LipOpts(StrictModel):
    checkpoint: Line | None = Field(
        None, max_length=1024, description="Wav2Lip or Wav2Lip+GAN checkpoint path."
    )
    face_detector: Line | None = Field(None, max_length=1024, description="S3FD checkpoint path.")
    pads: tuple[_Pad, _Pad, _Pad, _Pad] = Field(
        (0, 10, 0, 0), description="Padding (top, bottom, left, right) around the face box."
    )
    resize_factor: PlanInt = Field(1, ge=1, le=8)
    nosmooth: PlanBool = False
    crop: tuple[_Crop, _Crop, _Crop, _Crop] = Field(
        (0, -1, 0, -1), description="top, bottom, left, right (-1: to the edge)"
    )
    gpu_index: PlanInt | None = Field(None, ge=0, le=1024)
    box: tuple[_Box, _Box, _Box, _Box] | None = Field(
        None,
        description="The face, in pixels of the clip (top, bottom, left, right): given, no "
        "face is detected (Wav2Lip's `box`).",
    )
    fps: PlanFloat | None = Field(
        None, gt=0, le=120, description="Frame rate for a still face; a clip keeps its own."
    )

    @model_validator(mode="after")
    def _box_order(self) -> Wav2LipOpts:
        if self.box is not None and not (self.box[0] < self.box[1] and self.box[2] < self.box[3]):
            raise ValueError("box: (top, bottom, left, right) with top < bottom, left < right")
        return self


class StepBase(StrictModel):
    id: Identifier
    title: FreeText | None = Field(None, max_length=200)


class SceneCharacter(StrictModel):
    id: Identifier
    name: NonEmptyLine = Field(max_length=100)
    appearance: FreeText | None = Field(
        None, max_length=1000, description="What they look like: added to keyframe prompts."
    )


class SceneHint(StrictModel):
    """The shot around a keyframe, for backends that draw from structure rather than a
    prompt (the preview's procedural frames). Part of the step, so part of its key."""

    shot_id: Identifier
    caption: FreeText = Field("", max_length=300)
    setting: Line | None = Field(None, max_length=300)
    mood: Line | None = Field(None, max_length=100)
    time_of_day: Literal["dawn", "day", "dusk", "night"] | None = None
    characters: list[SceneCharacter] = Field(default_factory=list, max_length=1000)
    speaker: Identifier | None = Field(
        None,
        description="The character who speaks first in the keyframe's shot: drawn nearer.",
    )


class ImageStep(StepBase):
    type: Literal["image"] = "image"
    prompt: NonEmptyText = Field(max_length=2000)
    count: PlanInt = Field(1, ge=1, le=8)
    keyframe: PlanInt | None = Field(
        None, ge=0, le=10_000, description="Index into base_images it renders."
    )
    scene: SceneHint | None = None
    opts: ImagesOpts = Field(default_factory=ImagesOpts)


class TTSStep(StepBase):
    type: Literal["tts"] = "tts"
    text: NonEmptyText = Field(max_length=2000)
    voice: VoiceSpec = Field(default_factory=VoiceSpec)
    character: Identifier | None = None
    shot_id: Identifier | None = None
    line_id: Identifier | None = None
    language_id: LanguageId | None = Field(
        None, description="The line's language (ISO 639-1); unset: English."
    )
    opts: TTSOpts = Field(default_factory=TTSOpts)


class VideoStep(StepBase):
    type: Literal["video"] = "video"
    prompt: NonEmptyText = Field(max_length=2000)
    start_frames: list[InputRef] = Field(min_length=1, max_length=1000)
    end_frames: list[InputRef] = Field(default_factory=list, max_length=1000)
    shot_id: Identifier | None = None
    camera: CameraMotion = "static"
    opts: VideoOpts = Field(default_factory=VideoOpts)


class LipsyncStep(StepBase):
    type: Literal["lipsync"] = "lipsync"
    face_video: InputRef
    audio: list[InputRef] = Field(
        min_length=1,
        max_length=1000,
        description="Dialogue clips placed on the shot's timeline, in order.",
    )
    out_path: Line | None = Field(
        None, max_length=1024, description="Optional export path, relative."
    )
    shot_id: Identifier | None = None
    opts: Wav2LipOpts = Field(default_factory=Wav2LipOpts)


class CustomStep(StepBase):
    type: Literal["custom"] = "custom"
    handler: str = Field(
        max_length=200,
        pattern=r"^[A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_.]*)?$",
        description="A registered handler name or 'package.module:function'.",
    )
    inputs: list[InputRef] = Field(default_factory=list, max_length=1000)
    opts: JsonObject = Field(
        default_factory=dict,
        description="Free-form JSON: at most 16 levels deep and 64 KiB serialized.",
    )


class AssembleOpts(StrictModel):
    transition_s: PlanFloat = Field(0.5, ge=0, le=3, description="Length of crossfades and fades.")
    fade_in_s: PlanFloat = Field(0.0, ge=0, le=5)
    fade_out_s: PlanFloat = Field(0.5, ge=0, le=5)
    subtitles: PlanBool = Field(True, description="Write a sidecar .srt of the dialogue.")
    burn_subtitles: PlanBool = Field(True, description="Also burn them into the picture.")
    duck_db: PlanFloat = Field(-12.0, ge=-40, le=0, description="Music gain change under speech.")
    encode_preset: Literal["canonical", "fast"] | None = Field(
        None,
        description="canonical = -preset veryslow -crf 18; fast = ultrafast -crf 23; unset: by profile.",
    )
    crf: PlanInt | None = Field(None, ge=0, le=51)
    audio_bitrate_k: PlanInt = Field(192, ge=32, le=512)
    title_cards: PlanBool = Field(
        True,
        description="Draw the title over the film's first seconds and an end card over its last.",
    )


class AssembleShot(StrictModel):
    shot_id: Identifier
    clip: InputRef = Field(description="The shot's final picture (lip-synced clip, else video).")
    duration_s: PlanFloat = Field(gt=0, le=MAX_SHOT_SECONDS)
    transition_in: Transition = "cut"
    ambience: AmbienceKind | None = Field(
        None, description="Background sound the shot's setting suggests (quiet, under all)."
    )


class AssembleLine(StrictModel):
    line_id: Identifier
    character: Identifier
    text: NonEmptyText = Field(max_length=1000)
    audio: InputRef
    start_s: PlanFloat = Field(
        ge=0, le=MAX_TIMELINE_SECONDS, description="Position on the film's timeline."
    )
    speaker: Line | None = Field(
        None, max_length=200, description="The speaking character's name, for subtitles."
    )


class AssembleMusic(StrictModel):
    source: InputRef
    volume_db: PlanFloat = Field(-18.0, ge=-60, le=0)
    duck_under_dialogue: PlanBool = True


class AssembleScore(StrictModel):
    """A score synthesized offline from the plan's music mood, for a film with no music file."""

    mood: NonEmptyLine = Field(max_length=100)
    prompt: Text | None = Field(None, max_length=1000)
    seed: Seed = 0
    volume_db: PlanFloat = Field(-18.0, ge=-60, le=0)
    duck_under_dialogue: PlanBool = True


class AssembleStep(StepBase):
    """Derived at plan intake (never written in a plan): every shot's clip in order, every
    dialogue line at its place on the timeline, music, and how to encode the film."""

    type: Literal["assemble"] = "assemble"
    shots: list[AssembleShot] = Field(min_length=1, max_length=10_000)
    dialogue: list[AssembleLine] = Field(default_factory=list, max_length=1_000_000)
    music: AssembleMusic | None = None
    score: AssembleScore | None = Field(
        None, description="A generated score; set only when `music` is not (a file wins)."
    )
    width: PlanInt = Field(ge=16, le=8192)
    height: PlanInt = Field(ge=16, le=8192)
    fps: PlanFloat = Field(gt=0, le=120)
    opts: AssembleOpts = Field(default_factory=AssembleOpts)
    film_title: Line | None = Field(
        None, max_length=200, description="The plan's title, for the title and end cards."
    )


class FinalizeStep(StepBase):
    """Derived at plan intake: the film's `video_final` manifest, checksum verified."""

    type: Literal["finalize"] = "finalize"
    film: InputRef


Step = Annotated[
    ImageStep | TTSStep | VideoStep | LipsyncStep | CustomStep | AssembleStep | FinalizeStep,
    Field(discriminator="type"),
]

STEP_TYPES: tuple[str, ...] = (
    "image",
    "tts",
    "video",
    "lipsync",
    "custom",
    "assemble",
    "finalize",
)
# Steps plan intake derives; a plan may not carry them.
DERIVED_STEP_TYPES: tuple[str, ...] = ("assemble", "finalize")


# Which workflow stage executes each step type.
def step_input_refs(step: Any) -> list[tuple[str, str]]:
    """Every (field path suffix, InputRef) a step reads, e.g. ('start_frames[0]', '@kf_000')."""
    refs: list[tuple[str, str]] = []
    if isinstance(step, VideoStep):
        refs += [(f"start_frames[{i}]", r) for i, r in enumerate(step.start_frames)]
        refs += [(f"end_frames[{i}]", r) for i, r in enumerate(step.end_frames)]
    elif isinstance(step, LipsyncStep):
        refs.append(("face_video", step.face_video))
        refs += [(f"audio[{i}]", r) for i, r in enumerate(step.audio)]
    elif isinstance(step, CustomStep):
        refs += [(f"inputs[{i}]", r) for i, r in enumerate(step.inputs)]
    elif isinstance(step, AssembleStep):
        refs += [(f"shots[{i}].clip", s.clip) for i, s in enumerate(step.shots)]
        refs += [(f"dialogue[{i}].audio", d.audio) for i, d in enumerate(step.dialogue)]
        if step.music is not None:
            refs.append(("music.source", step.music.source))
    elif isinstance(step, FinalizeStep):
        refs.append(("film", step.film))
    elif isinstance(step, TTSStep) and step.voice.reference_audio:
        refs.append(("voice.reference_audio", step.voice.reference_audio))
    return refs
