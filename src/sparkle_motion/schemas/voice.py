"""How a character sounds. Shared by the creative plan and compiled TTS steps."""

from __future__ import annotations

from pydantic import Field

from .common import InputRef, Line, PlanFloat, StrictModel, Text


class VoiceSpec(StrictModel):
    """A voice request. Providers map what they can; unset fields take the provider default.

    `pitch_semitones` and `rate` are how the preview voices tell characters apart:
    the same values are used for every line a character speaks.
    """

    voice_id: Line | None = Field(
        None, max_length=128, description="Provider voice id, e.g. 'en_US-joe-medium'."
    )
    provider: Line | None = Field(
        None, max_length=64, description="e.g. chatterbox, piper, espeak."
    )
    description: Text | None = Field(
        None, max_length=300, description="Free text, e.g. 'warm, slow baritone'."
    )
    pitch_semitones: PlanFloat = Field(0.0, ge=-12, le=12)
    rate: PlanFloat = Field(1.0, ge=0.5, le=2.0, description="Speaking-rate multiplier.")
    exaggeration: PlanFloat | None = Field(None, ge=0, le=2, description="Chatterbox emotion.")
    reference_audio: InputRef | None = Field(
        None, description="Reference clip for voice cloning (Chatterbox audio prompt)."
    )
