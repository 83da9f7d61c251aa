from __future__ import annotations

import pytest

from sparkle_motion.errors import PlanPolicyViolation, PlanSchemaError
from sparkle_motion.plans import validate_plan
from sparkle_motion.plans.policy import path_rule
from tests.conftest import make_settings


def reject(data, **cli) -> PlanPolicyViolation:
    with pytest.raises(PlanPolicyViolation) as info:
        validate_plan(data, settings=make_settings(**cli))
    return info.value


def test_blocked_terms_are_whole_words_case_insensitive(short_plan):
    short_plan["shots"][1]["dialogue"] = [
        {"character": "mila", "text": "No BEHEADING here", "off_screen": True}
    ]
    assert reject(short_plan).path == "shots[1].dialogue[0].text"
    short_plan["shots"][1]["dialogue"][0]["text"] = "beheadings"  # not the whole word
    assert validate_plan(short_plan, settings=make_settings())


def test_blocked_terms_are_configurable(short_plan):
    err = reject(short_plan, plan_blocked_terms=["paper boat"])
    assert err.paths[:2] == ["title", "description"] and "'paper boat'" in err.rule
    assert validate_plan(short_plan, settings=make_settings(plan_blocked_terms=[]))


@pytest.mark.parametrize(
    ("ref", "allowed"),
    [
        ("@image.kf-000", True),
        ("artifact+fs://run/abc", True),
        ("artifact://sparkle-motion/x", True),
        ("frames/a.png", True),
        ("./frames/a.png", True),
        ("../a.png", False),
        ("frames/../../a.png", False),
        ("/etc/passwd", False),
        ("file:///etc/passwd", False),
        ("C:\\frames\\a.png", False),
        ("https://example.com/a.png", False),
        ("s3://bucket/a.png", False),
        ("a\x00.png", False),
    ],
)
def test_input_path_rules(ref, allowed):
    assert (path_rule(ref, allow_absolute=False) is None) is allowed


def test_absolute_paths_can_be_allowed(short_plan):
    short_plan["music"]["source"] = "/music/theme.wav"
    assert reject(short_plan).path == "music.source"
    assert validate_plan(short_plan, settings=make_settings(plan_allow_absolute_paths=True))
    assert path_rule("/x/../../y", allow_absolute=True) is None


def test_custom_handlers_allowlist(short_plan):
    short_plan["steps"] = [
        {"id": "g", "type": "custom", "handler": "acme.grade:run", "inputs": ["@video.launch"]}
    ]
    err = reject(short_plan, plan_allowed_handlers=["sparkle_motion.*", "color_grade"])
    assert err.path == "steps[0].handler"
    # admitted by the default '*', but a module path imports code: it needs its own pattern
    with pytest.raises(PlanSchemaError, match="its own plan_allowed_handlers pattern"):
        validate_plan(short_plan, settings=make_settings())
    with pytest.raises(PlanSchemaError, match="cannot import handler"):
        validate_plan(short_plan, settings=make_settings(plan_allowed_handlers=["acme.*"]))


@pytest.mark.parametrize("ref", ["file:/etc/passwd", "~/x.png", "C:x.png", "ftp://host/x"])
def test_more_escapes_are_refused(ref):
    assert path_rule(ref, allow_absolute=False) is not None


def test_checkpoints_names_and_negative_prompts_are_checked(short_plan):
    data = validate_plan(short_plan, settings=make_settings()).plan.model_dump(mode="json")
    k = next(i for i, s in enumerate(data["steps"]) if s["type"] == "lipsync")
    data["steps"][k]["opts"]["checkpoint"] = "/etc/passwd"
    assert reject(data).path == f"steps[{k}].opts.checkpoint"
    short_plan["characters"][0]["name"] = "Beheading Bob"
    assert reject(short_plan).path == "characters[0].name"


@pytest.mark.parametrize(
    ("ref", "rule"),
    [
        ("frames/a\n.png", "control characters"),
        ("frames/a.png\r", "control characters"),
        ("@image.kf-000\n", "control characters"),  # refused before the step-ref shortcut
        ("artifact+fs://run/abc\x1b", "control characters"),
        ("a\ud800.png", "valid Unicode"),
        ("file://", "must name a file"),
        ("file://~/theme.wav", "'~'"),
        ("file://../theme.wav", "'..'"),
        ("file:///etc/passwd", "relative to the plan's folder"),
        ("FILE:///etc/passwd", "scheme"),
        ("file:theme.wav", "scheme"),
        ("//host/share/theme.wav", "relative to the plan's folder"),
        ("\\\\host\\share\\theme.wav", "relative to the plan's folder"),
        ("music\\..\\..\\theme.wav", "'..'"),
        ("javascript:alert(1)", "scheme"),
        ("data:audio/wav;base64,AAAA", "scheme"),
    ],
)
def test_hostile_input_locations_name_the_rule(ref, rule):
    assert rule in (path_rule(ref, allow_absolute=False) or "")


@pytest.mark.parametrize(
    "ref", ["file://theme.wav", "music/./theme.wav", "music/%2e%2e/theme.wav", "ü/テーマ.wav"]
)
def test_odd_but_harmless_locations_are_fine(ref):
    """The engine reads 'file://x' as the plan-relative path 'x' and decodes no
    percent-escapes, so '%2e%2e' is a folder name, not a way out."""
    assert path_rule(ref, allow_absolute=False) is None


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        ("music.source", "theme\n.wav", "music.source"),
        ("base_images.1.source", "file://../../kf.png", "base_images[1].source"),
        (
            "characters.0.voice.reference_audio",
            "/etc/shadow",
            "characters[0].voice.reference_audio",
        ),
    ],
)
def test_input_locations_in_a_plan_are_policy_violations(short_plan, where, value, path):
    node = short_plan
    *parents, last = where.split(".")
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[last] = value
    assert reject(short_plan).paths == [path]
