"""ffmpeg motion: a clip of exactly num_frames from the first keyframe to the last, per
camera move, the same bytes for the same step."""

from __future__ import annotations

import hashlib

import pytest

from sparkle_motion.adapters.images.procedural import draw_keyframe
from sparkle_motion.adapters.video.ffmpeg_motion import FfmpegMotion, camera_filter
from sparkle_motion.media.probe import probe
from tests.support.media import HEIGHT, WIDTH, context, job, step, write


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    ctx = context()
    folder = tmp_path_factory.mktemp("kf")
    paths = {}
    for s in ctx.plan.steps:
        if s.type == "image":
            path = folder / f"{s.id}.png"
            path.write_bytes(draw_keyframe(s, WIDTH, HEIGHT, s.opts.seed))
            paths["@" + s.id] = path
    return ctx, paths


def _first_last(path):
    import av

    with av.open(str(path)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    return frames[0], frames[-1], len(frames)


@pytest.mark.parametrize("camera", ["zoom_in", "pan_left", "tilt_up", "crossfade", "static"])
def test_each_camera_move_gives_a_clip_of_the_planned_length(frames, tmp_path, camera):
    ctx, paths = frames
    base = step(ctx, "video.s3-fog")
    moved = base.model_copy(update={"camera": camera})
    from sparkle_motion.adapters.base import StepJob

    out = FfmpegMotion().run(StepJob(step=moved, inputs=paths, context=ctx, workdir=tmp_path))[0]
    clip = write(out, tmp_path / "clip.mp4")
    info = probe(clip)
    assert info.video_codec == "h264" and (info.width, info.height) == (WIDTH, HEIGHT)
    first, last, n = _first_last(clip)
    assert n == base.opts.num_frames and abs(info.duration_s - n / base.opts.fps) < 0.05
    assert abs(first.astype(int) - last.astype(int)).mean() > 3  # it moves / dissolves


def test_the_same_step_gives_the_same_bytes(frames, tmp_path):
    ctx, paths = frames
    a = FfmpegMotion().run(job(ctx, "video.s1-lamp", paths, tmp_path / "a"))[0]
    b = FfmpegMotion().run(job(ctx, "video.s1-lamp", paths, tmp_path / "b"))[0]
    digest = [
        hashlib.sha256(write(o, tmp_path / f"{i}.mp4").read_bytes()).hexdigest()
        for i, o in enumerate((a, b))
    ]
    assert digest[0] == digest[1]


def test_camera_filters_are_known_moves():
    assert camera_filter("static", 320, 176, 10, 24) == "null"
    assert "zoompan" in camera_filter("zoom_out", 320, 176, 10, 24)
    assert "crop=320:176" in camera_filter("pan_right", 320, 176, 10, 24)
