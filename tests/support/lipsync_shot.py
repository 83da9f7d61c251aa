"""A shot to lip-sync: a small procedural clip of lighthouse_whale.json's s5-harbour (two
lines) with its lines as tones, and the step's job (for the wav2lip adapter, in process or
through its tool)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.media import context, job, small_plan, step, still_clip, tone

SIZE = 64  # small: Wav2Lip crops the face to 96x96 whatever the frame
STEP = "lipsync.s5-harbour"


def shot(tmp_path: Path, name: str = "w", **opts: Any):
    """(ctx, the lipsync step's StepJob) with `opts` set on the step."""
    ctx = context(small_plan(width=SIZE, height=SIZE))
    video = step(ctx, "video.s5-harbour")
    clip = tmp_path / "clip.mp4"
    if not clip.exists():
        # 25 fps: Wav2Lip's audio chunks fall short of the frames at most rates (not at 8)
        still_clip(step(ctx, "image.kf-004"), clip, 50, 25.0, seed=1, width=SIZE, height=SIZE)
    inputs = {"@" + video.id: clip}
    for line in (x for x in ctx.dialogue_schedule if x.shot_id == "s5-harbour"):
        wav = tmp_path / f"{line.line_id}.wav"
        inputs[f"@tts.{line.line_id}"] = wav if wav.exists() else tone(wav, 0.5)
    lip = step(ctx, STEP)
    for key, value in opts.items():
        setattr(lip.opts, key, value)
    return ctx, job(ctx, STEP, inputs, tmp_path / name)
