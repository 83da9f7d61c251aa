from __future__ import annotations

import json

from sparkle_motion.plans import compile_steps, validate_plan
from sparkle_motion.plans.ids import derive_seed
from sparkle_motion.plans.profiles import resolve_render_profile
from sparkle_motion.schemas import ImageStep, LipsyncStep, MoviePlan, TTSStep, VideoStep
from tests.conftest import EXAMPLES, make_settings


def _compile(data, **cli):
    settings = make_settings(**cli)
    plan = MoviePlan.model_validate(data)
    return plan, compile_steps(plan, resolve_render_profile(plan, settings))


def test_one_step_per_keyframe_line_and_shot(short_plan):
    plan, steps = _compile(short_plan)
    assert [s.id for s in steps] == [
        "image.kf-000",
        "image.kf-001",
        "image.kf-002",
        "tts.launch-l1",
        "video.launch",
        "video.drift",
        "lipsync.launch",
    ]
    video = next(s for s in steps if s.id == "video.launch")
    assert isinstance(video, VideoStep)
    assert (video.start_frames, video.end_frames) == (["@image.kf-000"], ["@image.kf-001"])
    assert video.opts.num_frames == 96 and video.opts.fps == 24  # 4 s at preview's 24 fps
    assert video.camera == "zoom_in" and "slow zoom in" in video.prompt
    tts = next(s for s in steps if isinstance(s, TTSStep))
    assert tts.voice == plan.characters[0].voice and tts.line_id == "launch-l1"
    lipsync = next(s for s in steps if isinstance(s, LipsyncStep))
    assert lipsync.face_video == "@video.launch" and lipsync.audio == ["@tts.launch-l1"]


def test_full_profile_uses_wan_frame_counts(short_plan):
    _, steps = _compile(short_plan, render_profile="full")
    video = next(s for s in steps if s.id == "video.launch")
    assert video.opts.num_frames == 65 and video.opts.fps == 16  # 4 s -> 4k+1 at 16 fps


def test_seeds_are_stable_and_distinct(short_plan):
    _, a = _compile(short_plan)
    _, b = _compile(short_plan)
    seeds = [s.opts.seed for s in a if isinstance(s, ImageStep)]
    assert seeds == [s.opts.seed for s in b if isinstance(s, ImageStep)]
    assert len(set(seeds)) == 3
    assert seeds[0] == derive_seed(7, "kf", "0")
    short_plan["base_images"][0]["seed"] = 123
    _, c = _compile(short_plan)
    assert c[0].opts.seed == 123


def test_sourced_keyframe_is_read_not_rendered(short_plan):
    short_plan["base_images"][1]["source"] = "frames/boat.png"
    _, steps = _compile(short_plan)
    assert "image.kf-001" not in [s.id for s in steps]
    video = next(s for s in steps if s.id == "video.launch")
    assert video.end_frames == ["frames/boat.png"]


def test_off_screen_lines_are_not_lipsynced(short_plan):
    short_plan["shots"][0]["dialogue"][0]["off_screen"] = True
    _, steps = _compile(short_plan)
    assert not [s for s in steps if isinstance(s, LipsyncStep)]


def test_compiled_plan_validates_again_unchanged(short_plan):
    first = validate_plan(short_plan, settings=make_settings()).plan
    second = validate_plan(first.model_dump(mode="json"), settings=make_settings()).plan
    assert second == first and len(first.steps) == 7


def test_a_plan_without_dedupe_turns_it_off_for_every_keyframe(short_plan):
    _, default = _compile(short_plan)
    assert all(s.opts.dedupe for s in default if isinstance(s, ImageStep))
    _, off = _compile({**short_plan, "dedupe": False})
    images = [s for s in off if isinstance(s, ImageStep)]
    assert images and not any(s.opts.dedupe for s in images)


def test_a_keyframe_frames_its_shots_first_speaker_and_the_last_one_the_last_speaker():
    data = json.loads((EXAMPLES / "lighthouse_whale.json").read_text())
    plan, steps = _compile(data)
    hints = [s.scene for s in steps if isinstance(s, ImageStep) and s.scene is not None]
    assert len(hints) == len(plan.base_images)
    for i, hint in enumerate(hints[:-1]):
        lines = [line.character for line in plan.shots[i].dialogue]
        assert hint.speaker == (lines[0] if lines else None)
    assert hints[-1].speaker == plan.shots[-1].dialogue[-1].character
    assert {h.speaker for h in hints} == {"ada", "tobin"}
    silent = {**data, "shots": [{**s, "dialogue": []} for s in data["shots"]]}
    quiet = [s.scene for s in _compile(silent)[1] if isinstance(s, ImageStep)]
    assert quiet and all(h is not None and h.speaker is None for h in quiet)
