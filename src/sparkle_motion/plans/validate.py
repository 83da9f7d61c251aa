"""The one plan validation pipeline: parse -> schema -> cross-field rules -> resource caps
-> step rules -> policy -> compiled steps. Each phase raises its own error class with every issue it found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..config import Settings, get_settings
from ..errors import (
    PlanError,
    PlanIssue,
    PlanParseError,
    PlanPolicyViolation,
    PlanResourceError,
    PlanSchemaError,
    issue,
)
from ..schemas import MoviePlan, PolicyWarning, ResolvedRenderProfile
from ..schemas.messages import MAX_ISSUES, pydantic_issues
from .compile import with_compiled_steps
from .handlers import check_handlers
from .limits import check_limits
from .parse import load_plan_file, parse_plan_text
from .policy import check_policy
from .profiles import resolve_render_profile
from .rules import check_rules, check_steps


@dataclass(frozen=True)
class ValidatedPlan:
    plan: MoviePlan  # steps compiled when the input had none
    profile: ResolvedRenderProfile
    warnings: list[PolicyWarning] = field(default_factory=list)


def _capped(problems: list[PlanIssue]) -> list[PlanIssue]:
    """At most MAX_ISSUES issues; the last says how many more there were."""
    if len(problems) <= MAX_ISSUES:
        return problems
    more = len(problems) - (MAX_ISSUES - 1)
    return [*problems[: MAX_ISSUES - 1], issue("<plan>", f"and {more} more issues (not listed)")]


def _fail(cls: type[PlanError], problems: list[PlanIssue], source: str | None) -> PlanError:
    return cls(_capped(problems), source=source)


def validate_plan(
    data: Mapping[str, Any] | str | bytes | MoviePlan,
    *,
    settings: Settings | None = None,
    source: str | None = None,
) -> ValidatedPlan:
    settings = settings or get_settings()
    if isinstance(data, str | bytes):
        data = parse_plan_text(data, source=source)
    if isinstance(data, MoviePlan):
        plan = data
    elif not isinstance(data, Mapping):
        raise PlanParseError(
            [issue("<plan>", f"must be an object (a MoviePlan), got {type(data).__name__}")],
            source=source,
        )
    else:
        try:
            plan = MoviePlan.model_validate(dict(data))
        except ValidationError as exc:
            raise PlanSchemaError(pydantic_issues(exc), source=source) from None
        except RecursionError:
            raise PlanSchemaError([issue("<plan>", "nesting is too deep")], source=source) from None

    try:
        profile = resolve_render_profile(plan, settings)
    except (PlanSchemaError, PlanResourceError) as exc:
        raise type(exc)(exc.issues, source=source) from None

    problems, warnings = check_rules(plan, settings, profile)
    if problems:
        raise _fail(PlanSchemaError, problems, source)
    problems = check_limits(plan, settings, profile)
    if problems:
        raise _fail(PlanResourceError, problems, source)
    problems = check_steps(plan, profile)
    if problems:
        raise _fail(PlanSchemaError, problems, source)
    problems = check_policy(plan, settings)
    if problems:
        raise _fail(PlanPolicyViolation, problems, source)
    problems = check_handlers(plan, settings)
    if problems:
        raise _fail(PlanSchemaError, problems, source)
    return ValidatedPlan(with_compiled_steps(plan, profile), profile, warnings)


def validate_plan_file(path: Path, *, settings: Settings | None = None) -> ValidatedPlan:
    return validate_plan(load_plan_file(path), settings=settings, source=str(path))
