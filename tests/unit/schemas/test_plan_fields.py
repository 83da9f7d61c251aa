"""Field-level rules a hostile plan meets: strict, finite, bounded numbers; printable,
visible text; free-form JSON capped in depth and size; ids that are whole-string matches.
Each refusal is a PlanError naming the field path, never another exception."""

from __future__ import annotations

import copy
import json
import re

import pytest

from sparkle_motion.errors import PlanParseError, PlanResourceError, PlanSchemaError
from sparkle_motion.plans import validate_plan
from sparkle_motion.schemas import MoviePlan
from sparkle_motion.schemas.common import JSON_MAX_BYTES, JSON_MAX_DEPTH, MAX_SHOT_SECONDS
from sparkle_motion.schemas.messages import MAX_ISSUES
from sparkle_motion.schemas.registry import model_json_schema
from tests.conftest import make_settings


def put(plan: dict, path: str, value) -> dict:
    """A copy of `plan` with `value` at a dotted path ('shots.0.duration_s')."""
    plan = copy.deepcopy(plan)
    *parents, last = path.split(".")
    node = plan
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    node[int(last) if isinstance(node, list) else last] = value
    return plan


def schema_error(data) -> PlanSchemaError:
    with pytest.raises(PlanSchemaError) as info:
        validate_plan(data, settings=make_settings())
    return info.value


def valid(data) -> MoviePlan:
    return validate_plan(data, settings=make_settings()).plan


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("where", "value", "path", "rule"),
    [
        ("shots.0.duration_s", True, "shots[0].duration_s", "must be a number"),
        ("shots.0.duration_s", "3", "shots[0].duration_s", "must be a number"),
        ("shots.0.duration_s", "4.0", "shots[0].duration_s", "must be a number"),
        ("seed", True, "seed", "must be an integer"),
        ("seed", "7", "seed", "must be an integer"),
        ("seed", 7.0, "seed", "must be an integer (written without a decimal point)"),
        ("characters.0.voice.rate", False, "characters[0].voice.rate", "must be a number"),
        ("shots.0.dialogue.0.off_screen", 1, "shots[0].dialogue[0].off_screen", "true or false"),
        ("shots.0.dialogue.0.off_screen", "yes", "shots[0].dialogue[0].off_screen", "true or"),
        ("music.volume_db", "-20", "music.volume_db", "must be a number"),
        ("render_profile.width", "640", "render_profile.width", "must be an integer"),
        ("render_profile.fps", True, "render_profile.fps", "must be a number"),
        ("assemble_opts.crf", 20.0, "assemble_opts.crf", "must be an integer"),
        ("assemble_opts.subtitles", "false", "assemble_opts.subtitles", "true or false"),
    ],
)
def test_numbers_and_booleans_are_never_coerced(short_plan, where, value, path, rule):
    """`duration_s: true` was a 1-second shot and `"3"` a 3-second one."""
    err = schema_error(put(short_plan, where, value))
    assert err.paths == [path] and rule in err.rule


def test_an_int_is_a_fine_float(short_plan):
    plan = valid(put(short_plan, "shots.1.duration_s", 3))
    assert plan.shots[1].duration_s == 3 and isinstance(plan.shots[1].duration_s, float)


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("shots.0.duration_s", "shots[0].duration_s"),
        ("shots.0.dialogue.0.start_s", "shots[0].dialogue[0].start_s"),
    ],
)
def test_seconds_are_bounded_so_frame_arithmetic_cannot_overflow(short_plan, where, path):
    """1e308 s * fps was inf, and round(inf) raised OverflowError in plans/timing.py."""
    err = schema_error(put(short_plan, where, 1e308))
    assert err.paths == [path] and err.rule == f"must be <= {MAX_SHOT_SECONDS:g}"


