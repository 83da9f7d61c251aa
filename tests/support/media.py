"""Small real media for adapter tests: plans at 320x176, step jobs, decoded audio."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from sparkle_motion.adapters.base import StepJob
from sparkle_motion.runs.intake import prepare
from sparkle_motion.schemas import RunContext
from tests.conftest import EXAMPLES

WIDTH, HEIGHT = 320, 176


def small_plan(
    name: str = "lighthouse_whale.json", width: int = WIDTH, height: int = HEIGHT
) -> dict:
    plan = json.loads((EXAMPLES / name).read_text())
    plan = copy.deepcopy(plan)
    plan["render_profile"] = {"name": "preview", "width": width, "height": height}
    return plan


def context(plan: dict | None = None, run_id: str = "t1") -> RunContext:
    return prepare(plan or small_plan(), run_id=run_id)[0]


def step(ctx: RunContext, step_id: str):
    return next(s for s in ctx.plan.steps if s.id == step_id)


def job(ctx: RunContext, step_id: str, inputs: dict[str, Path], workdir: Path, **kw) -> StepJob:
    workdir.mkdir(parents=True, exist_ok=True)
    return StepJob(step=step(ctx, step_id), inputs=inputs, context=ctx, workdir=workdir, **kw)


def write(output, path: Path) -> Path:
    """An adapter Output's bytes, at `path`."""
    data = output.data if isinstance(output.data, bytes) else Path(output.data).read_bytes()
    path.write_bytes(data)
    return path


def decode_audio(path: Path):
    """(mono float samples in [-1, 1], sample rate) of a file's first audio stream."""
    import av
    import numpy as np

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        chunks = [frame.to_ndarray() for frame in container.decode(stream)]
    data = np.concatenate(chunks, axis=1).astype(np.float64)
    if data.dtype.kind == "i" or np.abs(data).max() > 1.5:
        data = data / 32768.0
    return data.mean(axis=0), rate


def rms(samples, rate: int, start: float, end: float) -> float:
    import numpy as np

    window = samples[int(start * rate) : max(int(start * rate) + 1, int(end * rate))]
    return float(np.sqrt(np.mean(window**2))) if len(window) else 0.0


def tone(
    path: Path, seconds: float, freq: float = 440.0, rate: int = 22050, amp: float = 0.5
) -> Path:
    """A mono 16-bit sine WAV: a stand-in for a spoken line or a music track."""
    import wave

    import numpy as np

    t = np.arange(int(seconds * rate)) / rate
    data = (amp * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())
    return path


def still_clip(
    image_step,
    path: Path,
    frames: int,
    fps: float,
    *,
    seed: int = 0,
    camera: str = "static",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> Path:
    """A real H.264 clip at `path` of one procedural keyframe (its PNG beside it)."""
    from sparkle_motion.adapters.images.procedural import draw_keyframe
    from sparkle_motion.adapters.video.ffmpeg_motion import motion_command
    from sparkle_motion.subprocesses import run_command

    png = path.with_suffix(".png")
    png.write_bytes(draw_keyframe(image_step, width, height, seed))
    run_command(motion_command(str(png), str(png), camera, width, height, frames, fps, str(path)))
    return path
