from __future__ import annotations

import pytest

from sparkle_motion.plans import validate_plan
from sparkle_motion.runs.step_keys import MissingUpstreamError, step_key
from tests.conftest import make_settings


def compiled(plan_dict):
    return {s.id: s for s in validate_plan(plan_dict, settings=make_settings()).plan.steps}


def key(step, **over):
    args = {
        "upstream": {"image.kf-000": "a" * 64, "image.kf-001": "b" * 64, "image.kf-002": "d" * 64},
        "adapter": "ffmpeg_motion",
        "adapter_version": "1",
        "model_id": None,
        "seed": 5,
    }
    args.update(over)
    return step_key(step, **args)


def test_same_content_same_key_and_names_do_not_matter(short_plan):
    steps = compiled(short_plan)
    video = steps["video.launch"]
    assert key(video) == key(video)
    assert len(key(video)) == 64
    assert key(video) == key(video.model_copy(update={"title": "renamed"}))


@pytest.mark.parametrize(
    "change",
    [
        {
            "upstream": {"image.kf-000": "c" * 64, "image.kf-001": "b" * 64}
        },  # an upstream keyframe changed
        {"adapter": "wan"},
        {"adapter_version": "2"},
        {"model_id": "Wan2.1"},
        {"seed": 6},
    ],
)
def test_every_input_enters_the_key(short_plan, change):
    video = compiled(short_plan)["video.launch"]
    assert key(video, **change) != key(video)


def test_editing_one_shot_changes_only_its_keys(short_plan):
    before = compiled(short_plan)
    short_plan["shots"][1]["description"] = "The boat sinks quietly."
    after = compiled(short_plan)
    assert key(after["video.drift"]) != key(before["video.drift"])
    assert key(after["video.launch"]) == key(before["video.launch"])


def test_missing_upstream_is_an_error(short_plan):
    with pytest.raises(MissingUpstreamError, match=r"image\.kf-001"):
        key(compiled(short_plan)["video.launch"], upstream={"image.kf-000": "a" * 64})
