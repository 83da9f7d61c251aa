"""What the orchestration costs on top of the models: the same tiny random-weight SDXL and
Wan pipelines (`sparkle-motion models make-tiny --size bench`) called directly, keyframe by
keyframe and clip by clip, against the same work through the adapters, the engine and the
ADK graph (`execute_plan`, profile `full` with the preview voices and mux), for the
6-shot plan examples/plans/tiny_full.json. Prints a table: model seconds per stage
directly, the stage's step seconds through the pipeline (from the step records), the
overhead, and the model loads per run (load_start events).

    .venv/bin/python benchmarks/adapter_overhead.py [--size bench|test]

Goal: overhead <= 2% of model time with the bench size; loads per run = 2 (one per model
stage). The direct calls load each pipeline once too, so loading is on both sides.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "examples" / "plans" / "tiny_full.json"


def direct(ctx, models: dict[str, Path]) -> dict[str, float]:
    """Each keyframe and clip of the run's steps, straight through diffusers."""
    import torch
    from diffusers import StableDiffusionXLPipeline, WanImageToVideoPipeline

    from sparkle_motion.adapters.images.policy import (
        character_seed_offset,
        enriched_prompt,
        image_seed,
    )
    from sparkle_motion.adapters.video.chunks import plan_chunks
    from sparkle_motion.adapters.video.wan import DEFAULT_GUIDANCE, DEFAULT_STEPS, chunking

    profile = ctx.render_profile
    images = [s for s in ctx.plan.steps if s.type == "image"]
    clips = [s for s in ctx.plan.steps if s.type == "video"]
    took: dict[str, float] = {}
    started = time.perf_counter()
    sdxl = StableDiffusionXLPipeline.from_pretrained(str(models["sdxl"]), local_files_only=True)
    sdxl.set_progress_bar_config(disable=True)
    made = []
    for step in images:
        w, h = profile.width, profile.height
        made.append(
            sdxl(
                enriched_prompt(step),
                negative_prompt=step.opts.negative_prompt,
                width=w,
                height=h,
                original_size=(h, w),
                target_size=(h, w),
                crops_coords_top_left=(0, 0),
                num_inference_steps=30,
                guidance_scale=5.0,
                generator=torch.Generator("cpu").manual_seed(
                    image_seed(step.opts.seed or 0, character_seed_offset(step), 0)
                ),
            ).images[0]
        )
    took["base_images"] = time.perf_counter() - started
    del sdxl
    started = time.perf_counter()
    wan = WanImageToVideoPipeline.from_pretrained(str(models["wan"]), local_files_only=True)
    wan.set_progress_bar_config(disable=True)
    for i, step in enumerate(clips):
        frames = step.opts.num_frames or round(profile.fps * 4)
        first = made[min(i, len(made) - 1)]
        last = made[min(i + 1, len(made) - 1)]
        for chunk in plan_chunks(frames, chunking()):  # the same calls the adapter makes
            wan(
                image=first,
                last_image=last,
                prompt=step.prompt,
                height=profile.height,
                width=profile.width,
                num_frames=chunk.rendered,
                num_inference_steps=DEFAULT_STEPS,
                guidance_scale=DEFAULT_GUIDANCE,
                generator=torch.Generator("cpu").manual_seed(chunk.index),
                output_type="np",
            )
    took["video"] = time.perf_counter() - started
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=("bench", "test"), default="bench")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sparkle-bench-"))
    os.environ.update({"SPARKLE_HOME": str(root), "SPARKLE_DOTENV": ""})

    from sparkle_motion.adapters.tiny_models import make_tiny, quiet
    from sparkle_motion.config import load_settings, use_settings
    from sparkle_motion.production_agent import execute_plan
    from sparkle_motion.runs.intake import prepare
    from sparkle_motion.runs.records import StepRecords
    from sparkle_motion.storage import open_database

    quiet()
    models = make_tiny(root / "tiny", args.size)
    settings = load_settings(
        {
            "render_profile": "full",
            "adapters": ["tts=piper", "lipsync=audio_mux"],
            "images_sdxl_model": models["sdxl"],
            "videos_wan_model": models["wan"],
        },
        env={"SPARKLE_DOTENV": "", "SPARKLE_HOME": str(root)},
    )
    use_settings(settings)
    plan = json.loads(PLAN.read_text())
    ctx, _ = prepare(plan, run_id="bench", settings=settings)
    ours = direct(ctx, models)

    started = time.perf_counter()
    execute_plan(plan, mode="run", run_id="bench", settings=settings)
    whole = time.perf_counter() - started
    db = open_database(settings)
    try:
        records = StepRecords(db).list("bench")
    finally:
        db.close()
    loads = sum(
        1
        for r in records
        for a in r.artifacts
        for name, _ in (a.metadata.get("events") or [])
        if name == "load_start"
    )
    print(
        f"tiny models ({args.size}), {PLAN.name}, {ctx.render_profile.width}x"
        f"{ctx.render_profile.height}, {os.cpu_count()} CPUs"
    )
    print(f"{'stage':<12} {'direct s':>10} {'pipeline s':>11} {'overhead':>9}")
    total_direct = total_ours = 0.0
    for stage in ("base_images", "video"):
        steps = [r for r in records if r.stage == stage]
        through = sum(r.duration_s or 0.0 for r in steps)
        total_direct += ours[stage]
        total_ours += through
        print(
            f"{stage:<12} {ours[stage]:>10.2f} {through:>11.2f} "
            f"{(through - ours[stage]) / ours[stage]:>8.1%}"
        )
    print(
        f"{'both':<12} {total_direct:>10.2f} {total_ours:>11.2f} "
        f"{(total_ours - total_direct) / total_direct:>8.1%}"
    )
    print(
        f"model loads in the run: {loads} (goal 2); whole run {whole:.1f} s "
        f"(voices, mux, assembly included)"
    )


if __name__ == "__main__":
    main()
