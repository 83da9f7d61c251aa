"""ffmpeg motion: a clip of exactly num_frames of the shot's start keyframe under its
camera move (never a double exposure with the end keyframe), the same bytes for the same
step."""

from __future__ import annotations

import hashlib

import pytest

from sparkle_motion.adapters.images.procedural import draw_keyframe
from sparkle_motion.adapters.video.ffmpeg_motion import (
    PAN_MARGIN,
    FfmpegMotion,
    camera_filter,
    motion_command,
)
from sparkle_motion.media.probe import probe
from sparkle_motion.subprocesses import run_command
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


def _decode(path):
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24").astype(int) for f in c.decode(video=0)]


def _first_last(path):
    frames = _decode(path)
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
    change = abs(first - last).mean()
    if camera in ("static", "crossfade"):  # held: no move, and no dissolve into the next
        assert change < 1.5, change
    else:
        assert change > 3, change  # it moves


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


# Double exposure: the clip's frames are the start keyframe under the camera, whatever the
# end keyframe is. Two keyframes that differ everywhere: a frame mixing them is far from both.
W, H, FPS, N = 128, 72, 8.0, 16


def _keyframes(folder):
    import numpy as np
    from PIL import Image

    y, x = np.mgrid[0:H, 0:W]
    start = np.stack([x * 255 // W, y * 255 // H, np.full_like(x, 60)], axis=2)
    start[20:50, 30:60] = (250, 240, 20)  # a yellow block left of centre
    end = np.stack([255 - x * 255 // W, np.full_like(x, 200), y * 255 // H], axis=2)
    end[10:40, 80:120] = (20, 20, 230)  # a blue block on the right
    paths = []
    for name, data in (("start", start), ("end", end)):
        path = folder / f"{name}.png"
        Image.fromarray(data.astype("uint8")).save(path)
        paths.append(path)
    return paths, start.astype(int), end.astype(int)


def _clip(tmp_path, camera):
    (start, end), a, b = _keyframes(tmp_path)
    out = tmp_path / f"{camera}.mp4"
    run_command(motion_command(str(start), str(end), camera, W, H, N, FPS, str(out)))
    frames = _decode(out)
    assert len(frames) == N
    return frames, a, b


@pytest.mark.parametrize("camera", ["static", "crossfade"])
def test_a_held_shot_is_its_start_keyframe_to_the_last_frame(tmp_path, camera):
    frames, start, end = _clip(tmp_path, camera)
    for frame in (frames[N // 2], frames[-1]):
        assert abs(frame - start).mean() < 4  # the start keyframe (encoding noise only)
        assert abs(frame - end).mean() > 60  # nothing of the end keyframe


def test_a_pan_moves_over_the_start_keyframe_only(tmp_path):
    import numpy as np
    from PIL import Image

    frames, start, end = _clip(tmp_path, "pan_right")
    big_w, big_h = round(W * PAN_MARGIN / 2) * 2, round(H * PAN_MARGIN / 2) * 2

    def under_camera(image, n):
        x, y = (big_w - W) * n // (N - 1), (big_h - H) // 2
        big = Image.fromarray(image.astype("uint8")).resize((big_w, big_h), Image.BICUBIC)
        return np.asarray(big).astype(int)[y : y + H, x : x + W]

    for n in (N // 2, N - 2):  # the middle, and late in the shot (where a dissolve would be)
        assert abs(frames[n] - under_camera(start, n)).mean() < 6, n
        assert abs(frames[n] - under_camera(end, n)).mean() > 60, n
    assert abs(frames[0] - frames[-1]).mean() > 3  # and it does move


@pytest.mark.parametrize("camera", ["pan_left", "pan_right"])
def test_a_pan_moves_on_every_frame(tmp_path, camera):
    """About one pixel a frame here: a pan in 2-pixel steps (a 4:2:0 crop) would hold
    still every other frame, a visible stutter."""
    frames, _start, _end = _clip(tmp_path, camera)
    steps = [abs(frames[k + 1] - frames[k]).mean() for k in range(N - 1)]
    assert min(steps) > 0.5, steps
