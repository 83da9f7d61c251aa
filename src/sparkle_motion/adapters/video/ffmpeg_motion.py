"""Preview motion: a shot's clip moves from its first keyframe to its last with ffmpeg.

The first frame holds, then dissolves into the last over the shot's final 40% (the whole
shot for `camera: crossfade`), while the camera moves over both: `zoom_in`/`zoom_out`
(zoompan), `pan_left`/`pan_right` and `tilt_up`/`tilt_down` (a moving crop of a 12%
larger frame), or stays put (`static`). Exactly `num_frames` frames at the profile's fps.

Clips are intermediate: encoded `ultrafast` (only the final film is quality-tuned), one
thread, bit-exact, so the same step gives the same bytes.
"""

from __future__ import annotations

from ...media.ffmpeg import DETERMINISTIC, INTERMEDIATE_X264, ffmpeg_cmd
from ...schemas import RenderProfile, Step, VideoStep
from ...subprocesses import run_command
from ..base import Estimate, Output, StepJob
from . import shot_clip

PAN_MARGIN = 1.12  # the frame a pan or tilt crops from is this much larger
ZOOM_RANGE = 0.18  # zoom_in goes 1.0 -> 1.18, zoom_out the other way


def _even(n: float) -> int:
    return max(2, round(n / 2) * 2)


def camera_filter(camera: str, width: int, height: int, frames: int, fps: float) -> str:
    """The filter that moves the camera over a clip of `frames` frames (on input label [mix])."""
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
    if camera in ("pan_left", "pan_right", "tilt_up", "tilt_down"):
        big_w, big_h = _even(width * PAN_MARGIN), _even(height * PAN_MARGIN)
        progress = f"(n/{last})"
        if camera == "pan_right":
            x, y = f"(iw-ow)*{progress}", "(ih-oh)/2"
        elif camera == "pan_left":
            x, y = f"(iw-ow)*(1-{progress})", "(ih-oh)/2"
        elif camera == "tilt_down":
            x, y = "(iw-ow)/2", f"(ih-oh)*{progress}"
        else:
            x, y = "(iw-ow)/2", f"(ih-oh)*(1-{progress})"
        return f"scale={big_w}:{big_h},crop={width}:{height}:x='{x}':y='{y}'"
    return "null"


def motion_command(
    start: str, end: str, camera: str, width: int, height: int, frames: int, fps: float, out: str
) -> list[str]:
    duration = frames / fps
    dissolve = duration if camera == "crossfade" else duration * 0.4
    offset = max(0.0, duration - dissolve)
    held = frames + int(fps)  # a still is decoded once, then repeated (cheap) frame by frame
    fit = (
        f"scale={width}:{height}:force_original_aspect_ratio=increase,"
        f"crop={width}:{height},setsar=1,format=yuv420p,"
        f"loop=loop={held}:size=1:start=0,setpts=N/({fps:g}*TB)"
    )
    graph = (
        f"[0:v]{fit}[a];[1:v]{fit}[b];"
        f"[a][b]xfade=transition=fade:duration={dissolve:.4f}:offset={offset:.4f}[mix];"
        f"[mix]{camera_filter(camera, width, height, frames, fps)},setsar=1,format=yuv420p[v]"
    )
    return ffmpeg_cmd(
        "-i", start, "-i", end,
        "-filter_complex", graph, "-map", "[v]",
        "-frames:v", str(frames), "-r", f"{fps:g}",
        *INTERMEDIATE_X264, *DETERMINISTIC, "-an", "-f", "mp4", out,
    )  # fmt: skip


class FfmpegMotion:
    concurrent = True  # steps share nothing: the engine may run several at once
    name = "ffmpeg_motion"
    version = "1"
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
        end = job.inputs[step.end_frames[0]] if step.end_frames else start
        out = job.workdir / "clip.mp4"
        cmd = motion_command(
            str(start), str(end), step.camera, width, height, frames, fps, str(out)
        )
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