@pytest.mark.parametrize("value", [0, -0.0, -2, 5e-324 * -1])
def test_durations_must_be_positive(short_plan, value):
    err = schema_error(put(short_plan, "shots.0.duration_s", value))
    assert err.paths == ["shots[0].duration_s"] and err.rule == "must be > 0"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_json_numbers_are_schema_errors_with_a_path(short_plan, text):
    doc = json.dumps(short_plan).replace('"duration_s": 4', f'"duration_s": {text}', 1)
    with pytest.raises(PlanSchemaError) as info:
        validate_plan(doc, settings=make_settings())
    assert info.value.paths == ["shots[0].duration_s"] and "finite" in info.value.rule
    json.dumps(info.value.to_dict(), allow_nan=False)  # what --json prints is strict JSON


def test_every_number_in_the_plan_schema_is_bounded():
    unbounded = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") in ("number", "integer") and not (
                {"maximum", "exclusiveMaximum"} & node.keys()
                and {"minimum", "exclusiveMinimum"} & node.keys()
            ):
                unbounded.append(where)
            for key, child in node.items():
                walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{where}/{i}")

    walk(model_json_schema("movie_plan"), "#")
    assert unbounded == []


def test_every_string_in_the_plan_schema_is_capped():
    uncapped = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "string" and not (
                {"maxLength", "pattern", "enum", "const", "format"} & node.keys()
            ):
                uncapped.append(where)
            for key, child in node.items():
                walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{where}/{i}")

    walk(model_json_schema("movie_plan"), "#")
    assert uncapped == []


# ---------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        ("shots.0.dialogue.0.text", "\x00", "shots[0].dialogue[0].text"),
        ("shots.0.dialogue.0.text", "Sail\x00far", "shots[0].dialogue[0].text"),
        ("shots.0.dialogue.0.text", "Sail \x1b[31mfar", "shots[0].dialogue[0].text"),
        ("shots.0.dialogue.0.text", "Sail\rfar", "shots[0].dialogue[0].text"),
        ("shots.0.dialogue.0.text", "Sail \x85far", "shots[0].dialogue[0].text"),  # C1
        ("shots.0.dialogue.0.text", "Sail \x7ffar", "shots[0].dialogue[0].text"),  # DEL
        ("title", "The\nPaper Boat", "title"),
        ("title", "The\tPaper Boat", "title"),
        ("title", "The\u2028Paper Boat", "title"),
        ("characters.0.name", "Mi\x00la", "characters[0].name"),
        ("characters.0.appearance", "a girl\x0b in red", "characters[0].appearance"),
        ("description", "a boat\x07", "description"),
        ("shots.0.description", "a curb\x00", "shots[0].description"),
        ("shots.0.title", "launch\n", "shots[0].title"),
        ("shots.0.setting", "a street\r\n", "shots[0].setting"),
        ("shots.0.mood", "\x1b[2J", "shots[0].mood"),
        ("music.mood", "calm\x00", "music.mood"),
        ("characters.0.voice.description", "warm\x00", "characters[0].voice.description"),
        ("base_images.0.prompt", "a girl\x00", "base_images[0].prompt"),
    ],
)
def test_control_characters_are_refused_with_the_path(short_plan, where, value, path):
    """NUL in a line passed validation and failed at TTS; an escape sequence reached the
    subtitles and the terminal."""
    err = schema_error(put(short_plan, where, value))
    assert err.paths == [path]
    assert "control character" in err.rule or "line break" in err.rule


@pytest.mark.parametrize(
    "value",
    [
        "\u200b\u200b",  # zero-width spaces
        "\u200b \ufeff\u2060",  # with a space, a BOM and a word joiner
        "\u200e\u200f\u202e",  # direction marks and an override, nothing to read
        "\u3164",  # Hangul filler: looks like nothing
        "\u0301\u0302",  # combining marks on nothing
        "\U000e0041\U000e0042",  # tag characters
    ],
)
def test_text_with_nothing_visible_is_refused(short_plan, value):
    err = schema_error(put(short_plan, "shots.0.dialogue.0.text", value))
    assert err.paths == ["shots[0].dialogue[0].text"] and "visible character" in err.rule


