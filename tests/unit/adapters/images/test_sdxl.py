"""The `sdxl` adapter on tiny random-weight pipelines, through diffusers' real
`from_pretrained(local_dir)` and inference: the same seed gives the same bytes and another
seed other pixels; a keyframe is the pixels a direct pipeline call with the same seed and
inputs gives; the refiner hand-off; one load for every keyframe of the stage until
`unload`; the PNG says what made it; missing weights are a typed error naming the env var,
the path and the files; a size SDXL cannot render is refused naming the field."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator

import numpy as np
import pytest
import torch
from diffusers import StableDiffusionXLPipeline
from PIL import Image

from sparkle_motion.adapters.gpu_utils import model_context
from sparkle_motion.adapters.images.policy import (
    character_seed_offset,
    enriched_prompt,
    image_seed,
)
from sparkle_motion.adapters.images.sdxl import SdxlKeyframes
from sparkle_motion.config import reset_settings_cache, use_settings
from sparkle_motion.errors import MissingWeightsError
from tests.conftest import make_settings
from tests.support.media import context, job, small_plan

SIZE = 64


@pytest.fixture
def use(tiny_models) -> Iterator:
    """Make settings (weights and all) the process's for the test."""

    def chosen(**fields):
        use_settings(make_settings(**fields))

    yield chosen
    reset_settings_cache()


def plan_ctx(**opts):
    plan = small_plan("short.json", width=SIZE, height=SIZE)
    for image in plan["base_images"]:
        image.update(opts)
    return context(plan)


def keyframe(adapter, ctx, tmp_path, step_id="image.kf-000", **kw):
    (out,) = adapter.run(job(ctx, step_id, {}, tmp_path / step_id, **kw))
    return out


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def tiny_steps(ctx):
    for step in ctx.plan.steps:
        if step.type == "image":
            step.opts.steps = 2
    return ctx


def test_same_seed_same_bytes_other_seed_other_pixels(use, tiny_models, tmp_path):
    use(images_sdxl_model=tiny_models["sdxl"])
    ctx = tiny_steps(plan_ctx())
    first = keyframe(SdxlKeyframes(), ctx, tmp_path / "a")
    again = keyframe(SdxlKeyframes(), ctx, tmp_path / "b")  # a fresh load
    assert first.data == again.data
    ctx.plan.steps[0].opts.seed = 12345
    other = keyframe(SdxlKeyframes(), ctx, tmp_path / "c")
    assert not np.array_equal(pixels(first.data), pixels(other.data))


def test_a_keyframe_is_the_direct_pipeline_call(use, tiny_models, tmp_path):
    use(images_sdxl_model=tiny_models["sdxl"])
    ctx = tiny_steps(plan_ctx())
    step = ctx.plan.steps[0]
    made = keyframe(SdxlKeyframes(), ctx, tmp_path)
    pipe = StableDiffusionXLPipeline.from_pretrained(
        str(tiny_models["sdxl"]), local_files_only=True
    )
    pipe.set_progress_bar_config(disable=True)
    # the images_stage policy: the characters' appearance in the prompt, their seed offset
    seed = image_seed(step.opts.seed or 0, character_seed_offset(step), 0)
    prompt = enriched_prompt(step)
    assert step.scene and step.scene.characters[0].appearance in prompt
    direct = pipe(
        prompt,
        width=SIZE,
        height=SIZE,
        num_inference_steps=2,
        guidance_scale=5.0,
        original_size=(SIZE, SIZE),
        target_size=(SIZE, SIZE),
        crops_coords_top_left=(0, 0),
        generator=torch.Generator("cpu").manual_seed(seed),
    ).images[0]
    assert np.array_equal(pixels(made.data), np.asarray(direct.convert("RGB")))
    text = json.loads(Image.open(io.BytesIO(made.data)).text["sparkle-motion"])
    assert text["seed"] == seed and text["steps"] == 2 and text["size"] == f"{SIZE}x{SIZE}"
    assert text["device"] == "cpu" and text["model_id"].startswith("sdxl@")
    assert made.metadata["cpu_fallback"] is False  # the short plan's preview profile: cpu


def test_the_refiner_takes_over_and_stays_deterministic(use, tiny_models, tmp_path):
    use(
        images_sdxl_model=tiny_models["sdxl"], images_sdxl_refiner_model=tiny_models["sdxl_refiner"]
    )
    ctx = tiny_steps(plan_ctx())
    refined = keyframe(SdxlKeyframes(), ctx, tmp_path / "a")
    assert refined.metadata["refiner_handoff"] == 0.8
    assert "+sdxl_refiner@" in refined.metadata["model_id"]
    assert keyframe(SdxlKeyframes(), ctx, tmp_path / "b").data == refined.data
    use(images_sdxl_model=tiny_models["sdxl"])
    plain = keyframe(SdxlKeyframes(), ctx, tmp_path / "c")
    assert not np.array_equal(pixels(plain.data), pixels(refined.data))


