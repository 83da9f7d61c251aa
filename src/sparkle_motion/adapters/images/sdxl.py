"""`sdxl`: keyframes with diffusers' StableDiffusionXLPipeline from local weights.

Weights: `IMAGES_SDXL_MODEL` (a folder `save_pretrained` wrote: model_index.json, unet/,
vae/, text_encoder/, text_encoder_2/, tokenizer/, tokenizer_2/, scheduler/), never a hub
id; `IMAGES_SDXL_REFINER_MODEL` optionally (an img2img SDXL folder): the base denoises to
`denoising_end` (default 0.8) and the refiner from there. On CUDA: fp16 (the `fp16` weight
variant when the folder has it); on a CPU (the profile asks for cuda and there is none, or
`cpu`): fp32, recorded as `cpu_fallback`.

Around the call, `policy.py` (images_stage): the prompt enriched with the appearance of
the characters shown, moderated before anything renders, rendered
`IMAGES_SDXL_MAX_PER_CALL` images per call. Each image:
`torch.Generator(device).manual_seed(seed)`, seed = the step's seed (else
`IMAGES_SDXL_SEED`, else 0) + its first character's fixed offset + the image's index;
micro-conditioning `original_size` =
`target_size` = (height, width), `crops_coords_top_left` = (0, 0); `prompt_2`,
`negative_prompt`, `negative_prompt_2`, the sampler (`opts.sampler`), `opts.steps`
(default 30) and `opts.cfg_scale` (default 5.0) from the step. The PNG's text chunk
carries what made it (model id, seed, device, sampler, steps, size, guidance): the same
seed gives the same bytes, so timings go only in the artifact's metadata.

The pipeline is loaded once (`gpu_utils.model_context`) and kept for every keyframe of the
stage until `unload()` (the stage's end, or the tool's POST /release). Each denoising step
is an event (`images_stage.denoise_step`); a call past `SPARKLE_MODEL_TIMEOUT_S` fails.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from ...config import get_settings
from ...errors import PermanentStageError
from ...schemas import ImageStep, RenderProfile, Step
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
from .policy import batches, character_seed_offset, enriched_prompt, image_seed, moderate

PIPELINE_FILES = ("model_index.json", "unet", "vae", "text_encoder", "text_encoder_2", "scheduler")
REFINER_FILES = ("model_index.json", "unet", "vae", "text_encoder_2", "scheduler")
SAMPLERS = {
    "euler": "EulerDiscreteScheduler",
    "euler_a": "EulerAncestralDiscreteScheduler",
    "dpmpp_2m": "DPMSolverMultistepScheduler",
    "ddim": "DDIMScheduler",
    "unipc": "UniPCMultistepScheduler",
    "pndm": "PNDMScheduler",
}
DEFAULT_STEPS = 30
DEFAULT_CFG = 5.0
DEFAULT_HANDOFF = 0.8
# seconds per denoising step at 1024x1024 (A100 fp16: about 0.06; this project's CPU: about
# 105), scaled by pixels; see docs/PROFILES.md for where they come from
SECONDS_PER_STEP = {"cuda": 0.06, "cpu": 105.0}


class SdxlKeyframes(ModelAdapter, Provider):
    name = "sdxl"
    capabilities = frozenset({"image"})
    tier = "full"  # model weights, a GPU: falls back to a preview backend only if asked

    @property
    def version(self) -> str:
        """Batched calls are not bit-identical to single ones: the batch size is part of
        the step key."""
        return f"2+batch:{get_settings().images_max_per_call}"

    @property
    def base(self) -> Any:
        return self.held.models.get("base")

    @property
    def refiner(self) -> Any:
        return self.held.models.get("refiner")

    # ---------------------------------------------------------------- weights

    @property
    def model_id(self) -> str | None:
        settings = get_settings()
        if settings.images_sdxl_model is None or not Path(settings.images_sdxl_model).is_dir():
            return None
        found = model_id_of(Path(settings.images_sdxl_model))
        refiner = settings.images_sdxl_refiner_model
        if refiner is not None and Path(refiner).is_dir():
            found += f"+{model_id_of(Path(refiner))}"
        return found

    def preflight(self, profile: RenderProfile) -> None:
        """Before anything renders (intake, a dry run): the weights folders are there with
        the files a pipeline needs, else MissingWeightsError naming the env var, the path
        and the files."""
        self.check_weights(profile)

    def check_weights(self, profile: RenderProfile | None = None) -> None:
        settings = get_settings()
        check_weights("SDXL", "IMAGES_SDXL_MODEL", settings.images_sdxl_model, PIPELINE_FILES)
        if settings.images_sdxl_refiner_model is not None:
            check_weights(
                "SDXL refiner",
                "IMAGES_SDXL_REFINER_MODEL",
                settings.images_sdxl_refiner_model,
                REFINER_FILES,
            )

    def _load(self, device: str) -> None:
        """The pipelines for `device`, loaded once (again only when weights or device change)."""
        import torch
        from diffusers import StableDiffusionXLImg2ImgPipeline, StableDiffusionXLPipeline

        quiet_libraries()

        settings = get_settings()
        base = check_weights(
            "SDXL", "IMAGES_SDXL_MODEL", settings.images_sdxl_model, PIPELINE_FILES
        )
        refiner = None
        if settings.images_sdxl_refiner_model is not None:
            refiner = check_weights(
                "SDXL refiner",
                "IMAGES_SDXL_REFINER_MODEL",
                settings.images_sdxl_refiner_model,
                REFINER_FILES,
            )
        cuda = device.startswith("cuda")
        options: dict[str, Any] = {
            "device": device,
            "dtype": torch.float16 if cuda else torch.float32,
            "on_event": self._say,
        }

        def enter(stack: contextlib.ExitStack) -> dict[str, Any]:
            variant = "fp16" if cuda and any(base.glob("unet/*.fp16.*")) else None
            models = {
                "base": stack.enter_context(
                    model_context(
                        "sdxl",
                        base,
                        loader=StableDiffusionXLPipeline.from_pretrained,
                        variant=variant,
                        **options,
                    )
                )
            }
            if refiner is not None:
                models["refiner"] = stack.enter_context(
                    model_context(
                        "sdxl-refiner",
                        refiner,
                        loader=StableDiffusionXLImg2ImgPipeline.from_pretrained,
                        **options,
                    )
                )
            for pipe in models.values():
                pipe.set_progress_bar_config(disable=True)
            return models

        self.held.ensure((base, refiner, device), enter)

    # ---------------------------------------------------------------- one step

    def _tokens(self, prompt: str) -> int:
        """How many CLIP tokens `prompt` is (the encoders read 77, start and end included)."""
        tokenizer = getattr(self.base, "tokenizer", None)
        if tokenizer is None:
            return 0
        return len(tokenizer(prompt, truncation=False)["input_ids"])

    def _call(self, job: StepJob, common: dict[str, Any], size: dict[str, Any], seeds: list[int],
              device: str, handoff: float | None) -> list[Any]:  # fmt: skip
        """One pipeline call for `seeds` (one image each)."""
        import torch

        generators = [torch.Generator(device).manual_seed(seed) for seed in seeds]
        steps = common["num_inference_steps"]
        base = {  # micro-conditioning: the frame as rendered, uncropped
            **common,
            **size,
            "num_images_per_prompt": len(seeds),
            "generator": generators,
            "callback_on_step_end": step_callback(self._say, job, steps, {"model": "base"}),
        }
        with inference("sdxl", device, self._say):
            if self.refiner is None:
                return list(self.base(**base).images)
            latents = self.base(**base, denoising_end=handoff, output_type="latent").images
            return list(
                self.refiner(
                    **common,
                    image=latents,
                    denoising_start=handoff,
                    num_images_per_prompt=len(seeds),
                    generator=generators,
                    callback_on_step_end=step_callback(self._say, job, steps, {"model": "refiner"}),
                ).images
            )

    def run(self, job: StepJob) -> list[Output]:
        import time

        from PIL.PngImagePlugin import PngInfo

        step = job.step
        assert isinstance(step, ImageStep)
        settings = get_settings()
        profile = job.context.render_profile
        opts = step.opts
        width, height = opts.width or profile.width, opts.height or profile.height
        for field, value, given in (("width", width, opts.width), ("height", height, opts.height)):
            if value % 8:
                where = f"opts.{field}" if given else f"render_profile.{field}"
                raise PermanentStageError(
                    f"{step.id}: SDXL renders sizes that are multiples of 8; {where} is {value}",
                    step_id=step.id,
                    context={"field": where},
                )
        device, fallback = device_for(profile.device)
        steps = opts.steps or DEFAULT_STEPS
        guidance = opts.cfg_scale if opts.cfg_scale is not None else DEFAULT_CFG
        base_seed = opts.seed if opts.seed is not None else (settings.images_sdxl_seed or 0)
        offset = character_seed_offset(step)
        prompt = enriched_prompt(step)
        verdict = moderate(step, prompt, settings)  # before anything loads or renders
        outputs = []
        with self._lock:
            self._begin(job)
            self._load(device)
            sampler = use_sampler(self.base, opts.sampler, SAMPLERS, step.id)
            handoff = None
            if self.refiner is not None:
                handoff = opts.denoising_end or DEFAULT_HANDOFF
            tokens = self._tokens(prompt)
            notes = []
            if tokens > 77:
                notes.append(
                    f"images_stage.prompt_truncated: the prompt is {tokens} CLIP tokens; "
                    "SDXL reads the first 77"
                )
            common = {
                "prompt": prompt,
                "prompt_2": opts.prompt_2,
                "negative_prompt": opts.negative_prompt,
                "negative_prompt_2": opts.negative_prompt_2,
                "guidance_scale": guidance,
                "num_inference_steps": steps,
            }
            size = {
                "width": width,
                "height": height,
                "original_size": (height, width),
                "target_size": (height, width),
                "crops_coords_top_left": (0, 0),
            }
            for batch_index, batch in enumerate(batches(step.count, settings.images_max_per_call)):
                seeds = [image_seed(base_seed, offset, n) for n in batch]
                started = time.perf_counter()
                images = self._call(job, common, size, seeds, device, handoff)
                took = (time.perf_counter() - started) / len(seeds)
                for item_index, (n, seed, image) in enumerate(
                    zip(batch, seeds, images, strict=True)
                ):
                    made = {
                        "model_id": self.model_id,
                        "seed": seed,
                        "device": device,
                        "sampler": opts.sampler or sampler,
                        "steps": steps,
                        "size": f"{width}x{height}",
                        "guidance": guidance,
                        "refiner_handoff": handoff,
                        "prompt": prompt,
                    }
                    info = PngInfo()
                    info.add_text("sparkle-motion", json.dumps(made, sort_keys=True))
                    buffer = io.BytesIO()
                    image.save(buffer, format="PNG", pnginfo=info)
                    outputs.append(
                        Output(
                            name=f"{step.id}-{n}.png" if step.count > 1 else f"{step.id}.png",
                            data=buffer.getvalue(),
                            mime_type="image/png",
                            artifact_type="keyframe",
                            metadata={
                                **made,
                                "width": width,
                                "height": height,
                                "cpu_fallback": fallback,
                                "batch_index": batch_index,
                                "item_index": item_index,
                                "character_seed_offset": offset,
                                "prompt_tokens": tokens,
                                "moderation": verdict,
                                "policy_annotations": notes,
                                "inference_s": round(took, 3),
                                "events": [[name, fields] for name, fields in self.events],
                            },
                        )
                    )
            outputs[0].metadata["metrics"] = metrics_of(self.events)  # the step's, once
            self._end()
        return outputs

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        assert isinstance(step, ImageStep)
        width = step.opts.width or profile.width
        height = step.opts.height or profile.height
        scale = width * height / (1024 * 1024)
        # the device it will run on: a profile asking for CUDA where there is none runs
        # (and is estimated) on the CPU
        device = estimate_device(profile.device)
        steps = step.opts.steps or DEFAULT_STEPS
        return Estimate(
            time_s=SECONDS_PER_STEP[device] * steps * scale * step.count,
            peak_memory_mb=7000.0,
            peak_vram_mb=9500.0 if device == "cuda" else 0.0,
        )
