"""Render profiles (configs/render_profiles.yaml) and the profile a run resolves to."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .common import StrictModel

STAGE_KINDS = ("script", "images", "video", "tts", "lipsync", "assemble")


class RenderProfile(StrictModel):
    """One entry of configs/render_profiles.yaml."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    description: str = ""
    device: Literal["cpu", "cuda", "auto"] = "cpu"
    fps: float = Field(gt=0, le=120)
    min_fps: float = Field(1, gt=0)
    max_fps: float = Field(gt=0, le=120)
    width: int = Field(ge=64, le=4096, multiple_of=16)
    height: int = Field(ge=64, le=4096, multiple_of=16)
    frames_multiple: int = Field(
        1, ge=1, le=16, description="Clip frame counts must be k*m+1 (Wan: 4) or any (1)."
    )
    encode_preset: Literal["canonical", "fast"] = "fast"
    adapters: dict[str, str] = Field(description="stage kind -> adapter registry name.")
    models: dict[str, str | None] = Field(
        default_factory=dict, description="stage kind -> model id or env var holding a path."
    )
    tts_providers: list[str] = Field(
        default_factory=list,
        max_length=16,
        description="The speech backends tts_stage chooses among (when `tts: tts_stage`), "
        "best first for ties; a run never falls back outside this list.",
    )
    fallbacks: dict[str, list[str]] = Field(
        default_factory=dict,
        description="stage kind -> the backends tried, in order, after `adapters`' one fails "
        "for good (after its retries); each must support the stage's capability. A `full` "
        "backend never falls back to a preview one unless the run asks for it "
        "(`--fallback lipsync=audio_mux`, SPARKLE_FALLBACKS).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> RenderProfile:
        if not self.min_fps <= self.fps <= self.max_fps:
            raise ValueError(
                f"fps must be within [min_fps, max_fps] = [{self.min_fps}, {self.max_fps}]"
            )
        unknown = sorted(set(self.adapters) - set(STAGE_KINDS))
        if unknown:
            raise ValueError(f"adapters has unknown stage kinds {unknown}; known: {STAGE_KINDS}")
        unknown = sorted(set(self.fallbacks) - set(STAGE_KINDS))
        if unknown:
            raise ValueError(f"fallbacks has unknown stage kinds {unknown}; known: {STAGE_KINDS}")
        for kind, names in self.fallbacks.items():
            if len(set(names)) != len(names) or len(names) > 8:
                raise ValueError(f"fallbacks.{kind}: at most 8 names, none twice, got {names}")
        return self


class RenderProfilesFile(StrictModel):
    default: str
    profiles: dict[str, RenderProfile]

    @model_validator(mode="after")
    def _default_exists(self) -> RenderProfilesFile:
        if self.default not in self.profiles:
            raise ValueError(f"default profile {self.default!r} is not defined")
        for key, prof in self.profiles.items():
            if prof.name != key:
                raise ValueError(f"profiles.{key}.name must equal its key, got {prof.name!r}")
        return self


class ResolvedRenderProfile(RenderProfile):
    """The profile a run actually uses, after CLI option > plan > default, and where from."""

    source: Literal["cli", "plan", "default"] = "default"
