"""Preview lip-sync: the shot's dialogue is muxed onto its clip, each line at its offset in
the shot; the picture is copied untouched and the result is recorded `lipsynced: false`
(no mouth moves). The film's own soundtrack is built by assemble from the same lines, so
this clip is what a reviewer plays to check one shot with its voices.
"""

from __future__ import annotations

from ...media.ffmpeg import DETERMINISTIC, ffmpeg_cmd
from ...media.probe import probe
from ...plans.ids import tts_step_id
from ...schemas import LipsyncStep, RenderProfile, Step
from ...subprocesses import run_command
from ..base import Estimate, Output, StepJob

SAMPLE_RATE = 48000


def line_offsets(job: StepJob) -> list[float]:
    """Offset in the shot of each `audio` ref, from the run's dialogue schedule."""
    step = job.step
    assert isinstance(step, LipsyncStep)
    by_step = {
        tts_step_id(line.line_id): line.shot_offset_s for line in job.context.dialogue_schedule
    }
    return [by_step.get(ref.removeprefix("@"), 0.0) for ref in step.audio]


class AudioMux:
    concurrent = True  # steps share nothing: the engine may run several at once
    name = "audio_mux"
    version = "1"
    model_id = None

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, LipsyncStep)
        clip = job.inputs[step.face_video]
        duration = probe(clip).duration_s
        offsets = line_offsets(job)
        args: list[str] = ["-i", str(clip)]
        parts = []
        for k, (ref, offset) in enumerate(zip(step.audio, offsets, strict=True)):
            args += ["-i", str(job.inputs[ref])]
            ms = round(offset * 1000)
            parts.append(
                f"[{k + 1}:a]aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
                f"adelay={ms}:all=1[d{k}]"
            )
        labels = "".join(f"[d{k}]" for k in range(len(step.audio)))
        parts.append(
            f"{labels}amix=inputs={len(step.audio)}:normalize=0:duration=longest,"
            f"apad,atrim=0:{duration:.4f}[a]"
        )
        out = job.workdir / "mux.mp4"
        cmd = ffmpeg_cmd(
            *args, "-filter_complex", ";".join(parts),
            "-map", "0:v", "-map", "[a]", "-c:v", "copy", "-c:a", "aac", "-b:a", "160k",
            *DETERMINISTIC, "-t", f"{duration:.4f}", "-f", "mp4", str(out),
        )  # fmt: skip
        result = run_command(
            cmd, cwd=job.workdir, timeout_s=120, step_id=step.id, cancel=job.cancel
        )
        return [
            Output(
                name=f"{step.shot_id or step.id}.mp4",
                data=out,
                mime_type="video/mp4",
                artifact_type="lipsync_mp4",
                metadata={"lipsynced": False, "line_offsets_s": offsets, "ffmpeg": result.log()},
            )
        ]

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        return Estimate(time_s=0.3, peak_memory_mb=80.0)
