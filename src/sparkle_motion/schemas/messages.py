"""Turn pydantic's ValidationError into our issues: a field path and a rule a person can read.

``shots[3].duration_s: must be > 0, got -2`` rather than pydantic's multi-line report.
Used for plans (PlanSchemaError) and settings (ConfigError) alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from ..errors import PlanIssue, issue

# Tagged-union branch names pydantic inserts into error locations (steps[0].video.prompt).
_UNION_TAGS = frozenset({"image", "tts", "video", "lipsync", "custom"})


def format_path(loc: Sequence[Any], prefix: str = "") -> str:
    """('shots', 3, 'duration_s') -> 'shots[3].duration_s'; tagged-union names dropped."""
    out = prefix
    prev: Any = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(prev, int) and part in _UNION_TAGS:
            pass  # 'steps[0].video.prompt' -> 'steps[0].prompt'
        else:
            out += f".{part}" if out else str(part)
        prev = part
    return out or "<plan>"


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rule(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    simple = {
        "missing": "is required",
        "extra_forbidden": "unknown field (not in the schema)",
        "int_type": "must be an integer",
        "int_parsing": "must be an integer",
        "int_from_float": "must be a whole number",
        "float_type": "must be a number",
        "float_parsing": "must be a number",
        "bool_type": "must be true or false",
        "bool_parsing": "must be true or false",
        "string_type": "must be a string",
        "list_type": "must be a list",
        "tuple_type": "must be a list",
        "dict_type": "must be an object",
        "model_type": "must be an object",
        "model_attributes_type": "must be an object",
        "datetime_type": "must be an ISO 8601 date-time",
        "datetime_parsing": "must be an ISO 8601 date-time",
        "datetime_from_date_parsing": "must be an ISO 8601 date-time",
        "finite_number": "must be a finite number",
        "path_type": "must be a path",
    }
    if kind in simple:
        return simple[kind]
    if kind == "greater_than":
        return f"must be > {_num(ctx['gt'])}"
    if kind == "greater_than_equal":
        return f"must be >= {_num(ctx['ge'])}"
    if kind == "less_than":
        return f"must be < {_num(ctx['lt'])}"
    if kind == "less_than_equal":
        return f"must be <= {_num(ctx['le'])}"
    if kind == "multiple_of":
        return f"must be a multiple of {_num(ctx['multiple_of'])}"
    if kind == "string_too_short":
        n = ctx["min_length"]
        return "must not be empty" if n == 1 else f"must have at least {n} characters"
    if kind == "string_too_long":
        return f"must have at most {ctx['max_length']} characters"
    if kind == "too_short":
        return f"must have at least {ctx['min_length']} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} item(s)"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx['pattern']}"
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx['expected']}"
    if kind == "union_tag_invalid":
        return f"must be one of {ctx['expected_tags']}"
    if kind == "union_tag_not_found":
        return f"needs a {ctx['discriminator']} field"
    msg = str(err.get("msg", kind))
    for noise in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(noise)
    return msg


def _shows_value(err: dict[str, Any]) -> bool:
    if err["type"] in ("missing", "union_tag_not_found"):
        return False
    return isinstance(err.get("input"), str | int | float | bool) or err.get("input") is None


def pydantic_issues(exc: ValidationError, prefix: str = "") -> list[PlanIssue]:
    issues: list[PlanIssue] = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        if err["type"] == "union_tag_invalid":
            loc.append("type")
        path = format_path(loc, prefix)
        rule = _rule(err)
        if err["type"] == "union_tag_invalid":
            issues.append(issue(path, rule, (err.get("ctx") or {}).get("tag")))
        elif _shows_value(err):
            issues.append(issue(path, rule, err.get("input")))
        else:
            issues.append(issue(path, rule))
    return issues
