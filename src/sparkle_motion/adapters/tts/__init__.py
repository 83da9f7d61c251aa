"""Dialogue speech: one adapter per backend (preview: piper and espeak-ng; chatterbox), and
what they share."""

from __future__ import annotations

import io
import wave
from typing import Any

from ...schemas import RunContext, TTSStep


def mono_wav(pcm: Any, rate: int) -> bytes:
    """16-bit mono WAV bytes of `pcm` (int16 samples) at `rate`."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(rate))
        out.writeframes(pcm.astype("<i2").tobytes())
    return buffer.getvalue()


def overrun_notes(ctx: RunContext, step: TTSStep, seconds: float) -> list[str]:
    """The line as spoken against its shot: a line that runs past the end of its shot
    plays on over the next one (assembly places it by its start, not its shot), which the
    step's record says (`tts_stage.overrun`)."""
    line = next((x for x in ctx.dialogue_schedule if x.line_id == step.line_id), None)
    shot = next((s for s in ctx.plan.shots if s.id == (line.shot_id if line else None)), None)
    if line is None or shot is None:
        return []
    past = line.shot_offset_s + seconds - shot.duration_s
    if past <= 0.05:
        return []
    return [
        f"tts_stage.overrun: line {line.line_id} is {seconds:.2f} s from {line.shot_offset_s:.2f} s "
        f"into shot {shot.id} ({shot.duration_s:g} s): it plays {past:.2f} s over the next shot"
    ]
