"""Preview keyframes: a storyboard frame drawn from the shot's words, no model weights.

The drawing lives in `storyboard/` (see its `scene` module for what a frame shows and how
it is composed); this module is the adapter the registry runs. The same step and seed
give byte-identical PNGs and different keyframes differ. A 1280x720 frame draws in
about 20-40 ms with Pillow alone. No text but the characters' names is drawn (no caption,
no keyframe label), so a frame can go on the film as it is.
"""

from __future__ import annotations

from ...schemas import ImageStep, RenderProfile, Step
from ..base import Estimate, Output, Provider, StepJob
from .storyboard.canvas import character_colour
from .storyboard.scene import draw_keyframe

__all__ = ["ProceduralKeyframes", "character_colour", "draw_keyframe"]


class ProceduralKeyframes(Provider):
    concurrent = True  # steps share nothing: the engine may run several at once
    name = "procedural_keyframes"
    version = "storyboard-3"  # "1": pills and a caption band; "storyboard-1": fewer kinds;
    # "storyboard-2": the colour the appearance names ("in teal", "a red scarf") not yet worn
    capabilities = frozenset({"image"})
    model_id = None

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, ImageStep)
        profile = job.context.render_profile
        width = step.opts.width or profile.width
        height = step.opts.height or profile.height
        seed = step.opts.seed if step.opts.seed is not None else 0
        outputs = []
        for n in range(step.count):
            png = draw_keyframe(step, width, height, seed + n)
            outputs.append(
                Output(
                    name=f"{step.id}-{n}.png" if step.count > 1 else f"{step.id}.png",
                    data=png,
                    mime_type="image/png",
                    artifact_type="keyframe",
                    metadata={"width": width, "height": height, "seed": seed + n},
                )
            )
        return outputs

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        pixels = profile.width * profile.height
        return Estimate(time_s=0.05 + pixels / 20e6, peak_memory_mb=pixels * 4 / 1e6 * 3)
