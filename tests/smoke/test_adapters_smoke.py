"""The `full` profile's model adapters on real weights from local folders. Runs only with
SMOKE_ADAPTERS=1, and each test only when its weights are set (else it skips naming the
env var and the folder it expects):

- `sdxl` renders one keyframe: IMAGES_SDXL_MODEL, a diffusers `save_pretrained` folder of
  StableDiffusionXLPipeline (model_index.json, unet/, vae/, text_encoder/, text_encoder_2/,
  tokenizer/, tokenizer_2/, scheduler/), e.g. stabilityai/stable-diffusion-xl-base-1.0
  (IMAGES_SDXL_REFINER_MODEL too, when set).
- `wan` renders one 2-second clip between two keyframes: VIDEOS_WAN_MODEL, a
  `save_pretrained` folder of WanImageToVideoPipeline (model_index.json, transformer/,
  vae/, text_encoder/, tokenizer/, scheduler/, image_encoder/, image_processor/), e.g.
  Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers.

The profile is `full` (CUDA; without it the CPU, recorded as `cpu_fallback`). Sizes default
to the real ones and are set by env, so the same bodies run on the tiny random-weight
models on a CPU:

    SMOKE_SDXL_SIZE=1024x1024  SMOKE_SDXL_STEPS=30
    SMOKE_WAN_SIZE=832x480     SMOKE_WAN_STEPS=30   SMOKE_WAN_FRAMES=33
                               (a 2 s shot at the profile's 16 fps, as 4k+1)

    sparkle-motion models make-tiny /tmp/tinysmoke
    SMOKE_ADAPTERS=1 IMAGES_SDXL_MODEL=/tmp/tinysmoke/sdxl VIDEOS_WAN_MODEL=/tmp/tinysmoke/wan \\
    SMOKE_SDXL_SIZE=64x64 SMOKE_SDXL_STEPS=2 SMOKE_WAN_SIZE=64x64 SMOKE_WAN_STEPS=2 \\
    pytest tests/smoke/test_adapters_smoke.py

SMOKE_WAN_FRAMES other than 33 renders that many frames (the clip is then not 2 s)."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.smoke.conftest import smoke

# loading 14B Wan weights from disk can take minutes before the first step
pytestmark = [smoke("adapters"), pytest.mark.timeout(3600)]

SHOT_S = 2.0


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_size(name: str, default: str) -> tuple[int, int]:
    width, _, height = (os.environ.get(name) or default).lower().partition("x")
    return int(width), int(height)


@pytest.fixture
def real_settings() -> Iterator[None]:
    """The process's own env (the weights folders), not the tests' empty one."""
    from sparkle_motion.config import load_settings, reset_settings_cache, use_settings

    use_settings(load_settings())
    yield
    reset_settings_cache()


def full_context(width: int, height: int, shot_s: float = SHOT_S):
    from tests.support.media import context, small_plan

    plan = small_plan("short.json", width=width, height=height)
    plan["render_profile"]["name"] = "full"
    plan["shots"][0]["duration_s"] = shot_s
    return context(plan)


def weights_or_skip(adapter, ctx, setting: str, env: str, files: tuple[str, ...]) -> None:
    """Skip when the env var is unset; a folder that is set but incomplete fails."""
    from sparkle_motion.config import get_settings
    from sparkle_motion.errors import MissingWeightsError

    try:
        adapter.preflight(ctx.render_profile)
    except MissingWeightsError as exc:
        if getattr(get_settings(), setting) is None:
            pytest.skip(
                f"{exc.message}; set {env} to a diffusers save_pretrained folder with "
                f"{', '.join(files)}"
            )
        raise


def not_flat(pixels) -> None:
    """Not one colour (black frames are what NaNs in an fp16 VAE decode look like)."""
    assert float(pixels.std()) > 1.0, "the output is a single flat colour"


def test_sdxl_renders_one_keyframe(real_settings, tmp_path):
    import numpy as np
    from PIL import Image

    from sparkle_motion.adapters.images.sdxl import PIPELINE_FILES, SdxlKeyframes
    from tests.support.media import job

    width, height = env_size("SMOKE_SDXL_SIZE", "1024x1024")
    steps = env_int("SMOKE_SDXL_STEPS", 30)
    ctx = full_context(width, height)
    adapter = SdxlKeyframes()
    weights_or_skip(adapter, ctx, "images_sdxl_model", "IMAGES_SDXL_MODEL", PIPELINE_FILES)
    # a keyframe that shows no character: its image's seed is the step's own (a character
    # would add its fixed offset)
    step = next(s for s in ctx.plan.steps if s.type == "image" and not s.scene.characters)
    assert step.opts.seed is not None
    step.opts.steps = steps
    try:
        (out,) = adapter.run(job(ctx, step.id, {}, tmp_path / step.id))
    finally:
        adapter.unload()

    image = Image.open(io.BytesIO(out.data))
    assert image.format == "PNG" and image.size == (width, height)
    made = json.loads(image.text["sparkle-motion"])
    assert made["seed"] == step.opts.seed and made["steps"] == steps
    assert made["size"] == f"{width}x{height}" and made["model_id"] == adapter.model_id
    not_flat(np.asarray(image.convert("RGB")))
    print(f"sdxl on {made['device']}: {out.metadata['metrics']}")


def test_wan_renders_one_two_second_clip(real_settings, tmp_path):
    import av
    import numpy as np

    from sparkle_motion.adapters.images.procedural import draw_keyframe
    from sparkle_motion.adapters.video.wan import PIPELINE_FILES, WanClips
    from sparkle_motion.media.probe import probe
    from tests.support.media import job, step

    width, height = env_size("SMOKE_WAN_SIZE", "832x480")
    ctx = full_context(width, height)
    adapter = WanClips()
    weights_or_skip(adapter, ctx, "videos_wan_model", "VIDEOS_WAN_MODEL", PIPELINE_FILES)
    video = step(ctx, f"video.{ctx.plan.shots[0].id}")
    assert video.opts.num_frames == 33  # 2 s at 16 fps, as Wan's 4k+1
    video.opts.num_frames = frames = env_int("SMOKE_WAN_FRAMES", video.opts.num_frames)
    video.opts.steps = env_int("SMOKE_WAN_STEPS", 30)
    fps = video.opts.fps
    inputs: dict[str, Path] = {}
    for ref in [*video.start_frames, *video.end_frames]:  # storyboard keyframes as the ends
        keyframe = step(ctx, ref.removeprefix("@"))
        inputs[ref] = tmp_path / f"{keyframe.id}.png"
        inputs[ref].write_bytes(draw_keyframe(keyframe, width, height, keyframe.opts.seed))
    try:
        (clip,) = adapter.run(job(ctx, video.id, inputs, tmp_path / video.id))
    finally:
        adapter.unload()

    info = probe(clip.data)
    assert info.video_codec == "h264" and (info.width, info.height) == (width, height)
    assert info.frames == frames and info.frame_rate == pytest.approx(fps)
    assert info.duration_s == pytest.approx(frames / fps, abs=1 / fps)
    assert clip.metadata["seed"] == video.opts.seed
    with av.open(str(clip.data)) as container:
        decoded = np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])
    assert decoded.shape == (frames, height, width, 3)
    not_flat(decoded)
    print(f"wan on {clip.metadata['device']}: {clip.metadata['metrics']}")
