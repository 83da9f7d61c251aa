"""`custom` steps: a plan's own processing step, run by a named handler.

A handler is `handler(job: StepJob) -> list[Output]`, found by the step's `handler` field:
1. a built-in (`color_grade`, adapters/custom/color_grade.py);
2. an installed package's entry point in the group `sparkle_motion.custom_handlers`
   (`[project.entry-points."sparkle_motion.custom_handlers"] my_fx = "pkg.mod:fn"`);
3. a `package.module:function` path.
The registry of handler names is `plans.handlers`. The plan policy
(`plan_allowed_handlers`) decides which names a plan may use; plan intake
resolves every handler before anything renders, so an unknown one fails the run at intake
(`PlanSchemaError` naming `steps[k].handler`). A handler's outputs are stored and keyed
like any step's; they are extra artifacts of the run (the film is assembled from the
shots' clips).
"""

from __future__ import annotations

from ...errors import PermanentStageError
from ...plans.handlers import known_handlers, resolve_handler
from ...schemas import CustomStep, RenderProfile, Step
from ..base import Estimate, Output, Provider, StepJob

__all__ = ["CustomHandlers", "known_handlers", "resolve_handler"]


class CustomHandlers(Provider):
    name = "custom_handlers"
    capabilities: frozenset[str] = frozenset()  # no media: it describes or edits outputs
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
