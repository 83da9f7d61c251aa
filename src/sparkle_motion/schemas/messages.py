"""Turn pydantic's ValidationError into our issues: a field path and a rule a person can read.

``shots[3].duration_s: must be > 0, got -2`` rather than pydantic's multi-line report.
Used for plans (PlanSchemaError) and settings (ConfigError) alike.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from ..errors import PlanIssue, issue

# Tagged-union branch names pydantic inserts into error locations (steps[0].video.prompt).
_UNION_TAGS = frozenset({"image", "tts", "video", "lipsync", "custom"})


# At most this many issues are reported for one validation (a hostile plan can hold
# thousands of broken shots); the last one says how many more there were.
MAX_ISSUES = 100


def path_segment(part: Any) -> str:
    """A key as it reads in a path. Keys a plan author typed (unknown fields) may hold
    control characters, lone surrogates or be huge: those are shown escaped and cut."""
    text = str(part)
    if text.isprintable() and len(text) <= 64 and not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    quoted = json.dumps(text)  # ASCII, escaped
    return quoted if len(quoted) <= 64 else quoted[:60] + '..."'


def format_path(loc: Sequence[Any], prefix: str = "") -> str:
    """('shots', 3, 'duration_s') -> 'shots[3].duration_s'; tagged-union names dropped."""
    out = prefix
    prev: Any = None
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        elif isinstance(prev, int) and part in _UNION_TAGS:
            pass  # 'steps[0].video.prompt' -> 'steps[0].prompt'
        else:
            seg = path_segment(part)
            out += f".{seg}" if out else seg
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
        "string_unicode": "must be valid Unicode text (no lone surrogates)",
    }
    if kind == "int_type" and isinstance(err.get("input"), float):
        whole = err["input"].is_integer()
        return "must be an integer" + (" (written without a decimal point)" if whole else "")
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
    if kind == "too_long" and isinstance(err.get("input"), str):
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


def _shown(value: Any) -> Any:
    """The offending value as an issue carries it: JSON-safe (a non-finite float as its
    name, a string with lone surrogates escaped, a huge one cut) so any front door can
    print or serialize it."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        if any("\ud800" <= c <= "\udfff" for c in value):
            value = value.encode("utf-8", "backslashreplace").decode("utf-8")
        if len(value) > 200:
            value = value[:197] + "..."
    return value


def pydantic_issues(exc: ValidationError, prefix: str = "") -> list[PlanIssue]:
    issues: list[PlanIssue] = []
    errors = exc.errors(include_url=False)
    if len(errors) > MAX_ISSUES:
        more = len(errors) - (MAX_ISSUES - 1)
        errors = errors[: MAX_ISSUES - 1]
    else:
        more = 0
    for err in errors:
        loc = list(err["loc"])
        if err["type"] == "union_tag_invalid":
            loc.append("type")
        path = format_path(loc, prefix)
        rule = _rule(err)
        if err["type"] == "union_tag_invalid":
            issues.append(issue(path, rule, _shown((err.get("ctx") or {}).get("tag"))))
        elif _shows_value(err):
            issues.append(issue(path, rule, _shown(err.get("input"))))
        else:
            issues.append(issue(path, rule))
    if more:
        issues.append(issue(prefix or "<plan>", f"and {more} more issues (not listed)"))
    return issues
