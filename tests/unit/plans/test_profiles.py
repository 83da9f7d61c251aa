from __future__ import annotations

import pytest

from sparkle_motion.errors import ConfigError, PlanSchemaError
from sparkle_motion.plans.profiles import load_render_profiles, resolve_render_profile
from sparkle_motion.schemas import MoviePlan
from tests.conftest import make_settings


def _plan(short_plan, profile=None):
    if profile is None:
        short_plan.pop("render_profile")
    else:
        short_plan["render_profile"] = profile
    return MoviePlan.model_validate(short_plan)


def test_default_comes_from_the_file(short_plan):
    prof = resolve_render_profile(_plan(short_plan), make_settings())
    assert (prof.name, prof.source, prof.fps, prof.adapters["video"]) == (
        "preview",
        "default",
        24,
        "ffmpeg_motion",
    )


def test_env_or_file_setting_changes_the_default_but_not_a_plans_choice(short_plan, monkeypatch):
    from sparkle_motion.config import load_settings

    settings = load_settings(env={"SPARKLE_DOTENV": "", "SPARKLE_RENDER_PROFILE": "full"})
    assert resolve_render_profile(_plan(dict(short_plan)), settings).name == "full"
    assert resolve_render_profile(_plan(short_plan, {"name": "preview"}), settings).source == "plan"


def test_cli_beats_plan_and_plan_overrides_apply_only_to_its_own_profile(short_plan):
    plan = _plan(short_plan, {"name": "preview", "fps": 12})
    assert resolve_render_profile(plan, make_settings()).fps == 12
    prof = resolve_render_profile(plan, make_settings(render_profile="full"))
    assert (prof.name, prof.source, prof.fps, prof.frames_multiple) == ("full", "cli", 16, 4)


def test_unknown_profile_from_cli(short_plan):
    with pytest.raises(PlanSchemaError, match="must be one of \\['full', 'preview'\\]"):
        resolve_render_profile(_plan(short_plan), make_settings(render_profile="ultra"))


def test_missing_or_bad_profiles_file(tmp_path):
    with pytest.raises(ConfigError, match="SPARKLE_CONFIGS_DIR"):
        load_render_profiles(make_settings(configs_dir=tmp_path))
    (tmp_path / "render_profiles.yaml").write_text("default: x\nprofiles: {}\n")
    with pytest.raises(ConfigError, match="default profile 'x' is not defined"):
        load_render_profiles(make_settings(configs_dir=tmp_path))
