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
