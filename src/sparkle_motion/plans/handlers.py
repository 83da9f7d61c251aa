"""Plan rule: every custom step's handler resolves (adapters.custom_handlers), so an unknown
one is rejected before anything renders."""

from __future__ import annotations

import fnmatch

from ..config import Settings
from ..errors import PlanIssue, issue
from ..schemas import CustomStep, MoviePlan


def check_handlers(plan: MoviePlan, settings: Settings) -> list[PlanIssue]:
    """Every custom step's handler resolves now, so an unknown one renders nothing. A
    `package.module:function` path imports code named by the plan: it must be allowed by
    a `plan_allowed_handlers` pattern of its own (the default `*` admits only registered
    handlers: built-ins and installed entry points)."""
    from ..adapters.custom_handlers import known_handlers, resolve_handler

    found = []
    for k, step in enumerate(plan.steps):
        if not isinstance(step, CustomStep):
            continue
        path = f"steps[{k}].handler"
        if ":" in step.handler and step.handler not in known_handlers():
            explicit = [p for p in settings.plan_allowed_handlers if p != "*"]
            if not any(fnmatch.fnmatchcase(step.handler, p) for p in explicit):
                found.append(
                    issue(
                        path,
                        "a module path must be allowed by its own plan_allowed_handlers "
                        "pattern ('*' admits registered handlers only)",
                        step.handler,
                    )
                )
                continue
        try:
            resolve_handler(step.handler)
        except LookupError as exc:
            found.append(issue(path, f"must name a registered handler ({exc})", step.handler))
    return found
