"""The names a `custom` step's handler may have, and the plan rule that every one resolves,
so an unknown one is rejected before anything renders.

A handler is `handler(job: StepJob) -> list[Output]`: a built-in (by import path, imported
on first use), an installed entry point in the group `sparkle_motion.custom_handlers`, or
a `package.module:function` path the plan policy allows. The adapter that runs them is
adapters/custom/handlers.py.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any, cast

from ..config import Settings
from ..errors import PlanIssue, issue
from ..schemas import CustomStep, MoviePlan

ENTRY_POINT_GROUP = "sparkle_motion.custom_handlers"
Handler = Callable[..., list[Any]]  # (StepJob) -> list[Output]
BUILTIN_HANDLERS: dict[str, str] = {
    "color_grade": "sparkle_motion.adapters.custom.color_grade:color_grade",
}


def _import(path: str) -> object:
    module, _, attr = path.partition(":")
    target: object = importlib.import_module(module)
    for part in attr.split("."):
        target = getattr(target, part)
    return target


@cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known_handlers() -> list[str]:
    return sorted(set(BUILTIN_HANDLERS) | set(_entry_points()))


def resolve_handler(name: str) -> Handler:
    """The callable for `name`; LookupError saying what is known when there is none."""
    if name in BUILTIN_HANDLERS:
        return cast(Handler, _import(BUILTIN_HANDLERS[name]))
    ep = _entry_points().get(name)
    if ep is not None:
        return cast(Handler, ep.load())
    if ":" in name:
        try:
            target = _import(name)
        except (ImportError, AttributeError) as exc:
            raise LookupError(f"cannot import handler {name!r}: {exc}") from None
        if callable(target):
            return cast(Handler, target)  # its signature is the handler's promise
        raise LookupError(f"handler {name!r} is not callable")
    raise LookupError(f"no handler named {name!r}; known: {', '.join(known_handlers())}")


def check_handlers(plan: MoviePlan, settings: Settings) -> list[PlanIssue]:
    """Every custom step's handler resolves now, so an unknown one renders nothing. A
    `package.module:function` path imports code named by the plan: it must be allowed by
    a `plan_allowed_handlers` pattern of its own (the default `*` admits only registered
    handlers: built-ins and installed entry points)."""
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
