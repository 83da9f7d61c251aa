"""Custom steps: built-in color_grade, handlers by entry point or allowed module path, and
an unknown handler rejected before anything renders."""

from __future__ import annotations

import pytest

from sparkle_motion.adapters.base import StepJob
from sparkle_motion.adapters.custom.handlers import CustomHandlers, known_handlers, resolve_handler
from sparkle_motion.config import load_settings
from sparkle_motion.errors import PermanentStageError, PlanSchemaError
from sparkle_motion.media.probe import probe
from sparkle_motion.plans import validate_plan
from sparkle_motion.schemas import CustomStep
from tests.support.media import HEIGHT, WIDTH, context, small_plan, step, still_clip

ENV = {"SPARKLE_DOTENV": ""}


def _plan_with(handler: str) -> dict:
    plan = small_plan("short.json")
    plan["steps"] = [
        {"id": "fx", "type": "custom", "handler": handler, "inputs": ["@video.launch"]}
    ]
    return plan


def test_color_grade_grades_each_clip(tmp_path):
    ctx = context(small_plan("short.json"))
    clip = still_clip(step(ctx, "image.kf-000"), tmp_path / "clip.mp4", 12, 24, seed=1)
    grade = CustomStep(
        id="grade",
        handler="color_grade",
        inputs=["@video.launch"],
        opts={"look": "warm", "strength": 1.0},
    )
    job = StepJob(step=grade, inputs={"@video.launch": clip}, context=ctx, workdir=tmp_path)
    out = CustomHandlers().run(job)
    assert len(out) == 1 and out[0].artifact_type == "graded_clip"
    graded = probe(out[0].data)
    assert graded.video_codec == "h264" and (graded.width, graded.height) == (WIDTH, HEIGHT)
    assert out[0].data.read_bytes() != clip.read_bytes()
    bad = grade.model_copy(update={"opts": {"look": "sepia"}})
    with pytest.raises(PermanentStageError, match=r"opts\.look must be one of"):
        CustomHandlers().run(
            StepJob(step=bad, inputs={"@video.launch": clip}, context=ctx, workdir=tmp_path)
        )


def test_an_unknown_handler_is_rejected_at_intake():
    with pytest.raises(PlanSchemaError) as info:
        validate_plan(_plan_with("sharpen"), settings=load_settings(env=ENV))
    assert info.value.issues[0].path == "steps[0].handler"
    assert "color_grade" in info.value.issues[0].rule  # says what is known


def test_a_module_path_needs_its_own_allow_pattern():
    path = "tests.support.custom_fx:checksum_note"
    with pytest.raises(PlanSchemaError, match="its own plan_allowed_handlers pattern"):
        validate_plan(_plan_with(path), settings=load_settings(env=ENV))
    allowed = load_settings(env={**ENV, "SPARKLE_PLAN_ALLOWED_HANDLERS": "tests.support.*"})
    assert validate_plan(_plan_with(path), settings=allowed).plan.steps[-1].handler == path
    assert resolve_handler(path).__name__ == "checksum_note"


def test_entry_points_are_handlers(monkeypatch):
    from sparkle_motion.plans import handlers as custom_handlers

    class FakeEntryPoint:
        name = "blur"

        def load(self):
            return lambda job: []

    monkeypatch.setattr(custom_handlers, "_entry_points", lambda: {"blur": FakeEntryPoint()})
    assert "blur" in known_handlers() and callable(resolve_handler("blur"))
