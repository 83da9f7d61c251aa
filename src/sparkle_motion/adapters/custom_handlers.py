"""`custom` steps: a plan's own processing step, run by a named handler.

A handler is `handler(job: StepJob) -> list[Output]`, found by the step's `handler` field:
1. a built-in (`color_grade`, below);
2. an installed package's entry point in the group `sparkle_motion.custom_handlers`
   (`[project.entry-points."sparkle_motion.custom_handlers"] my_fx = "pkg.mod:fn"`);
3. a `package.module:function` path.
The plan policy (`plan_allowed_handlers`) decides which names a plan may use; plan intake
resolves every handler before anything renders, so an unknown one fails the run at intake
(`PlanSchemaError` naming `steps[k].handler`). A handler's outputs are stored and keyed
like any step's; they are extra artifacts of the run (the film is assembled from the
shots' clips).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from importlib.metadata import entry_points

from ..commands import run_command
from ..errors import PermanentStageError
from ..media.ffmpeg import DETERMINISTIC, INTERMEDIATE_X264, ffmpeg_cmd
from ..schemas import CustomStep, RenderProfile, Step
from .base import Estimate, Output, StepJob

ENTRY_POINT_GROUP = "sparkle_motion.custom_handlers"
Handler = Callable[[StepJob], list[Output]]

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


BUILTIN_HANDLERS: dict[str, Handler] = {"color_grade": color_grade}


@cache
def _entry_points() -> dict[str, object]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known_handlers() -> list[str]:
    return sorted(set(BUILTIN_HANDLERS) | set(_entry_points()))


def resolve_handler(name: str) -> Handler:
    """The callable for `name`; LookupError saying what is known when there is none."""
    if name in BUILTIN_HANDLERS:
        return BUILTIN_HANDLERS[name]
    ep = _entry_points().get(name)
    if ep is not None:
        return ep.load()  # type: ignore[attr-defined]
    if ":" in name:
        module, _, attr = name.partition(":")
        try:
            target = importlib.import_module(module)
            for part in attr.split("."):
                target = getattr(target, part)
        except (ImportError, AttributeError) as exc:
            raise LookupError(f"cannot import handler {name!r}: {exc}") from None
        if callable(target):
            return target  # type: ignore[return-value]
        raise LookupError(f"handler {name!r} is not callable")
    raise LookupError(f"no handler named {name!r}; known: {', '.join(known_handlers())}")


class CustomHandlers:
    name = "custom_handlers"
    version = "1"
    model_id = None

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, CustomStep)
        try:
            handler = resolve_handler(step.handler)
        except LookupError as exc:
            raise PermanentStageError(f"{step.id}: {exc}", step_id=step.id) from None
        return handler(job)

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        return Estimate(time_s=0.5 + 0.5 * len(getattr(step, "inputs", [])), peak_memory_mb=100.0)