@pytest.mark.parametrize(
    ("where", "path"),
    [("shots.0.title", "shots[0].title"), ("characters.0.voice.description", None)],
)
def test_optional_text_when_given_must_be_visible_too(short_plan, where, path):
    err = schema_error(put(short_plan, where, "\u200b"))
    assert err.paths == [path or where.replace(".0.", "[0].")]
    assert valid(put(short_plan, where, ""))  # empty is the same as leaving it out


@pytest.mark.parametrize(
    "text",
    [
        "Sail far,\nlittle boat!",  # a line break inside a line of dialogue is fine
        "Sail\tfar!",
        "Navega lejos, barquito 🚣‍♀️",  # emoji with a zero-width joiner
        "小船，远航吧！",
        "‏أبحر بعيدًا",  # a direction mark leading visible Arabic
        "Sail \u202efar\u202c!",  # an override inside visible text
        "e\u0301te\u0301",  # combining accents on letters
    ],
)
def test_real_text_is_kept_unchanged(short_plan, text):
    plan = valid(put(short_plan, "shots.0.dialogue.0.text", text))
    assert plan.shots[0].dialogue[0].text == text


def test_lone_surrogates_in_python_input_are_refused(short_plan):
    err = schema_error(put(short_plan, "shots.0.dialogue.0.text", "Sail \ud800"))
    assert err.paths == ["shots[0].dialogue[0].text"] and "lone surrogate" in err.rule


@pytest.mark.parametrize(
    ("where", "limit", "path"),
    [
        ("title", 200, "title"),
        ("shots.0.title", 200, "shots[0].title"),
        ("shots.0.dialogue.0.emotion", 64, "shots[0].dialogue[0].emotion"),
        ("characters.0.voice.voice_id", 128, "characters[0].voice.voice_id"),
        ("shots.0.dialogue.0.text", 1000, "shots[0].dialogue[0].text"),
        ("music.source", 1024, "music.source"),
    ],
)
def test_long_strings_are_capped_with_the_path(short_plan, where, limit, path):
    err = schema_error(put(short_plan, where, "x" * 100_000))
    assert err.paths == [path] and err.rule == f"must have at most {limit} characters"
    assert len(str(err)) < 400  # the offending value is shown cut short


# ---------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        ("id", "paper-boat\n", "id"),
        ("shots.0.id", "launch\n", "shots[0].id"),
        ("characters.0.id", "mila\n", "characters[0].id"),
        ("shots.0.dialogue.0.id", "l1\n", "shots[0].dialogue[0].id"),
        ("shots.0.id", "a/b", "shots[0].id"),
        ("shots.0.id", "a.b", "shots[0].id"),  # '.' separates step ids: 'video.<shot>'
        ("shots.0.id", "..", "shots[0].id"),
        ("id", "../x", "id"),
        ("id", ".hidden", "id"),
        ("shots.0.id", "lаunch", "shots[0].id"),  # Cyrillic 'а'
        ("render_profile.name", "preview\n", "render_profile.name"),
    ],
)
def test_ids_match_their_pattern_as_a_whole_string(short_plan, where, value, path):
    """Python's `re` lets '$' match before a final newline; pydantic's Rust regex does not,
    so 'x\\n' is refused as it must be (file names and step keys are built from ids)."""
    err = schema_error(put(short_plan, where, value))
    assert err.paths == [path] and "must match" in err.rule


def test_python_re_would_have_let_a_trailing_newline_through():
    pattern = MoviePlan.model_json_schema()["$defs"]["Shot"]["properties"]["id"]["pattern"]
    assert re.match(pattern, "launch\n")  # why the schema, not `re`, must check ids


def test_step_ids_and_handlers_refuse_a_trailing_newline(short_plan):
    for field, value in [("id", "grade\n"), ("handler", "color_grade\n")]:
        step = {"id": "grade", "type": "custom", "handler": "color_grade", field: value}
        err = schema_error({**short_plan, "steps": [step]})
        assert err.paths == [f"steps[0].{field}"]


# ---------------------------------------------------------------------------- free-form JSON


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def test_metadata_200_levels_deep_is_refused_at_validation(short_plan):
    """It passed, then the run exited 1: ADK could not read its own session event back."""
    err = schema_error({**short_plan, "metadata": nested(200)})
    assert err.paths == ["metadata"]
    assert f"must nest at most {JSON_MAX_DEPTH} levels deep" in err.rule


