"""The built-in `custom` handler `color_grade`: a look (warm, cool, noir, vintage) at a
strength, applied with ffmpeg to every input clip or image of the step."""

from __future__ import annotations

from ...errors import PermanentStageError
from ...media.ffmpeg import DETERMINISTIC, INTERMEDIATE_X264, ffmpeg_cmd
from ...schemas import CustomStep
from ...subprocesses import run_command
from ..base import Output, StepJob

# look -> ffmpeg filter at full strength (colorbalance shifts, eq tweaks)
LOOKS = {
    "warm": "colorbalance=rs={s:.3f}:gs={g:.3f}:bs={b:.3f},eq=saturation={sat:.3f}",
    "cool": "colorbalance=rs={b:.3f}:gs={g:.3f}:bs={s:.3f},eq=saturation={sat:.3f}",
    "noir": "hue=s={mono:.3f},eq=contrast={con:.3f}",
    "vintage": "curves=preset=vintage,eq=saturation={sat:.3f}",
}


def color_grade(job: StepJob) -> list[Output]:
    """Grade every input clip (or image) with a look: `opts: {look: warm|cool|noir|vintage,
    strength: 0..1}`. One graded output per input, same size and length."""
    step = job.step
    assert isinstance(step, CustomStep)
    look = step.opts.get("look", "warm")
    strength = step.opts.get("strength", 0.5)
    if look not in LOOKS:
        raise PermanentStageError(
            f"{step.id}: opts.look must be one of {sorted(LOOKS)}, got {look!r}", step_id=step.id
        )
    if not isinstance(strength, int | float) or not 0 <= strength <= 1:
        raise PermanentStageError(
            f"{step.id}: opts.strength must be a number in [0, 1], got {strength!r}",
            step_id=step.id,
        )
    if not step.inputs:
        raise PermanentStageError(f"{step.id}: color_grade needs inputs", step_id=step.id)
    k = float(strength)
    graph = LOOKS[look].format(
        s=0.3 * k, g=0.05 * k, b=-0.3 * k, sat=1 + 0.3 * k, mono=1 - k, con=1 + 0.3 * k
    )
    outputs = []
    for i, ref in enumerate(step.inputs):
        source = job.inputs[ref]
        image = source.suffix.lower() in (".png", ".jpg", ".jpeg")
        out = job.workdir / (f"graded-{i}.png" if image else f"graded-{i}.mp4")
        codec = [] if image else [*INTERMEDIATE_X264, "-c:a", "copy"]
        result = run_command(
            ffmpeg_cmd("-i", source, "-vf", graph, *codec, *DETERMINISTIC, out),
            cwd=job.workdir,
            timeout_s=300,
            step_id=step.id,
            cancel=job.cancel,
        )
        outputs.append(
            Output(
                name=out.name,
                data=out,
                mime_type="image/png" if image else "video/mp4",
                artifact_type="graded_image" if image else "graded_clip",
                metadata={"source": ref, "look": look, "strength": k, "ffmpeg": result.log()},
            )
        )
    return outputs
