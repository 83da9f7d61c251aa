"""Preview motion: a shot's clip is its start keyframe under the shot's camera move.

A shot holds its own composition: the clip shows only the shot's first keyframe, moved by
the camera: `zoom_in`/`zoom_out` (zoompan), `pan_left`/`pan_right` and
`tilt_up`/`tilt_down` (a moving crop of a 12% larger frame), or held still (`static`, and
`crossfade`, which names no move). The step's end keyframe (the next shot's first, laid
out differently) is not used here: dissolving into it showed two layouts at once for the
last part of every shot. The `full` profile's Wan model uses it to steer its motion.
Exactly `num_frames` frames at the profile's fps.

Clips are intermediate: encoded `ultrafast` (only the final film is quality-tuned), one
thread, bit-exact, so the same step gives the same bytes.
"""

from __future__ import annotations

from ...media.ffmpeg import DETERMINISTIC, INTERMEDIATE_X264, ffmpeg_cmd
from ...schemas import RenderProfile, Step, VideoStep
from ...subprocesses import run_command
from ..base import Estimate, Output, Provider, StepJob
from . import shot_clip

PAN_MARGIN = 1.12  # the frame a pan or tilt crops from is this much larger
ZOOM_RANGE = 0.18  # zoom_in goes 1.0 -> 1.18, zoom_out the other way
PANS = ("pan_left", "pan_right", "tilt_up", "tilt_down")


def _even(n: float) -> int:
    return max(2, round(n / 2) * 2)


def source_size(camera: str, width: int, height: int) -> tuple[int, int]:
    """The size the keyframe is fitted to before the camera moves over it: larger for a
    pan or tilt (which crops a moving window out of it), else the clip's own."""
    if camera in PANS:
        return _even(width * PAN_MARGIN), _even(height * PAN_MARGIN)
    return width, height


def camera_filter(camera: str, width: int, height: int, frames: int, fps: float) -> str:
    """The filter that moves the camera over `frames` frames of one still, fitted to
    `source_size(camera, width, height)`."""
    last = max(1, frames - 1)
    if camera in ("zoom_in", "zoom_out"):
        z = (
            f"1+{ZOOM_RANGE}*on/{last}"
            if camera == "zoom_in"
            else f"{1 + ZOOM_RANGE}-{ZOOM_RANGE}*on/{last}"
        )
        return (
            f"zoompan=z='{z}':d=1:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
            f":s={width}x{height}:fps={fps:g}"
        )
    if camera in PANS:
        progress = f"(n/{last})"
        if camera == "pan_right":
            x, y = f"(iw-ow)*{progress}", "(ih-oh)/2"
        elif camera == "pan_left":
            x, y = f"(iw-ow)*(1-{progress})", "(ih-oh)/2"
        elif camera == "tilt_down":
            x, y = "(iw-ow)/2", f"(ih-oh)*{progress}"
        else:
            x, y = "(iw-ow)/2", f"(ih-oh)*(1-{progress})"
        # on 4:4:4 frames: a 4:2:0 crop moves in 2-pixel steps (a still every other frame)
        return f"crop={width}:{height}:x='{x}':y='{y}'"
    return "null"


def motion_command(
    start: str,
    end: str | None,
    camera: str,
    width: int,
    height: int,
    frames: int,
    fps: float,
    out: str,
) -> list[str]:
    """The ffmpeg command for a clip of `start` under `camera`. `end` is accepted for the
    VideoStep's shape and not used (see the module docstring)."""
    del end
    held = frames + int(fps)  # a still is fitted once, then repeated (cheap) frame by frame
    src_w, src_h = source_size(camera, width, height)
    pixels = "yuv444p" if camera in PANS else "yuv420p"
    graph = (
        f"[0:v]scale={src_w}:{src_h}:force_original_aspect_ratio=increase,"
        f"crop={src_w}:{src_h},setsar=1,format={pixels},"
        f"loop=loop={held}:size=1:start=0,setpts=N/({fps:g}*TB),"
        f"{camera_filter(camera, width, height, frames, fps)},setsar=1,format=yuv420p[v]"
    )
    return ffmpeg_cmd(
        "-i", start,
        "-filter_complex", graph, "-map", "[v]",
        "-frames:v", str(frames), "-r", f"{fps:g}",
        *INTERMEDIATE_X264, *DETERMINISTIC, "-an", "-f", "mp4", out,
    )  # fmt: skip


class FfmpegMotion(Provider):
    concurrent = True  # steps share nothing: the engine may run several at once
    name = "ffmpeg_motion"
    # 2: the start keyframe only, no dissolve into the end keyframe; 3: pans in 1-pixel steps
    version = "3"
    capabilities = frozenset({"video"})
    model_id = None

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, VideoStep)
        profile = job.context.render_profile
        fps = step.opts.fps or profile.fps
        width = step.opts.width or profile.width
        height = step.opts.height or profile.height
        frames = step.opts.num_frames or max(1, round(fps * 4))
        start = job.inputs[step.start_frames[0]]
        out = job.workdir / "clip.mp4"
        cmd = motion_command(str(start), None, step.camera, width, height, frames, fps, str(out))
        result = run_command(
            cmd, cwd=job.workdir, timeout_s=120 + frames, step_id=step.id, cancel=job.cancel
        )
        return [
            shot_clip(
                step,
                out,
                {
                    "camera": step.camera,
                    "frames": frames,
                    "fps": fps,
                    "width": width,
                    "height": height,
                    "ffmpeg": result.log(),
                },
            )
        ]

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        frames = getattr(getattr(step, "opts", None), "num_frames", None) or profile.fps * 4
        pixels = profile.width * profile.height
        return Estimate(time_s=0.2 + frames * pixels / 90e6, peak_memory_mb=150.0)
