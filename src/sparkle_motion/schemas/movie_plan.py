"""MoviePlan v1: the creative plan of a film plus the steps compiled from it.

See docs/MOVIE_PLAN.md for the design. In short: `shots`, `characters`, `base_images`
and `music` say *what* the film is; `steps` say *how* it is rendered. A plan may arrive
without steps (script_agent writes none); plan intake compiles them from the shots.
Field-level rules live here; rules across fields live in `sparkle_motion.plans.rules`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .common import (
    MAX_SHOT_SECONDS,
    SCHEMA_VERSION,
    Identifier,
    InputRef,
    JsonObject,
    Line,
    NonEmptyLine,
    NonEmptyText,
    PlanBool,
    PlanFloat,
    PlanInt,
    ShortId,
    StrictModel,
    Text,
)
from .steps import AssembleOpts, CameraMotion, LanguageId, Seed, Step, Transition
from .voice import VoiceSpec


class Character(StrictModel):
    id: ShortId
    name: NonEmptyLine = Field(max_length=100)
    appearance: NonEmptyText = Field(
        max_length=1000, description="What the character looks like, used in keyframe prompts."
    )
    voice: VoiceSpec = Field(default_factory=VoiceSpec)


class DialogueLine(StrictModel):
    id: ShortId | None = Field(
        None, description="Stable line id; defaults to '<shot_id>-l<n>' (n from 1)."
    )
    character: ShortId = Field(description="Speaker; must be a declared character id.")
    text: NonEmptyText = Field(max_length=1000)
    start_s: PlanFloat | None = Field(
        None,
        ge=0,
        le=MAX_SHOT_SECONDS,
        description="Offset inside the shot; unset = placed after the previous line.",
    )
    off_screen: PlanBool = Field(
        False, description="Voice-over: the speaker need not be in the shot (no lip-sync)."
    )
    emotion: Line | None = Field(None, max_length=64)
    language_id: LanguageId | None = Field(
        None, description="The line's language (ISO 639-1, e.g. 'es'); unset: the plan's."
    )


_Fraction = Annotated[PlanFloat, Field(ge=0, le=1)]


class Shot(StrictModel):
    id: ShortId
    title: Line | None = Field(None, max_length=200)
    description: NonEmptyText = Field(max_length=2000, description="What we see.")
    duration_s: PlanFloat = Field(
        gt=0, le=MAX_SHOT_SECONDS, description="Length of the shot in seconds."
    )
    setting: Line | None = Field(None, max_length=300, description="Where, e.g. 'rocky coast'.")
    mood: Line | None = Field(None, max_length=100, description="e.g. 'melancholy', 'joyful'.")
    time_of_day: Literal["dawn", "day", "dusk", "night"] | None = None
    camera: CameraMotion = "static"
    motion_prompt: Text | None = Field(
        None, max_length=1000, description="Override for the video prompt; default: description."
    )
    characters: list[ShortId] = Field(
        default_factory=list, max_length=1000, description="Characters on screen (ids)."
    )
    dialogue: list[DialogueLine] = Field(default_factory=list, max_length=1000)
    transition_in: Transition = Field("cut", description="How this shot starts from the previous.")
    seed: Seed | None = None
    face_box: tuple[_Fraction, _Fraction, _Fraction, _Fraction] | None = Field(
        None,
        description="Where the speaker's face is, as fractions of the frame (top, bottom, "
        "left, right): lip-sync uses it instead of detecting a face.",
    )

    @model_validator(mode="after")
    def _face_box_order(self) -> Shot:
        box = self.face_box
        if box is not None and not (box[0] < box[1] and box[2] < box[3]):
            raise ValueError("face_box: (top, bottom, left, right) with top < bottom, left < right")
        return self

    def line_id(self, index: int) -> str:
        line = self.dialogue[index]
        return line.id or f"{self.id}-l{index + 1}"


class BaseImage(StrictModel):
    """A keyframe. Frame i starts shot i; frame i+1 ends it (len == len(shots) + 1)."""

    id: ShortId | None = Field(None, description="Defaults to 'kf-<index>' (3 digits).")
    prompt: NonEmptyText = Field(max_length=2000)
    negative_prompt: Text | None = Field(None, max_length=2000)
    seed: Seed | None = None
    source: InputRef | None = Field(
        None, description="Use this existing image instead of rendering one."
    )


class MusicSpec(StrictModel):
    mood: NonEmptyLine = Field(max_length=100)
    prompt: Text | None = Field(None, max_length=1000)
    source: InputRef | None = Field(None, description="An audio file to use as the score.")
    volume_db: PlanFloat = Field(-18.0, ge=-60, le=0)
    duck_under_dialogue: PlanBool = True


class RenderProfileSpec(StrictModel):
    """The plan's choice of profile, with optional overrides. A CLI/API option beats it."""

    name: str = Field("preview", pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    fps: PlanFloat | None = Field(None, gt=0, le=120)
    width: PlanInt | None = Field(None, ge=64, le=4096, multiple_of=16)
    height: PlanInt | None = Field(None, ge=64, le=4096, multiple_of=16)


class MoviePlan(StrictModel):
    schema_version: Literal["v1"] = SCHEMA_VERSION
    id: Identifier
    title: NonEmptyLine = Field(max_length=200)
    description: Text | None = Field(None, max_length=4000)
    created_by: Line | None = Field(None, max_length=200)
    created_at: datetime = Field(description="ISO 8601 timestamp.")
    seed: Seed = Field(0, description="Base seed; per-shot/keyframe seeds derive from it.")
    language: LanguageId | None = Field(
        None,
        description="The idea's language (ISO 639-1, e.g. 'en'); unset: English. Each "
        "line's `language_id` says what it is spoken in (English lines when no voice "
        "speaks the plan's language).",
    )
    render_profile: RenderProfileSpec = Field(default_factory=RenderProfileSpec)
    max_cost_usd: PlanFloat | None = Field(
        None,
        ge=0,
        le=1e9,
        description="The run's budget in USD (SPARKLE_MAX_COST_USD overrides it): a run whose "
        "estimated minimum is over it does not start; one whose recorded cost reaches it "
        "stops between steps.",
    )
    dedupe: PlanBool | None = Field(
        None,
        description="false: no keyframe of this plan is reused from an earlier, similar one "
        "(perceptual and semantic dedupe, docs/DEDUPE.md); unset: on.",
    )
    characters: list[Character] = Field(default_factory=list, max_length=1000)
    shots: list[Shot] = Field(min_length=1, max_length=10_000)
    base_images: list[BaseImage] = Field(max_length=10_001, description="len(shots) + 1 keyframes.")
    music: MusicSpec | None = None
    steps: list[Step] = Field(
        default_factory=list,
        max_length=100_000,
        description="Ordered steps; empty = compiled from shots at plan intake.",
    )
    assemble_opts: AssembleOpts = Field(default_factory=AssembleOpts)
    metadata: JsonObject = Field(
        default_factory=dict,
        description="Free-form JSON: at most 16 levels deep and 64 KiB serialized.",
    )

    @property
    def total_duration_s(self) -> float:
        return sum(s.duration_s for s in self.shots)

    def character(self, char_id: str) -> Character | None:
        return next((c for c in self.characters if c.id == char_id), None)

    def keyframe_id(self, index: int) -> str:
        return self.base_images[index].id or f"kf-{index:03d}"
