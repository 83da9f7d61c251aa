"""Small keyframe steps and pixel helpers for the storyboard tests (frames at 384x216)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from sparkle_motion.adapters.images.procedural import draw_keyframe
from sparkle_motion.schemas import ImageStep
from sparkle_motion.schemas.steps import SceneCharacter, SceneHint

W, H = 384, 216


def char(cid: str, name: str | None = None, appearance: str | None = None) -> SceneCharacter:
    return SceneCharacter(id=cid, name=name or cid.title(), appearance=appearance)


def step(
    prompt: str = "a quiet moment",
    *,
    setting: str | None = None,
    time: str | None = "day",
    characters: list[SceneCharacter] | None = None,
    speaker: str | None = None,
    caption: str = "",
    keyframe: int = 0,
) -> ImageStep:
    return ImageStep(
        id=f"image.kf-{keyframe:03d}",
        prompt=prompt,
        keyframe=keyframe,
        scene=SceneHint(
            shot_id="s1",
            caption=caption,
            setting=setting,
            time_of_day=time,
            characters=characters or [],
            speaker=speaker,
        ),
    )


def pixels(s: ImageStep, seed: int = 3, width: int = W, height: int = H) -> np.ndarray:
    """The frame as an (h, w, 3) int array."""
    png = draw_keyframe(s, width, height, seed)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where two frames differ: an (h, w) bool mask."""
    return np.abs(a - b).sum(axis=2) > 0


def box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the True pixels (there must be some)."""
    ys, xs = np.nonzero(mask)
    assert len(ys), "nothing of that colour or change in the frame"
    return int(ys.min()), int(ys.max()), int(xs.min()), int(xs.max())


def near(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 12) -> np.ndarray:
    """Pixels within `tol` of `rgb` on every channel."""
    return (np.abs(img - np.array(rgb)) <= tol).all(axis=2)
