"""Derived identifiers and seeds: one place decides how compiled steps are named."""

from __future__ import annotations

import hashlib

from ..schemas import MoviePlan


def image_step_id(plan: MoviePlan, index: int) -> str:
    return f"image.{plan.keyframe_id(index)}"


def tts_step_id(line_id: str) -> str:
    return f"tts.{line_id}"


def video_step_id(shot_id: str) -> str:
    return f"video.{shot_id}"


def lipsync_step_id(shot_id: str) -> str:
    return f"lipsync.{shot_id}"


def derive_seed(base: int, *parts: str) -> int:
    """A stable 32-bit seed from the plan seed and a name: same inputs, same seed, anywhere."""
    digest = hashlib.sha256(":".join([str(base), *parts]).encode()).digest()
    return int.from_bytes(digest[:4], "big")


ASSEMBLE_STEP_ID = "assemble.film"
FINALIZE_STEP_ID = "finalize.film"
