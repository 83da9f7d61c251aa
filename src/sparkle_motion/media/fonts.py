"""The TrueType font captions, names and subtitles are drawn with (fonts-dejavu-core)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


@cache
def font_path() -> str | None:
    """A TrueType font set-up provides (fonts-dejavu-core); None -> Pillow's own."""
    return next((p for p in FONT_CANDIDATES if Path(p).is_file()), None)


def font(size: int):
    """A Pillow font of `size` pixels."""
    from PIL import ImageFont

    path = font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)
