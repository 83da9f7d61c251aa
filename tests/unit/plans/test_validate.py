"""The validation pipeline's own guarantees: whatever it is given, a ValidatedPlan or a
PlanError, with a bounded list of issues."""

from __future__ import annotations

import pytest

from sparkle_motion.errors import PlanParseError, PlanSchemaError
from sparkle_motion.plans import validate_plan
from sparkle_motion.schemas.messages import MAX_ISSUES
from tests.conftest import make_settings


@pytest.mark.parametrize("data", [[1], 42, None, 1.5, ("a", "b")], ids=repr)
def test_anything_but_an_object_is_a_parse_error(data):
    """A list reached `dict(data)` and raised TypeError."""
    with pytest.raises(PlanParseError) as info:
        validate_plan(data, settings=make_settings())
    assert info.value.path == "<plan>" and "must be an object" in info.value.rule


def test_bytes_in_a_text_field_are_not_decoded_silently(short_plan):
    short_plan["title"] = b"The Paper Boat"
    with pytest.raises(PlanSchemaError) as info:
        validate_plan(short_plan, settings=make_settings())
    assert info.value.paths == ["title"] and info.value.rule == "must be a string"


def test_rule_issues_are_capped_too(short_plan):
    """Cross-field rules report every problem, but not ten thousand of them."""
    shots = [{"id": "s", "description": "d", "duration_s": 1} for _ in range(500)]
    plan = {**short_plan, "shots": shots, "base_images": [{"prompt": "p"}] * 501}
    with pytest.raises(PlanSchemaError) as info:
        validate_plan(plan, settings=make_settings())
    issues = info.value.issues
    assert len(issues) == MAX_ISSUES and issues[0].path == "shots[1].id"
    assert issues[-1].rule == f"and {499 - MAX_ISSUES + 1} more issues (not listed)"