def test_the_refiner_takes_a_batch(use, tiny_models, tmp_path):
    use(
        images_sdxl_model=tiny_models["sdxl"],
        images_sdxl_refiner_model=tiny_models["sdxl_refiner"],
        images_max_per_call=2,
    )
    ctx = tiny_steps(plan_ctx())
    ctx.plan.steps[0].count = 2
    outs = SdxlKeyframes().run(job(ctx, "image.kf-000", {}, tmp_path / "batch"))
    assert [o.metadata["item_index"] for o in outs] == [0, 1]
    assert all(Image.open(io.BytesIO(o.data)).size == (SIZE, SIZE) for o in outs)
    assert not np.array_equal(pixels(outs[0].data), pixels(outs[1].data))


def test_one_load_for_every_keyframe_until_unload(use, tiny_models, tmp_path):
    use(images_sdxl_model=tiny_models["sdxl"])
    ctx = tiny_steps(plan_ctx())
    adapter = SdxlKeyframes()
    events = []
    for step in [s for s in ctx.plan.steps if s.type == "image"][:3]:
        out = keyframe(adapter, ctx, tmp_path, step.id)
        events += [name for name, _ in out.metadata["events"]]
    assert events.count("load_start") == 1 and events.count("inference_end") == 3
    assert adapter.loaded()
    adapter.unload()
    assert not adapter.loaded()
    again = keyframe(adapter, ctx, tmp_path / "again")
    assert [n for n, _ in again.metadata["events"]].count("load_start") == 1


def test_model_context_always_unloads_and_reports(tiny_models):
    said = []
    with (
        pytest.raises(RuntimeError, match="boom"),
        model_context(
            "sdxl",
            tiny_models["sdxl"],
            loader=StableDiffusionXLPipeline.from_pretrained,
            on_event=lambda name, fields: said.append((name, fields)),
        ),
    ):
        raise RuntimeError("boom")
    assert [n for n, _ in said] == ["load_start", "load_complete", "cleanup"]
    assert said[1][1]["load_s"] >= 0 and said[1][1]["peak_memory_mb"] > 0


def test_missing_weights_name_the_env_var_the_path_and_the_files(use, tiny_models, tmp_path):
    ctx = plan_ctx()
    use(images_sdxl_model=None)
    with pytest.raises(MissingWeightsError, match="IMAGES_SDXL_MODEL is not set"):
        SdxlKeyframes().preflight(ctx.render_profile)
    broken = tmp_path / "sdxl"
    shutil.copytree(tiny_models["sdxl"], broken)
    shutil.rmtree(broken / "unet")
    use(images_sdxl_model=broken)
    with pytest.raises(MissingWeightsError) as caught:
        keyframe(SdxlKeyframes(), ctx, tmp_path)
    assert f"IMAGES_SDXL_MODEL={broken}" in caught.value.message
    assert "missing unet" in caught.value.message


def test_the_dry_run_estimate_scales_with_size_and_steps(tiny_models):
    ctx = plan_ctx()
    step = ctx.plan.steps[0]
    small = SdxlKeyframes().estimate(step, ctx.render_profile)
    step.opts.steps = 60
    assert SdxlKeyframes().estimate(step, ctx.render_profile).time_s == pytest.approx(
        small.time_s * 2
    )


def test_a_steps_images_render_in_batches_each_with_its_place(use, tiny_models, tmp_path):
    use(images_sdxl_model=tiny_models["sdxl"], images_max_per_call=2)
    ctx = tiny_steps(plan_ctx())
    ctx.plan.steps[0].count = 3
    outs = SdxlKeyframes().run(job(ctx, "image.kf-000", {}, tmp_path / "batch"))
    places = [(o.metadata["batch_index"], o.metadata["item_index"]) for o in outs]
    assert places == [(0, 0), (0, 1), (1, 0)]
    seeds = [o.metadata["seed"] for o in outs]
    assert seeds == [seeds[0], seeds[0] + 1, seeds[0] + 2]
    assert not np.array_equal(pixels(outs[0].data), pixels(outs[1].data))
    denoise = [f for n, f in outs[-1].metadata["events"] if n == "denoise_step"]
    assert len(denoise) == 2 * 2  # two calls of two steps each, not three


def test_a_refused_prompt_fails_before_the_model_loads(use, tiny_models, tmp_path):
    from sparkle_motion.errors import ImagePolicyViolation

    use(images_sdxl_model=tiny_models["sdxl"], plan_blocked_terms=["appearance-term"])
    ctx = tiny_steps(plan_ctx())
    step = ctx.plan.steps[0]
    assert step.scene and step.scene.characters
    step.scene.characters[0].appearance = "wears an appearance-term"
    adapter = SdxlKeyframes()
    with pytest.raises(ImagePolicyViolation, match="appearance-term"):
        keyframe(adapter, ctx, tmp_path)
    assert not adapter.loaded() and adapter.events == []
