from __future__ import annotations

import pytest
from pydantic import ValidationError

from sparkle_motion.schemas import MoviePlan
from sparkle_motion.schemas.messages import format_path, pydantic_issues


def test_format_path():
    assert format_path(("shots", 3, "duration_s")) == "shots[3].duration_s"
    assert format_path(("steps", 0, "video", "prompt")) == "steps[0].prompt"
    assert format_path(()) == "<plan>"
    assert format_path(("x",), prefix="cfg") == "cfg.x"


def _issues(data):
    with pytest.raises(ValidationError) as info:
        MoviePlan.model_validate(data)
    return [str(i) for i in pydantic_issues(info.value)]


def test_messages_read_like_rules(short_plan):
    short_plan["shots"][1]["duration_s"] = -2
    short_plan["shots"][0]["camera"] = "fly"
    short_plan["shots"][0]["description"] = ""
    short_plan["characters"][0]["voice"]["rate"] = 3
    short_plan["base_images"][0]["seed"] = 1.5
    short_plan["steps"] = [
        {"id": "v", "type": "video", "prompt": "p"},
        {"id": "z", "type": "zoom"},
        {"id": "q"},
    ]
    short_plan["colour"] = "blue"
    assert _issues(short_plan) == [
        "characters[0].voice.rate: must be <= 2, got 3",
        "shots[0].description: must not be empty, got ''",
        "shots[0].camera: must be one of 'static', 'zoom_in', 'zoom_out', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down' or 'crossfade', got 'fly'",
        "shots[1].duration_s: must be > 0, got -2",
        "base_images[0].seed: must be an integer, got 1.5",
        "steps[0].start_frames: is required",
        "steps[1].type: must be one of 'image', 'tts', 'video', 'lipsync', 'custom', 'assemble', 'finalize', got 'zoom'",
        "steps[2]: needs a 'type' field",
        "colour: unknown field (not in the schema), got 'blue'",
    ]
