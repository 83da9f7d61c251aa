from __future__ import annotations

import pytest

from sparkle_motion.errors import PlanResourceError
from sparkle_motion.plans import validate_plan
from tests.conftest import make_settings


def reject(data, **cli) -> PlanResourceError:
    with pytest.raises(PlanResourceError) as info:
        validate_plan(data, settings=make_settings(**cli))
    return info.value


@pytest.mark.parametrize(
    ("cli", "path", "words"),
    [
        ({"plan_max_shots": 1}, "shots", "number of shots must be <= 1"),
        ({"plan_max_total_seconds": 7}, "shots", "total duration (s) over all shots must be <= 7"),
        ({"plan_max_shot_seconds": 3.9}, "shots[0].duration_s", "must be <= 3.9"),
        ({"plan_max_frames": 100}, "shots", "total frames at 24 fps (preview) must be <= 100"),
        ({"plan_max_dialogue_lines": 0}, "shots", "number of dialogue lines must be <= 0"),
    ],
)
def test_each_cap_is_configurable_and_named(short_plan, cli, path, words):
    err = reject(short_plan, **cli)
    assert err.path == path
    assert words in err.rule
    assert next(iter(cli)) in err.rule  # names the setting to change


def test_exactly_at_the_cap_is_allowed(short_plan):
    assert validate_plan(
        short_plan,
        settings=make_settings(plan_max_shots=2, plan_max_total_seconds=7.5, plan_max_frames=180),
    )


def test_frames_depend_on_profile_fps(short_plan):
    short_plan["render_profile"] = {"name": "preview", "fps": 12}
    assert validate_plan(short_plan, settings=make_settings(plan_max_frames=90))
    short_plan["render_profile"] = {"name": "preview", "fps": 13}
    assert reject(short_plan, plan_max_frames=90).path == "shots"


def test_fps_outside_profile_limits(short_plan):
    short_plan["render_profile"] = {"name": "full", "fps": 30}
    err = reject(short_plan)
    assert err.path == "render_profile.fps" and "[8, 24]" in err.rule


def test_non_finite_numbers_are_schema_errors(short_plan):
    from sparkle_motion.errors import PlanSchemaError

    short_plan["shots"][0]["duration_s"] = float("inf")
    with pytest.raises(PlanSchemaError) as info:
        validate_plan(short_plan, settings=make_settings())
    assert info.value.path == "shots[0].duration_s" and "finite" in info.value.rule


def test_a_clip_longer_than_any_adapter_takes_is_a_resource_error(short_plan):
    short_plan["shots"][0]["duration_s"] = 500
    err = reject(
        short_plan, plan_max_shot_seconds=1000, plan_max_total_seconds=1000, plan_max_frames=10**6
    )
    assert err.path == "shots[0].duration_s" and "at most 10000 frames" in err.rule


def test_hand_written_clip_fps_must_fit_the_profile(short_plan):
    data = validate_plan(short_plan, settings=make_settings()).plan.model_dump(mode="json")
    k = next(i for i, s in enumerate(data["steps"]) if s["type"] == "video")
    data["steps"][k]["opts"]["fps"] = 120
    data["steps"][k]["opts"]["num_frames"] = 480
    assert reject(data).path == f"steps[{k}].opts.fps"
