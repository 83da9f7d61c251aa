"""The hashes and the pixel check: imagehash's pHash as 16 hex digits, a clip's first and
last frames, what `same_pixels` takes for one picture, and a missing imagehash named."""

from __future__ import annotations

import subprocess
import sys

import imagehash
import numpy as np
import pytest
from PIL import Image, ImageDraw

from sparkle_motion.adapters.images.procedural import draw_keyframe
from sparkle_motion.dedupe.phash import clip_end_frames, open_image, phash, same_pixels
from sparkle_motion.errors import MissingDependencyError
from tests.support.media import HEIGHT, WIDTH, context, small_plan, step, still_clip


@pytest.fixture(scope="module")
def keyframe():
    ctx = context(small_plan("short.json"))
    return step(ctx, "image.kf-000")


@pytest.fixture(scope="module")
def image(keyframe, tmp_path_factory):
    path = tmp_path_factory.mktemp("kf") / "kf.png"
    path.write_bytes(draw_keyframe(keyframe, WIDTH, HEIGHT, 0))
    return open_image(path)


def test_phash_is_imagehash_as_16_hex_digits(image):
    value = phash(image)
    assert len(value) == 16 and int(value, 16) >= 0 and value == str(imagehash.phash(image))


def test_same_pixels_takes_noise_not_a_mark_or_another_size(image):
    pixels = np.asarray(image, dtype=np.int16)
    noise = np.random.default_rng(0).integers(-2, 3, size=pixels.shape)
    noisy = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    marked = image.copy()
    ImageDraw.Draw(marked).rectangle((150, 80, 156, 86), fill=(255, 255, 255))
    assert same_pixels(image, image.copy()) and same_pixels(image, noisy)
    distance = (int(phash(marked), 16) ^ int(phash(image), 16)).bit_count()
    assert distance <= 4 and not same_pixels(image, marked)  # near by hash, not the same
    assert not same_pixels(image, image.resize((WIDTH // 2, HEIGHT // 2)))


def test_a_clips_end_frames(keyframe, image, tmp_path):
    clip = still_clip(keyframe, tmp_path / "clip.mp4", 24, 12.0, camera="zoom_in")
    first, last = clip_end_frames(clip)
    assert first.size == last.size == (WIDTH, HEIGHT)
    assert (int(phash(first), 16) ^ int(phash(image), 16)).bit_count() <= 4  # starts on it
    assert not same_pixels(first, last)  # and zooms in


def test_without_imagehash_the_error_names_the_extra(image, monkeypatch):
    monkeypatch.setitem(sys.modules, "imagehash", None)
    with pytest.raises(MissingDependencyError, match=r"sparkle-motion\[dedupe\]"):
        phash(image)


def test_the_engine_loads_no_hashing_or_media_package():
    code = (
        "import sys, sparkle_motion.runs.engine, sparkle_motion.dedupe.perceptual;"
        "print(sorted({'imagehash', 'scipy', 'pywt', 'av', 'PIL'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
