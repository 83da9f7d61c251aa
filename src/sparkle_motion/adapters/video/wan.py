"""`wan`: a shot's clip with diffusers' WanImageToVideoPipeline from local weights, between
the shot's first keyframe (`image=`) and its last (`last_image=`): Wan 2.1
first-and-last-frame to video (FLF2V). A shot with no end keyframe ends on its first.

Weights: `VIDEOS_WAN_MODEL` (a `save_pretrained` folder: model_index.json, transformer/,
vae/, text_encoder/, tokenizer/, scheduler/, image_encoder/, image_processor/), never a hub
id. fp16 on CUDA (bf16 where the GPU has it is left to the weights' own config), fp32 on
a CPU (recorded as `cpu_fallback`). Seed: the step's, else `VIDEOS_WAN_SEED`, else 0.

Frames: Wan makes 4k+1 frames per call. A shot up to `VIDEOS_WAN_CHUNK_FRAMES` (64, fitted
to 61) is one call of the smallest 4k+1 >= its frames, resampled evenly to its frames; a
longer one is rendered in overlapping chunks stitched with the overlap cross-faded
(`chunks.py` says which frames condition each chunk). The clip has exactly the frames the
timeline planned, encoded by our deterministic ffmpeg settings (not `export_to_video`,
whose encoder settings are not bit-exact), so the same seed gives the same bytes.

Out of memory (`ModelOOMError`): the shot is rendered again with chunks half as long, down
to the minimum; then on the next CUDA device; then on the CPU; then the step fails
(`ModelOOMExhaustedError`, not retried). Every attempt is in the clip's metadata and the
step record's `policy_annotations`. Each call has `SPARKLE_MODEL_TIMEOUT_S`, checked
between denoising steps (`StageTimeoutError`); a stopped run stops there too. Each
denoising step is an event (`videos_stage.denoise_step` in the run's events).

Loaded once for the stage (`gpu_utils.model_context`), dropped at its end or on /release.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...config import get_settings
from ...errors import ModelOOMError, ModelOOMExhaustedError
from ...media.ffmpeg import DETERMINISTIC, INTERMEDIATE_X264, ffmpeg_cmd
from ...schemas import RenderProfile, Step, VideoStep
from ...subprocesses import run_command
from ..base import Estimate, Output, Provider, StepJob
from ..gpu_utils import (
    ModelAdapter,
    check_weights,
    device_for,
    estimate_device,
    inference,
    metrics_of,
    model_context,
    model_id_of,
    quiet_libraries,
    step_callback,
    use_sampler,
)
from . import shot_clip
from .chunks import Chunking, plan_chunks, stitch

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
# opts.sampler: flow-matching schedulers built from the weights' scheduler config (Wan's own
# is UniPC with flow sigmas)
SAMPLERS = {
    "unipc": "UniPCMultistepScheduler",
    "dpmpp_2m": "DPMSolverMultistepScheduler",
    "euler": "FlowMatchEulerDiscreteScheduler",
}
DEFAULT_STEPS = 30
DEFAULT_GUIDANCE = 5.0
# seconds per denoising step for 81 frames at 1280x720 (Wan 2.1 14B on an H100 in bf16:
# about 4 s; the CPU figure is the SDXL one scaled by the transformer's size: a guess, and
# said to be one), scaled by frames and pixels
SECONDS_PER_STEP = {"cuda": 4.0, "cpu": 3000.0}


@contextlib.contextmanager
def heading_for(pipe: Any, aim: Any) -> Iterator[None]:
    """FLF2V weights embed two CLIP images per call. A chunk before the last has no
    `last_image` (it is not pinned to the shot's end), so for its call the pipeline's
    `encode_image` embeds its start frame and `aim` (the shot's last keyframe: where it is
    going). The pipeline refuses `image_embeds` beside `image`, hence the swap, undone
    after the call. Nothing happens when `aim` is None."""
    if aim is None:
        yield
        return
    encode = pipe.encode_image
    pipe.encode_image = lambda image, device=None: encode([image, aim], device)
    try:
        yield
    finally:
        del pipe.encode_image  # the class's method again


def chunking() -> Chunking:
    settings = get_settings()
    return Chunking(
        settings.videos_wan_chunk_frames,
        settings.videos_wan_chunk_overlap,
        settings.videos_wan_min_chunk_frames,
    )


def fallback_devices(device: str) -> list[str]:
    """Where a shot goes when `device` runs out of memory: the other CUDA devices, then the
    CPU (in that order; `device` first)."""
    import torch

    found = [device]
    if device.startswith("cuda") and torch.cuda.is_available():
        found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    found.append("cpu")
    return list(dict.fromkeys("cuda:0" if d == "cuda" else d for d in found))


class WanClips(ModelAdapter, Provider):
    name = "wan"
    capabilities = frozenset({"video"})
    tier = "full"  # model weights, a GPU: falls back to a preview backend only if asked

    @property
    def version(self) -> str:
        """The chunk settings change the frames, so they are part of the step key."""
        return f"2+chunks:{chunking().key()}"

    @property
    def model_id(self) -> str | None:
        path = get_settings().videos_wan_model
        return model_id_of(Path(path)) if path is not None and Path(path).is_dir() else None

    def preflight(self, profile: RenderProfile) -> None:
        self.check_weights(profile)

    def check_weights(self, profile: RenderProfile | None = None) -> None:
        """The weights folder holds what the pipeline loads (MissingWeightsError naming
        the env var, the path and the files)."""
        check_weights(
            "Wan 2.1", "VIDEOS_WAN_MODEL", get_settings().videos_wan_model, PIPELINE_FILES
        )

    def _pipe(self, device: str) -> Any:
        import torch
        from diffusers import WanImageToVideoPipeline

        quiet_libraries()
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

    def _devices(self, device: str) -> list[str]:
        return fallback_devices(device)

    def _generator(self, device: str, seed: int) -> Any:
        import torch

        return torch.Generator(device).manual_seed(seed)

    @staticmethod
    def _two_image(pipe: Any) -> bool:
        """Whether the weights are first-and-last-frame (FLF2V): their image embedding has
        room for two images."""
        config = getattr(getattr(pipe, "transformer", None), "config", None)
        return getattr(config, "pos_embed_seq_len", None) is not None

    def _render(self, job: StepJob, device: str, plan: Chunking, call: dict[str, Any]) -> Any:
        """The shot's frames (floats in 0..1, frames first) rendered in `plan`'s chunks."""
        import numpy as np
        from PIL import Image

        pipe = self._pipe(device)
        call["scheduler"] = use_sampler(pipe, call["sampler"], SAMPLERS, job.step.id)
        frames, seed, first, last = call["frames"], call["seed"], call["first"], call["last"]
        chunks = plan_chunks(frames, plan)
        rendered: list[Any] = []
        for chunk in chunks:
            if chunk.index == 0:
                image = first
            else:  # the previous chunk's frame where the overlap begins
                before = chunks[chunk.index - 1]
                tail = rendered[-1][chunk.start - before.start]
                image = Image.fromarray(np.clip(np.rint(tail * 255), 0, 255).astype(np.uint8))
            self._say(
                "chunk_start",
                {"chunk": chunk.index, "of": len(chunks), "start": chunk.start,
                 "frames": chunk.rendered, "device": device},
            )  # fmt: skip
            aim = None if chunk.last or not self._two_image(pipe) else last
            with inference("wan", device, self._say), heading_for(pipe, aim):
                video = pipe(
                    image=image,
                    # I2V (not FLF2V) weights take no last image
                    last_image=last if chunk.last and self._two_image(pipe) else None,
                    prompt=call["prompt"],
                    negative_prompt=call["negative_prompt"],
                    height=call["height"],
                    width=call["width"],
                    num_frames=chunk.rendered,
                    num_inference_steps=call["steps"],
                    guidance_scale=call["guidance"],
                    generator=self._generator(device, seed + chunk.index),
                    output_type="np",
                    callback_on_step_end=step_callback(
                        self._say, job, call["steps"], {"chunk": chunk.index}
                    ),
                ).frames[0]
            rendered.append(video)
        return stitch(chunks, rendered, frames), chunks

    def _ladder(self, job: StepJob, device: str, call: dict[str, Any]) -> tuple[Any, ...]:
        """Render; on out-of-memory shrink the chunks, then try the next device, then the
        CPU. Returns (frames, chunks, device, attempts)."""
        attempts: list[dict[str, Any]] = []
        for where in self._devices(device):
            plan: Chunking | None = chunking()
            tried: list[Any] = []
            while plan is not None:
                layout = plan_chunks(call["frames"], plan)
                if layout in tried:  # a short shot: a smaller chunk changes nothing
                    plan = plan.shrunk()
                    continue
                tried.append(layout)
                try:
                    video, chunks = self._render(job, where, plan, call)
                    return video, chunks, where, attempts
                except ModelOOMError as exc:
                    attempt = {"device": where, "chunk_frames": plan.length, "error": str(exc)}
                    attempts.append(attempt)
                    self._say("oom", attempt)
                    plan = plan.shrunk()
        raise ModelOOMExhaustedError(
            f"{job.step.id}: out of memory at every chunk size down to "
            f"{chunking().minimum} frames on {', '.join(self._devices(device))}",
            step_id=job.step.id,
            context={"attempts": [f"{a['device']} chunk {a['chunk_frames']}" for a in attempts]},
        )

    def run(self, job: StepJob) -> list[Output]:
        import numpy as np
        from PIL import Image

        step = job.step
        assert isinstance(step, VideoStep)
        profile = job.context.render_profile
        opts = step.opts
        fps = opts.fps or profile.fps
        width, height = opts.width or profile.width, opts.height or profile.height
        frames = opts.num_frames or max(1, round(fps * 4))
        last_ref = step.end_frames[0] if step.end_frames else step.start_frames[0]
        call = {
            "frames": frames,
            "seed": opts.seed if opts.seed is not None else (get_settings().videos_wan_seed or 0),
            "steps": opts.steps or DEFAULT_STEPS,
            "guidance": (
                opts.guidance_scale if opts.guidance_scale is not None else DEFAULT_GUIDANCE
            ),
            "first": Image.open(job.inputs[step.start_frames[0]]).convert("RGB"),
            "last": Image.open(job.inputs[last_ref]).convert("RGB"),
            "prompt": step.prompt,
            "negative_prompt": opts.negative_prompt,
            "sampler": opts.sampler,
            "width": width,
            "height": height,
        }
        wanted, _ = device_for(profile.device)
        with self._lock:
            self._begin(job)
            started = time.perf_counter()
            try:
                video, chunks, device, attempts = self._ladder(job, wanted, call)
            finally:
                self._end()
            took = time.perf_counter() - started
            events = [[name, fields] for name, fields in self.events]
            metrics = metrics_of(self.events)
        kept = np.clip(np.rint(video * 255), 0, 255).astype(np.uint8)
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
        notes = [
            f"videos_stage.oom: {a['device']} with {a['chunk_frames']}-frame chunks ran out "
            "of memory; tried smaller chunks, then the next device"
            for a in attempts
        ]
        if device == "cpu" and (profile.device or "cpu") != "cpu":
            notes.append(f"videos_stage.cpu_fallback: asked for {profile.device}, rendered on cpu")
        return [
            shot_clip(
                step,
                out,
                {
                    "model_id": self.model_id,
                    "device": device,
                    "cpu_fallback": device == "cpu" and (profile.device or "cpu") != "cpu",
                    "seed": call["seed"],
                    "steps": call["steps"],
                    "sampler": call["scheduler"],
                    "guidance": call["guidance"],
                    "frames": frames,
                    "generated_frames": sum(c.rendered for c in chunks),
                    "chunks": [
                        {"start": c.start, "frames": c.frames, "rendered": c.rendered}
                        for c in chunks
                    ],
                    "oom_attempts": attempts,
                    "policy_annotations": notes,
                    "fps": fps,
                    "width": width,
                    "height": height,
                    "inference_s": round(took, 3),
                    "events": events,
                    "metrics": metrics,
                    "ffmpeg": result.log(),
                },
            )
        ]

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        assert isinstance(step, VideoStep)
        frames = step.opts.num_frames or profile.fps * 4
        width = step.opts.width or profile.width
        height = step.opts.height or profile.height
        generated = sum(c.rendered for c in plan_chunks(int(frames), chunking()))
        scale = generated / 81 * width * height / (1280 * 720)
        # the device it will run on: a profile asking for CUDA where there is none runs
        # (and is estimated) on the CPU
        device = estimate_device(profile.device)
        steps = step.opts.steps or DEFAULT_STEPS
        return Estimate(
            time_s=SECONDS_PER_STEP[device] * steps * scale,
            peak_memory_mb=16000.0,
            peak_vram_mb=38000.0 if device == "cuda" else 0.0,
        )
