"""Procedural keyframes (the adapter; what a frame shows is tested in storyboard/): real
PNGs at the step's size, byte-identical per seed, different per keyframe and per take, and
each character in the same colour in every shot."""

from __future__ import annotations

import io

from PIL import Image

from sparkle_motion.adapters.base import StepJob
from sparkle_motion.adapters.images.procedural import (
    ProceduralKeyframes,
    character_colour,
    draw_keyframe,
)
from tests.support.media import HEIGHT, WIDTH, context, job, step


def _pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_a_keyframe_is_a_png_of_the_step_size(tmp_path):
    ctx = context()
    out = ProceduralKeyframes().run(job(ctx, "image.kf-000", {}, tmp_path))
    assert len(out) == 1 and out[0].mime_type == "image/png" and out[0].name.endswith(".png")
    assert _pixels(out[0].data).size == (WIDTH, HEIGHT)


def test_same_seed_same_bytes_and_every_keyframe_differs(tmp_path):
    ctx = context()
    images = [s for s in ctx.plan.steps if s.type == "image"]
    pngs = [draw_keyframe(s, WIDTH, HEIGHT, s.opts.seed) for s in images]
    assert pngs == [draw_keyframe(s, WIDTH, HEIGHT, s.opts.seed) for s in images]
    assert len(set(pngs)) == len(pngs)
    first = images[0]
    assert draw_keyframe(first, WIDTH, HEIGHT, 1) != draw_keyframe(first, WIDTH, HEIGHT, 2)


def test_mood_and_time_of_day_change_the_palette():
    ctx = context()
    base = step(ctx, "image.kf-001")  # night
    dawn = base.model_copy(update={"scene": base.scene.model_copy(update={"time_of_day": "dawn"})})
    night_px = _pixels(draw_keyframe(base, WIDTH, HEIGHT, 7)).getpixel((5, HEIGHT // 3))
    dawn_px = _pixels(draw_keyframe(dawn, WIDTH, HEIGHT, 7)).getpixel((5, HEIGHT // 3))
    assert sum(dawn_px) > sum(night_px) + 100  # dawn sky is far brighter than night


def test_a_character_keeps_its_colour_across_shots():
    ctx = context()
    colour = character_colour("ada")
    assert colour == character_colour("ada") and colour != character_colour("tobin")
    seen = 0
    for s in ctx.plan.steps:
        if s.type == "image" and any(c.id == "ada" for c in s.scene.characters):
            img = _pixels(draw_keyframe(s, WIDTH, HEIGHT, s.opts.seed))
            assert colour in {c for _, c in img.getcolors(WIDTH * HEIGHT)}
            seen += 1
    assert seen >= 3


def test_several_takes_of_a_keyframe_are_different_frames(tmp_path):
    ctx = context()
    one = step(ctx, "image.kf-002")
    out = ProceduralKeyframes().run(
        StepJob(step=one.model_copy(update={"count": 3}), inputs={}, context=ctx, workdir=tmp_path)
    )
    assert [o.name for o in out] == [f"image.kf-002-{n}.png" for n in range(3)]
    assert len({o.data for o in out}) == 3
    assert [o.metadata["seed"] for o in out] == [one.opts.seed + n for n in range(3)]
