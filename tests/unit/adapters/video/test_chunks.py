"""The chunk arithmetic of long Wan shots, as properties: chunks cover the shot exactly,
each is 4k+1 within [minimum, length], neighbours share at least the overlap, the last
ends on the shot's last frame; stitching gives exactly the planned frames with each
overlap cross-faded; shrinking after out-of-memory halves down to the minimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkle_motion.adapters.video.chunks import Chunking, fit_down, plan_chunks, stitch, wan_frames

settings = st.builds(
    Chunking,
    chunk_frames=st.integers(1, 200),
    overlap_frames=st.integers(1, 8),
    min_chunk_frames=st.integers(9, 40),
)


def test_the_seed_defaults_fitted_to_4k_plus_1():
    seed = Chunking()  # 64 / 4 / 8
    assert (seed.length, seed.overlap_frames, seed.minimum) == (61, 4, 9)
    assert [c.frames for c in plan_chunks(61, seed)] == [61]  # exactly one chunk
    two = plan_chunks(62, seed)  # one frame more: two chunks, the second the minimum
    assert [(c.start, c.frames) for c in two] == [(0, 61), (53, 9)]
    # 24 frames left after the first chunk: 25 (4k+1), so it shares 5 frames
    assert [(c.start, c.frames) for c in plan_chunks(81, seed)] == [(0, 61), (56, 25)]
    assert [(c.start, c.frames) for c in plan_chunks(118, seed)] == [(0, 61), (57, 61)]
    assert [c.rendered for c in plan_chunks(7, seed)] == [9]  # a lone short chunk: 4k+1


@given(st.integers(1, 2000), settings)
def test_chunks_cover_the_shot(frames, chunking):
    chunks = plan_chunks(frames, chunking)
    assert chunks[0].start == 0 and chunks[-1].end == frames and chunks[-1].last
    assert [c.index for c in chunks] == list(range(len(chunks)))
    if len(chunks) == 1:
        (only,) = chunks
        assert only.frames == frames and only.rendered == wan_frames(frames)
        assert frames <= chunking.length
        return
    for chunk in chunks:
        assert chunk.rendered == chunk.frames and (chunk.frames - 1) % 4 == 0
        assert chunking.minimum <= chunk.frames <= chunking.length
    for before, after in itertools.pairwise(chunks):
        assert before.start < after.start < before.end  # they overlap and move on
        assert before.end - after.start >= chunking.overlap_frames
        if not after.last:
            assert before.end - after.start == chunking.overlap_frames


@given(st.integers(2, 300), settings)
def test_stitching_gives_the_planned_frames(frames, chunking):
    chunks = plan_chunks(frames, chunking)
    # each chunk paints its frames with its index: a constant stays constant, the overlap
    # rises from the earlier chunk's value to the later one's
    rendered = [np.full((c.rendered, 1, 1, 1), float(c.index)) for c in chunks]
    out = stitch(chunks, rendered, frames)
    assert out.shape == (frames, 1, 1, 1)
    values = out[:, 0, 0, 0]
    assert values[0] == 0 and values[-1] == chunks[-1].index
    assert np.all(np.diff(values) >= 0)
    for frame, value in enumerate(values):
        covering = [c.index for c in chunks if c.start <= frame < c.end]
        if len(covering) == 1:
            assert value == covering[0]
        else:  # cross-faded from the chunks before it into the last one
            assert min(covering) < value < max(covering)


def test_stitching_refuses_a_chunk_of_the_wrong_length():
    chunks = plan_chunks(30, Chunking(13, 4, 9))
    rendered = [np.zeros((c.frames, 1)) for c in chunks]
    rendered[1] = rendered[1][:-1]
    with pytest.raises(ValueError, match="chunk 1"):
        stitch(chunks, rendered, 30)


@given(settings)
def test_shrinking_halves_down_to_the_minimum(chunking):
    seen = [chunking.length]
    smaller = chunking.shrunk()
    while smaller is not None:
        assert smaller.minimum <= smaller.length < seen[-1]
        assert (smaller.length - 1) % 4 == 0
        seen.append(smaller.length)
        smaller = smaller.shrunk()
    assert seen[-1] == chunking.minimum


def test_settings_that_cannot_chunk_are_refused():
    with pytest.raises(ValueError, match="smaller than the minimum"):
        Chunking(64, 9, 8)
    with pytest.raises(ValueError, match=">= 1"):
        Chunking(64, 0, 8)
    assert fit_down(64) == 61 and fit_down(1) == 1 and wan_frames(8) == 9
