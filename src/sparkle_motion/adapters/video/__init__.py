"""Shot clips: one adapter per backend (ffmpeg_motion, wan), and what they share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...schemas import VideoStep
from ..base import Output


def shot_clip(step: VideoStep, path: Path, metadata: dict[str, Any]) -> Output:
    """A shot's MP4 as every video backend publishes it: named for the shot."""
    return Output(
        name=f"{step.shot_id or step.id}.mp4",
        data=path,
        mime_type="video/mp4",
        artifact_type="shot_mp4",
        metadata=metadata,
    )
