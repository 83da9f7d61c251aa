"""The images the perceptual dedupe compares: a keyframe, a clip's first and last frames,
their pHash, and the pixel check a substitution needs besides an equal hash.

pHash is imagehash's `phash` (64 bits: the grey image at 32x32, its 2-D DCT, each of the
8x8 lowest frequencies above their median or not), as 16 hex digits. imagehash (the
`dedupe` extra: it pulls scipy and PyWavelets), Pillow and PyAV load on first use, so
`import sparkle_motion` loads none of them; without imagehash, `phash` raises
MissingDependencyError naming the extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MissingDependencyError

if TYPE_CHECKING:
    from PIL.Image import Image

# `same_pixels`: the largest mean difference (0-255, per channel) a 32x32 tile of two
# images may have for them to count as the same picture. A lossless re-encode is 0 and a
# GPU's run-to-run noise about 1; a changed name label, a re-tint or a moved figure puts
# some tile far above it.
TILE = 32
TILE_TOLERANCE = 3.0


def phash(image: Image) -> str:
    """The image's 64-bit pHash as 16 hex digits."""
    try:
        import imagehash
    except ImportError as exc:
        raise MissingDependencyError(
            "perceptual dedupe needs imagehash: pip install 'sparkle-motion[dedupe]' "
            "(or turn it off: SPARKLE_DEDUPE=0)",
            context={"package": "imagehash", "extra": "dedupe"},
        ) from exc
    return str(imagehash.phash(image))


def open_image(path: Path) -> Image:
    """The image at `path`, decoded whole (RGB)."""
    from PIL import Image as PILImage

    with PILImage.open(path) as img:
        return img.convert("RGB")


def clip_end_frames(path: Path) -> tuple[Image, Image]:
    """A clip's first and last frames (RGB), decoded with PyAV: the first, then from a seek
    to a second before the end (the whole clip when the container cannot seek)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        first = next(iter(container.decode(stream)), None)
        if first is None:
            raise ValueError(f"{path.name}: no video frames")
        last = first
        duration = stream.duration
        if duration is not None and stream.time_base is not None:
            try:
                container.seek(max(0, duration - int(1 / stream.time_base)), stream=stream)
            except av.error.FFmpegError:
                container.seek(0, stream=stream)
        for frame in container.decode(stream):
            last = frame  # converted once, at the end
        return first.to_image().convert("RGB"), last.to_image().convert("RGB")


def same_pixels(a: Image, b: Image, *, tile: int = TILE, tolerance: float = TILE_TOLERANCE) -> bool:
    """The two images are the same picture: the same size, and no `tile`x`tile` tile whose
    mean difference per channel is above `tolerance` (a near-equal hash alone cannot tell
    two frames apart that differ in a name label or a tint)."""
    import numpy as np

    if a.size != b.size:
        return False
    diff = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16))
    height, width = diff.shape[:2]
    rows, cols = -(-height // tile), -(-width // tile)
    padded = np.zeros((rows * tile, cols * tile, diff.shape[2]), dtype=np.float64)
    padded[:height, :width] = diff
    sums = padded.reshape(rows, tile, cols, tile, -1).sum(axis=(1, 3, 4))
    counts = np.zeros((rows * tile, cols * tile))
    counts[:height, :width] = diff.shape[2]
    areas = counts.reshape(rows, tile, cols, tile).sum(axis=(1, 3))
    return bool((sums / areas).max() <= tolerance)
