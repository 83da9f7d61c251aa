from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pydantic import ValidationError

from sparkle_motion.schemas import MoviePlan, RenderProfilesFile
from sparkle_motion.schemas.common import has_visible_char
from sparkle_motion.schemas.registry import model_json_schema
from tests.conftest import EXAMPLES, REPO


def test_plan_has_both_halves(short_plan):
    plan = MoviePlan.model_validate(short_plan)
    assert plan.total_duration_s == 7.5
    assert plan.steps == []  # creative plan only; intake compiles steps
    assert plan.shots[0].line_id(0) == "launch-l1"
    assert plan.keyframe_id(2) == "kf-002"


def test_created_at_is_required_iso(short_plan):
    short_plan["created_at"] = "yesterday"
    with pytest.raises(ValidationError):
        MoviePlan.model_validate(short_plan)


def test_images_opts_denoising_window(short_plan):
    short_plan["steps"] = [
        {
            "id": "i",
            "type": "image",
            "prompt": "p",
            "opts": {"denoising_start": 0.8, "denoising_end": 0.8},
        }
    ]
    with pytest.raises(ValidationError, match="denoising_start must be < denoising_end"):
        MoviePlan.model_validate(short_plan)


def test_video_dimensions_must_be_multiples_of_16(short_plan):
    short_plan["render_profile"] = {"name": "preview", "width": 1000}
    with pytest.raises(ValidationError, match="multiple"):
        MoviePlan.model_validate(short_plan)


@pytest.mark.parametrize(
    "path", sorted([*EXAMPLES.glob("*.json"), *EXAMPLES.glob("*.yaml")]), ids=lambda p: p.name
)
def test_exported_json_schema_accepts_valid_examples(path):
    import yaml

    data = yaml.safe_load(path.read_text())  # JSON is YAML
    data["created_at"] = str(data["created_at"])
    jsonschema.validate(data, model_json_schema("movie_plan"))


def test_exported_json_schema_rejects_what_pydantic_rejects(short_plan):
    short_plan["shots"][0]["duration_s"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(short_plan, model_json_schema("movie_plan"))


def test_render_profiles_yaml_matches_its_schema():
    import yaml

    data = yaml.safe_load((REPO / "configs" / "render_profiles.yaml").read_text())
    jsonschema.validate(data, model_json_schema("render_profiles"))
    assert set(RenderProfilesFile.model_validate(data).profiles) == {"preview", "full"}


# a title is one printable line with something visible in it
text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(has_visible_char)


@hsettings(max_examples=60, deadline=None)
@given(
    title=text,
    durations=st.lists(
        st.floats(min_value=0.1, max_value=60, allow_nan=False), min_size=1, max_size=6
    ),
    seed=st.integers(0, 2**32 - 1),
    meta=st.dictionaries(
        st.text(max_size=8),
        st.one_of(st.integers(-(2**63), 2**63 - 1), st.text(max_size=8), st.booleans(), st.none()),
        max_size=3,
    ),
)
def test_plans_round_trip_through_json_unchanged(title, durations, seed, meta):
    plan = MoviePlan(
        id="p",
        title=title.strip(),
        created_at="2026-01-01T00:00:00Z",
        seed=seed,
        metadata=meta,
        shots=[
            {"id": f"s{i}", "description": "d", "duration_s": d} for i, d in enumerate(durations)
        ],
        base_images=[{"prompt": "k"}] * (len(durations) + 1),
    )
    again = MoviePlan.model_validate_json(plan.model_dump_json())
    assert again == plan
    assert MoviePlan.model_validate(json.loads(plan.model_dump_json())) == plan
