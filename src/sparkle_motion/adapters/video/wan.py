"""`wan`: a shot's clip with diffusers' WanImageToVideoPipeline from local weights, between
the shot's first keyframe (`image=`) and its last (`last_image=`): Wan 2.1
first-and-last-frame to video (FLF2V). A shot with no end keyframe ends on its first.

Weights: `VIDEOS_WAN_MODEL` (a `save_pretrained` folder: model_index.json, transformer/,
vae/, text_encoder/, tokenizer/, scheduler/, image_encoder/, image_processor/), never a hub
id. fp16 on CUDA (bf16 where the GPU has it is left to the weights' own config), fp32 on
a CPU (recorded as `cpu_fallback`). Seed: the step's, else `VIDEOS_WAN_SEED`, else 0.

Frames: Wan makes 4k+1 frames; a clip of N frames is rendered as the smallest 4k+1 >= N
and resampled evenly to N (the first and the last frame kept), so the clip has exactly the
frames the timeline planned. One pass per clip: the seed's chunking of long shots is not
built yet. The clip is encoded by our deterministic ffmpeg settings (not
`export_to_video`, whose encoder settings are not bit-exact), so the same seed gives the
same bytes. Each denoising step is an event (`callback_on_step_end`) in the metadata.

Loaded once for the stage (`gpu_utils.model_context`), dropped at its end or on /release.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

from ...config import get_settings
from ...media.ffmpeg import DETERMINISTIC, INTERMEDIATE_X264, ffmpeg_cmd
from ...schemas import RenderProfile, Step, VideoStep
from ...subprocesses import run_command
from ..base import Estimate, Output, StepJob
from ..gpu_utils import (
    ModelAdapter,
    check_weights,
    device_for,
    inference,
    metrics_of,
    model_context,
    model_id_of,
)
from . import shot_clip

PIPELINE_FILES = (
    "model_index.json",
    "transformer",
    "vae",
    "text_encoder",
    "tokenizer",
    "scheduler",
    "image_encoder",
    "image_processor",
)
DEFAULT_STEPS = 30
DEFAULT_GUIDANCE = 5.0
# seconds per denoising step for 81 frames at 1280x720 (Wan 2.1 14B on an H100 in bf16:
# about 4 s; the CPU figure is the SDXL one scaled by the transformer's size: a guess, and
# said to be one), scaled by frames and pixels
SECONDS_PER_STEP = {"cuda": 4.0, "cpu": 3000.0}


def wan_frames(frames: int) -> int:
    """The smallest 4k+1 >= frames (Wan's temporal VAE packs 4 frames after the first)."""
    return 1 + 4 * max(0, -(-(frames - 1) // 4))


def resample(total: int, wanted: int) -> list[int]:
    """`wanted` frame indices spread evenly over `total`, the first and the last kept."""
    if wanted <= 1:
        return [0]
    return [round(i * (total - 1) / (wanted - 1)) for i in range(wanted)]


class WanClips(ModelAdapter):
    name = "wan"
    version = "1"

    @property
    def model_id(self) -> str | None:
        path = get_settings().videos_wan_model
        return model_id_of(Path(path)) if path is not None and Path(path).is_dir() else None

    def preflight(self, profile: RenderProfile) -> None:
        check_weights(
            "Wan 2.1", "VIDEOS_WAN_MODEL", get_settings().videos_wan_model, PIPELINE_FILES
        )

    def _pipe(self, device: str) -> Any:
        import torch
        from diffusers import WanImageToVideoPipeline
        from diffusers.utils import logging as diffusers_logging

        diffusers_logging.disable_progress_bar()
        folder = check_weights(
            "Wan 2.1", "VIDEOS_WAN_MODEL", get_settings().videos_wan_model, PIPELINE_FILES
        )

        def enter(stack: contextlib.ExitStack) -> dict[str, Any]:
            pipe = stack.enter_context(
                model_context(
                    "wan",
                    folder,
                    loader=WanImageToVideoPipeline.from_pretrained,
                    device=device,
                    dtype=torch.float16 if device.startswith("cuda") else torch.float32,
                    on_event=self._say,
                )
            )
            pipe.set_progress_bar_config(disable=True)
            return {"pipe": pipe}

        return self.held.ensure((folder, device), enter)["pipe"]

    def run(self, job: StepJob) -> list[Output]:
        import numpy as np
        import torch
        from PIL import Image

        step = job.step
        assert isinstance(step, VideoStep)
        profile = job.context.render_profile
        opts = step.opts
        fps = opts.fps or profile.fps
        width, height = opts.width or profile.width, opts.height or profile.height
        frames = opts.num_frames or max(1, round(fps * 4))
        made = wan_frames(frames)
        seed = opts.seed if opts.seed is not None else (get_settings().videos_wan_seed or 0)
        steps = opts.steps or DEFAULT_STEPS
        guidance = opts.guidance_scale if opts.guidance_scale is not None else DEFAULT_GUIDANCE
        first = Image.open(job.inputs[step.start_frames[0]]).convert("RGB")
        last_ref = step.end_frames[0] if step.end_frames else step.start_frames[0]
        last = Image.open(job.inputs[last_ref]).convert("RGB")
        device, fallback = device_for(profile.device)
        with self._lock:
            self.events = []
            pipe = self._pipe(device)

            def progress(_pipe: Any, index: int, timestep: Any, kwargs: dict) -> dict:
                self._say("denoise_step", {"step": index + 1, "of": steps})
                if job.cancel.cancelled:  # a stopped run stops between denoising steps
                    raise KeyboardInterrupt(f"{step.id}: the run was cancelled")
                return kwargs

            started = time.perf_counter()
            with inference("wan", device, self._say):
                video = pipe(
                    image=first,
                    last_image=last,
                    prompt=step.prompt,
                    negative_prompt=opts.negative_prompt,
                    height=height,
                    width=width,
                    num_frames=made,
                    num_inference_steps=steps,
                    guidance_scale=guidance,
                    generator=torch.Generator(device).manual_seed(seed),
                    output_type="np",
                    callback_on_step_end=progress,
                ).frames[0]
            took = time.perf_counter() - started
        kept = np.clip(np.rint(video[resample(made, frames)] * 255), 0, 255).astype(np.uint8)
        out = job.workdir / "clip.mp4"
        raw = job.workdir / "frames.rgb"
        raw.write_bytes(kept.tobytes())
        cmd = ffmpeg_cmd(
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
            "-framerate", f"{fps:g}", "-i", str(raw),
            "-vf", "format=yuv420p", "-frames:v", str(frames),
            *INTERMEDIATE_X264, *DETERMINISTIC, "-an", "-f", "mp4", str(out),
        )  # fmt: skip
        result = run_command(
            cmd, cwd=job.workdir, timeout_s=120 + frames, step_id=step.id, cancel=job.cancel
        )
        return [
            shot_clip(
                step,
                out,
                {
                    "model_id": self.model_id,
                    "device": device,
                    "cpu_fallback": fallback,
                    "seed": seed,
                    "steps": steps,
                    "guidance": guidance,
                    "frames": frames,
                    "generated_frames": made,
                    "fps": fps,
                    "width": width,
                    "height": height,
                    "inference_s": round(took, 3),
                    "events": [[name, fields] for name, fields in self.events],
                    "metrics": metrics_of(self.events),
                    "ffmpeg": result.log(),
                },
            )
        ]

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        assert isinstance(step, VideoStep)
        frames = step.opts.num_frames or profile.fps * 4
        width = step.opts.width or profile.width
        height = step.opts.height or profile.height
        scale = wan_frames(int(frames)) / 81 * width * height / (1280 * 720)
        device = "cuda" if (profile.device or "").startswith("cuda") else "cpu"
        steps = step.opts.steps or DEFAULT_STEPS
        return Estimate(
            time_s=SECONDS_PER_STEP[device] * steps * scale,
            peak_memory_mb=16000.0,
            peak_vram_mb=38000.0 if device == "cuda" else 0.0,
        )
