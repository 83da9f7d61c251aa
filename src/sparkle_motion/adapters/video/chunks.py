"""A long shot as chunks Wan can render, and the chunks stitched back into one clip.

Wan 2.1 renders 4k+1 frames at a time (its temporal VAE packs 4 frames after the first),
and its memory grows with the frames of a call. A shot longer than `chunk_frames` is
rendered as overlapping chunks (the seed's `chunk_length_frames=64`,
`chunk_overlap_frames=4`, `min_chunk_frames=8`), each fitted to 4k+1:

- the chunk length is the largest 4k+1 <= `chunk_frames` (64 -> 61); the minimum the
  smallest 4k+1 >= `min_chunk_frames` (8 -> 9);
- chunks start every `length - overlap` frames; the last one ends on the shot's last frame
  and is the smallest 4k+1 that covers what is left (at least the minimum), so it may
  overlap its predecessor by more than `overlap` (with a minimum close to the length,
  the chunk before that too);
- a shot that fits in one chunk is one call of the smallest 4k+1 >= its frames, resampled
  evenly to its frames (first and last kept).

What conditions each chunk (`WanImageToVideoPipeline(image=, last_image=)`): the first
chunk starts from the shot's first keyframe; every later chunk starts from the previous
chunk's frame where the overlap begins (its tail); only the final chunk is given the
shot's last keyframe as `last_image`, so the clip still ends where the storyboard says.
(FLF2V weights embed two CLIP images per call: an earlier chunk gets its start frame and
the shot's last keyframe there, the direction of travel, without being pinned to it.)
Each overlap is cross-faded linearly from what is stitched so far into the new chunk. Chunk i's seed is the shot's
seed + i.

No torch here (numpy for stitching only), so the arithmetic is tested as a property without models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def wan_frames(frames: int) -> int:
    """The smallest 4k+1 >= frames (Wan's temporal VAE packs 4 frames after the first)."""
    return 1 + 4 * max(0, -(-(frames - 1) // 4))


def fit_down(frames: int) -> int:
    """The largest 4k+1 <= frames (at least 1)."""
    return 1 + 4 * max(0, (frames - 1) // 4)


def resample(total: int, wanted: int) -> list[int]:
    """`wanted` frame indices spread evenly over `total`, the first and the last kept."""
    if wanted <= 1:
        return [0]
    return [round(i * (total - 1) / (wanted - 1)) for i in range(wanted)]


@dataclass(frozen=True)
class Chunking:
    """The seed's chunk settings, fitted to Wan's 4k+1 rule."""

    chunk_frames: int = 64
    overlap_frames: int = 4
    min_chunk_frames: int = 8

    def __post_init__(self) -> None:
        if min(self.chunk_frames, self.min_chunk_frames, self.overlap_frames) < 1:
            # a later chunk starts from a frame of the one before: they share at least one
            raise ValueError("chunk_frames, overlap_frames and min_chunk_frames must be >= 1")
        if self.overlap_frames >= self.minimum:
            raise ValueError(
                f"chunk overlap ({self.overlap_frames}) must be smaller than the minimum "
                f"chunk ({self.minimum} frames, min_chunk_frames fitted to 4k+1)"
            )

    @property
    def length(self) -> int:
        return max(fit_down(self.chunk_frames), self.minimum)

    @property
    def minimum(self) -> int:
        return wan_frames(self.min_chunk_frames)

    def shrunk(self) -> Chunking | None:
        """Half the chunk length (fitted), for a retry after out-of-memory; None at the
        minimum."""
        if self.length <= self.minimum:
            return None
        return Chunking(
            max(self.minimum, fit_down(self.length // 2)),
            self.overlap_frames,
            self.min_chunk_frames,
        )

    def key(self) -> str:
        return f"{self.length}/{self.overlap_frames}/{self.minimum}"


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int  # the shot frame it starts on
    frames: int  # the shot frames it covers
    rendered: int  # the frames Wan renders for it (4k+1; > frames only for a lone chunk)
    last: bool

    @property
    def end(self) -> int:
        return self.start + self.frames


def plan_chunks(frames: int, chunking: Chunking) -> list[Chunk]:
    """The chunks of a shot of `frames` frames (see the module's doc)."""
    if frames < 1:
        raise ValueError(f"a shot has at least 1 frame, got {frames}")
    length = chunking.length
    if frames <= length:
        return [Chunk(0, 0, frames, wan_frames(frames), True)]
    step = length - chunking.overlap_frames
    starts = [0]
    while frames - starts[-1] > length:
        starts.append(starts[-1] + step)
    left = frames - starts[-1]
    tail = min(length, max(chunking.minimum, wan_frames(left)))
    starts[-1] = frames - tail
    chunks = [Chunk(i, s, length, length, False) for i, s in enumerate(starts[:-1])]
    chunks.append(Chunk(len(starts) - 1, starts[-1], tail, tail, True))
    return chunks


def stitch(chunks: list[Chunk], rendered: list[np.ndarray], frames: int) -> np.ndarray:
    """One clip of `frames` frames from each chunk's frames (float arrays, frames first),
    cross-fading each overlap linearly from the earlier chunk to the later one."""
    import numpy as np  # not at import: the settings check the chunk arithmetic

    if len(chunks) == 1:
        return rendered[0][resample(chunks[0].rendered, frames)]
    out = np.empty((frames, *rendered[0].shape[1:]), dtype=rendered[0].dtype)
    previous_end = 0
    for chunk, video in zip(chunks, rendered, strict=True):
        if len(video) != chunk.frames:
            raise ValueError(f"chunk {chunk.index}: {len(video)} frames, expected {chunk.frames}")
        overlap = max(0, previous_end - chunk.start)
        if overlap:
            weight = (np.arange(1, overlap + 1, dtype=np.float64) / (overlap + 1)).reshape(
                (overlap,) + (1,) * (video.ndim - 1)
            )
            earlier = out[chunk.start : previous_end]
            out[chunk.start : previous_end] = (1 - weight) * earlier + weight * video[:overlap]
        out[chunk.start + overlap : chunk.end] = video[overlap:]
        previous_end = chunk.end
    return out
