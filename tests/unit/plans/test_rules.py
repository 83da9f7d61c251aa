"""Cross-field rules, one behaviour each. Paths and rules are asserted, not just the class."""

from __future__ import annotations

import pytest

from sparkle_motion.errors import PlanSchemaError
from sparkle_motion.plans import validate_plan
from tests.conftest import make_settings


def reject(data, **cli) -> PlanSchemaError:
    with pytest.raises(PlanSchemaError) as info:
        validate_plan(data, settings=make_settings(**cli))
    return info.value


def test_keyframe_count(short_plan):
    short_plan["base_images"].append({"prompt": "extra"})
    err = reject(short_plan)
    assert err.path == "base_images" and "len(shots) + 1 = 3" in err.rule and "got 4" in err.rule


def test_every_on_screen_character_declared(short_plan):
    short_plan["shots"][1]["characters"] = ["mila", "bob"]
    err = reject(short_plan)
    assert err.path == "shots[1].characters[1]" and "declared" in err.rule


def test_off_screen_speaker_need_not_be_in_shot(short_plan):
    short_plan["shots"][1]["dialogue"] = [{"character": "mila", "text": "Bye!", "off_screen": True}]
    assert validate_plan(short_plan, settings=make_settings()).plan


def test_all_problems_are_reported_at_once(short_plan):
    short_plan["shots"][1]["id"] = "launch"
    short_plan["shots"][0]["dialogue"][0]["character"] = "ghost"
    err = reject(short_plan)
    assert err.paths == ["shots[1].id", "shots[0].dialogue[0].character"]


def test_dialogue_that_cannot_fit(short_plan):
    short_plan["shots"][0]["duration_s"] = 1
    # "Sail far, little boat!": 4 words at 4 words/s x Mila's rate 1.1 = 0.91 s: fits
    assert validate_plan(short_plan, settings=make_settings())
    short_plan["shots"][0]["dialogue"][0]["start_s"] = 0.5
    err = reject(short_plan)
    assert err.path == "shots[0].dialogue[0]"
    assert "needs until 1.41 s even at 4 words/s" in err.rule


def test_fit_uses_the_configured_max_rate(short_plan):
    short_plan["shots"][0]["duration_s"] = 1.5
    assert validate_plan(short_plan, settings=make_settings())
    err = reject(short_plan, plan_speech_max_wps=2.0)
    assert "at 2 words/s" in err.rule


def test_tight_dialogue_is_a_warning_not_an_error(short_plan):
    short_plan["shots"][0]["duration_s"] = 1.2
    result = validate_plan(short_plan, settings=make_settings())
    assert [w.path for w in result.warnings] == ["shots[0].dialogue"]
    assert "rushed" in result.warnings[0].message


def test_lines_out_of_order_or_overlapping(short_plan):
    lines = short_plan["shots"][0]["dialogue"]
    lines.append({"character": "mila", "text": "Go!", "start_s": 0.2})
    lines[0]["start_s"] = 1.0
    err = reject(short_plan)
    assert err.path == "shots[0].dialogue[1].start_s" and "time order" in err.rule
    lines[1]["start_s"] = 1.5
    err = reject(short_plan)
    assert err.path == "shots[0].dialogue[1].start_s" and "overlaps the previous line" in err.rule


def test_start_beyond_shot(short_plan):
    short_plan["shots"][0]["dialogue"][0]["start_s"] = 4
    assert reject(short_plan).path == "shots[0].dialogue[0].start_s"


def _compiled(short_plan):
    return validate_plan(short_plan, settings=make_settings()).plan.model_dump(mode="json")


def test_hand_written_steps_must_cover_every_shot(short_plan):
    data = _compiled(short_plan)
    data["steps"] = [s for s in data["steps"] if s["id"] != "video.drift"]
    err = reject(data)
    assert err.path == "steps" and "missing video step for shot 'drift'" in err.rule


def test_hand_written_steps_may_drop_lipsync(short_plan):
    data = _compiled(short_plan)
    data["steps"] = [s for s in data["steps"] if s["type"] != "lipsync"]
    assert validate_plan(data, settings=make_settings()).plan.steps[-1].type == "video"


@pytest.mark.parametrize(
    ("step_id", "field", "value", "path_suffix"),
    [
        ("tts.launch-l1", "text", "Something else", "text"),
        ("image.kf-001", "prompt", "a different picture", "prompt"),
        ("video.drift", "start_frames", ["@image.kf-000"], "start_frames"),
        ("video.drift", "shot_id", "elsewhere", "shot_id"),
    ],
)
def test_steps_that_disagree_with_shots(short_plan, step_id, field, value, path_suffix):
    data = _compiled(short_plan)
    k = next(i for i, s in enumerate(data["steps"]) if s["id"] == step_id)
    data["steps"][k][field] = value
    assert reject(data).path == f"steps[{k}].{path_suffix}"


def test_video_frames_must_cover_the_shot(short_plan):
    data = _compiled(short_plan)
    k = next(i for i, s in enumerate(data["steps"]) if s["id"] == "video.launch")
    data["steps"][k]["opts"]["num_frames"] = 50
    err = reject(data)
    assert err.path == f"steps[{k}].opts.num_frames" and "96 frames at 24 fps" in err.rule
    data["steps"][k]["opts"]["num_frames"] = 97  # within tolerance
    assert validate_plan(data, settings=make_settings())


def test_step_refs_must_point_back_at_the_right_kind(short_plan):
    data = _compiled(short_plan)
    k = next(i for i, s in enumerate(data["steps"]) if s["id"] == "lipsync.launch")
    data["steps"][k]["face_video"] = "@tts.launch-l1"
    err = reject(data)
    assert (
        err.path == f"steps[{k}].face_video"
        and "must refer to a video step, not a tts step" in err.rule
    )


def test_duplicate_step_ids(short_plan):
    short_plan["steps"] = [
        {"id": "x", "type": "custom", "handler": "a"},
        {"id": "x", "type": "custom", "handler": "b"},
    ]
    assert reject(short_plan).path == "steps[1].id"


def test_custom_step_cannot_take_a_compiled_steps_id(short_plan):
    short_plan["steps"] = [{"id": "video.launch", "type": "custom", "handler": "x"}]
    err = reject(short_plan)
    assert err.path == "steps[0].id" and "duplicate step id" in err.rule
