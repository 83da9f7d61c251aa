"""Preview lip-sync: the shot's dialogue is muxed onto its clip, each line at its offset in
the shot; the picture is copied untouched and the result is recorded `lipsynced: false`
(no mouth moves). The film's own soundtrack is built by assemble from the same lines, so
this clip is what a reviewer plays to check one shot with its voices.
"""

from __future__ import annotations

from pathlib import Path

from ...media.ffmpeg import DETERMINISTIC, ffmpeg_cmd
from ...media.probe import probe
from ...plans.ids import tts_step_id
from ...schemas import LipsyncStep, RenderProfile, Step
from ...subprocesses import CommandResult, run_command
from ..base import Estimate, Output, Provider, StepJob

SAMPLE_RATE = 48000


def line_offsets(job: StepJob) -> list[float]:
    """Offset in the shot of each `audio` ref, from the run's dialogue schedule."""
    step = job.step
    assert isinstance(step, LipsyncStep)
    by_step = {
        tts_step_id(line.line_id): line.shot_offset_s for line in job.context.dialogue_schedule
    }
    return [by_step.get(ref.removeprefix("@"), 0.0) for ref in step.audio]


def dialogue_filter(job: StepJob, first_input: int, duration: float) -> tuple[list[str], str]:
    """ffmpeg inputs (the step's lines) and a filter that places each at its offset in the
    shot, mixed to `[a]` at 48 kHz stereo, `duration` long."""
    step = job.step
    assert isinstance(step, LipsyncStep)
    args: list[str] = []
    parts = []
    for k, (ref, offset) in enumerate(zip(step.audio, line_offsets(job), strict=True)):
        args += ["-i", str(job.inputs[ref])]
        ms = round(offset * 1000)
        parts.append(
            f"[{k + first_input}:a]aresample={SAMPLE_RATE},"
            f"aformat=sample_fmts=fltp:channel_layouts=stereo,adelay={ms}:all=1[d{k}]"
        )
    labels = "".join(f"[d{k}]" for k in range(len(step.audio)))
    # the lines over silence of the shot's length (the mix lasts as long as the silence):
    # ffmpeg 9's `apad` after amix never ended with a 16 kHz and a 22.05 kHz line (`-t`
    # did not stop it), and `apad=whole_dur` padded only some of the time
    parts.insert(0, f"anullsrc=r={SAMPLE_RATE}:cl=stereo,atrim=0:{duration:.4f}[base]")
    parts.append(
        f"[base]{labels}amix=inputs={len(step.audio) + 1}:normalize=0:duration=first,"
        f"atrim=0:{duration:.4f}[a]"
    )
    return args, ";".join(parts)


def mux_dialogue(
    job: StepJob, picture: Path, out: Path, duration: float, video: list[str]
) -> CommandResult:
    """`picture`'s video (encoded with `video`: `-c:v copy`, or an encode) with the shot's
    dialogue at its offsets, `duration` long, as MP4 at `out`."""
    audio, mix = dialogue_filter(job, 1, duration)
    cmd = ffmpeg_cmd(
        "-i", str(picture), *audio, "-filter_complex", mix,
        "-map", "0:v", "-map", "[a]", *video, "-c:a", "aac", "-b:a", "160k",
        *DETERMINISTIC, "-t", f"{duration:.4f}", "-f", "mp4", str(out),
    )  # fmt: skip
    return run_command(cmd, cwd=job.workdir, timeout_s=120, step_id=job.step.id, cancel=job.cancel)


class AudioMux(Provider):
    concurrent = True  # steps share nothing: the engine may run several at once
    name = "audio_mux"
    capabilities = frozenset({"lipsync"})
    tier = "preview"  # no lip-sync model: the dialogue muxed on the clip
    version = "2"  # 2: the lines mixed over silence of the shot's length (no apad)
    model_id = None

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, LipsyncStep)
        clip = job.inputs[step.face_video]
        out = job.workdir / "mux.mp4"
        result = mux_dialogue(job, clip, out, probe(clip).duration_s, ["-c:v", "copy"])
        return [
            Output(
                name=f"{step.shot_id or step.id}.mp4",
                data=out,
                mime_type="video/mp4",
                artifact_type="lipsync_mp4",
                metadata={
                    "lipsynced": False,
                    "reason": "audio_mux: the dialogue muxed on, no lip-sync model",
                    "line_offsets_s": line_offsets(job),
                    "ffmpeg": result.log(),
                },
            )
        ]

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        return Estimate(time_s=0.3, peak_memory_mb=80.0)
