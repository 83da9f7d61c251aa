from __future__ import annotations

import pytest

from sparkle_motion.errors import PlanParseError
from sparkle_motion.plans import load_plan_file, parse_plan_text
from sparkle_motion.plans.parse import MAX_PLAN_BYTES


def test_json_and_yaml_parse_to_the_same_mapping():
    assert parse_plan_text('{"id": "a", "n": [1, 2]}') == parse_plan_text("id: a\nn: [1, 2]\n")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ('{"id": 1,}', "invalid JSON at line 1 column 10"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[1, 2]", "must be an object (a MoviePlan), got list"),
        ("id: [unclosed\n", "invalid YAML at line 2"),
        ("just a string", "got str"),
        ("", "got NoneType"),
    ],
)
def test_parse_errors_name_the_problem(text, rule):
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text, source="x.plan")
    assert info.value.path == "<plan>"
    assert rule in info.value.rule
    assert str(info.value).startswith("x.plan: <plan>: ")


def test_not_utf8_and_too_big(tmp_path):
    with pytest.raises(PlanParseError, match="must be UTF-8"):
        parse_plan_text(b'{"id": "\xff"}')
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_PLAN_BYTES + 1))
    with pytest.raises(PlanParseError, match="at most"):
        load_plan_file(big)


def test_missing_file_is_a_parse_error(tmp_path):
    with pytest.raises(PlanParseError, match="cannot read file"):
        load_plan_file(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("[" * 200_000, "nesting is too deep"),
        ("a: " + "[" * 20_000, "nesting is too deep"),
        ("a: &x [1, 2]\nb: *x\n", "aliases (*name) are not allowed"),
        ("id: x\nid: y\n", "duplicate key 'id'"),
    ],
)
def test_hostile_documents_are_parse_errors(text, rule):
    with pytest.raises(PlanParseError) as info:
        parse_plan_text(text)
    assert rule in info.value.rule