def test_metadata_depth_limit_is_exact(short_plan):
    assert valid({**short_plan, "metadata": nested(JSON_MAX_DEPTH)})
    err = schema_error({**short_plan, "metadata": nested(JSON_MAX_DEPTH + 1)})
    assert err.paths == ["metadata"]
    deep_list = {"a": [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}  # 17 levels
    assert schema_error({**short_plan, "metadata": deep_list}).paths == ["metadata"]


def test_metadata_size_is_capped(short_plan):
    fits = {"note": "x" * (JSON_MAX_BYTES - 20)}
    assert valid({**short_plan, "metadata": fits})
    err = schema_error({**short_plan, "metadata": {"note": "x" * JSON_MAX_BYTES}})
    assert err.paths == ["metadata"] and f"at most {JSON_MAX_BYTES} bytes" in err.rule
    many = {"n": list(range(JSON_MAX_BYTES))}
    assert schema_error({**short_plan, "metadata": many}).paths == ["metadata"]


def test_metadata_from_text_is_capped_the_same(short_plan):
    doc = json.dumps({**short_plan, "metadata": nested(200)})
    with pytest.raises(PlanSchemaError) as info:
        validate_plan(doc, settings=make_settings())
    assert info.value.paths == ["metadata"]


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ({"x": float("nan")}, "finite"),
        ({"x": [1, float("inf")]}, "finite"),
        ({"x": 2**63}, "64 bits"),
        ({"x": -(2**5000)}, "64 bits"),
        ({"x": "a\ud800"}, "valid Unicode"),
        ({"\udc00": 1}, "valid Unicode"),
        ({"x": b"bytes"}, "valid"),
        ({1: "int key"}, "must be a string"),
    ],
)
def test_metadata_values_must_be_json(short_plan, value, rule):
    err = schema_error({**short_plan, "metadata": value})
    assert err.path.startswith("metadata") and rule in " ".join(i.rule for i in err.issues)


def test_cyclic_metadata_is_refused_not_walked_forever(short_plan):
    loop: dict = {}
    loop["self"] = loop
    assert schema_error({**short_plan, "metadata": loop}).paths == ["metadata"]


def test_custom_step_opts_are_capped_like_metadata(short_plan):
    step = {"id": "grade", "type": "custom", "handler": "color_grade", "opts": nested(50)}
    err = schema_error({**short_plan, "steps": [step]})
    assert err.paths == ["steps[0].opts"] and "levels deep" in err.rule


# ---------------------------------------------------------------------------- counts


def test_a_flood_of_broken_shots_reports_a_bounded_number_of_issues(short_plan):
    shots = [{"id": f"s{i}", "description": "d", "duration_s": -1} for i in range(5000)]
    err = schema_error({**short_plan, "shots": shots})
    assert len(err.issues) == MAX_ISSUES
    assert err.issues[-1].rule.startswith("and ") and "more issues" in err.issues[-1].rule


def test_shot_counts_have_a_hard_schema_ceiling_and_a_configurable_cap(short_plan):
    shot = {"id": "s", "description": "d", "duration_s": 1}
    many = {**short_plan, "shots": [{**shot, "id": f"s{i}"} for i in range(10_001)]}
    assert schema_error(many).paths == ["shots"]
    over_cap = {
        **short_plan,
        "shots": [{**shot, "id": f"s{i}"} for i in range(65)],
        "base_images": [{"prompt": "p"}] * 66,
    }
    with pytest.raises(PlanResourceError) as info:
        validate_plan(over_cap, settings=make_settings())
    assert "plan_max_shots" in info.value.rule


def test_duplicate_ids_are_schema_errors(short_plan):
    plan = put(short_plan, "characters", short_plan["characters"] * 2)
    assert schema_error(plan).paths == ["characters[1].id"]


def test_parse_errors_are_plan_errors_too():
    with pytest.raises(PlanParseError):
        validate_plan('{"seed": ' + "1" * 5000 + "}", settings=make_settings())
