"""Content and input policy (settings `plan_blocked_terms`, `plan_allow_absolute_paths`,
`plan_allowed_handlers`). A breach is PlanPolicyViolation naming the field."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from pathlib import PurePosixPath, PureWindowsPath

from ..config import Settings
from ..errors import PlanIssue, issue
from ..schemas import CustomStep, LipsyncStep, MoviePlan
from ..schemas.common import STEP_REF_PREFIX
from ..schemas.steps import step_input_refs

ARTIFACT_SCHEMES = ("artifact://", "artifact+fs://")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _texts(plan: MoviePlan) -> Iterator[tuple[str, str]]:
    yield "title", plan.title
    if plan.description:
        yield "description", plan.description
    for i, c in enumerate(plan.characters):
        yield f"characters[{i}].name", c.name
        yield f"characters[{i}].appearance", c.appearance
    for i, s in enumerate(plan.shots):
        yield f"shots[{i}].description", s.description
        if s.motion_prompt:
            yield f"shots[{i}].motion_prompt", s.motion_prompt
        for j, line in enumerate(s.dialogue):
            yield f"shots[{i}].dialogue[{j}].text", line.text
    for i, kf in enumerate(plan.base_images):
        yield f"base_images[{i}].prompt", kf.prompt
        if kf.negative_prompt:
            yield f"base_images[{i}].negative_prompt", kf.negative_prompt
    if plan.music and plan.music.prompt:
        yield "music.prompt", plan.music.prompt
    for k, step in enumerate(plan.steps):
        for field in ("title", "prompt", "text"):
            value = getattr(step, field, None)
            if isinstance(value, str):
                yield f"steps[{k}].{field}", value
        opts = getattr(step, "opts", None)
        for field in ("prompt_2", "negative_prompt", "negative_prompt_2"):
            value = getattr(opts, field, None)
            if isinstance(value, str):
                yield f"steps[{k}].opts.{field}", value


def _inputs(plan: MoviePlan) -> Iterator[tuple[str, str]]:
    for i, c in enumerate(plan.characters):
        if c.voice.reference_audio:
            yield f"characters[{i}].voice.reference_audio", c.voice.reference_audio
    for i, kf in enumerate(plan.base_images):
        if kf.source:
            yield f"base_images[{i}].source", kf.source
    if plan.music and plan.music.source:
        yield "music.source", plan.music.source
    for k, step in enumerate(plan.steps):
        for field, ref in step_input_refs(step):
            yield f"steps[{k}].{field}", ref
        out = getattr(step, "out_path", None)
        if out:
            yield f"steps[{k}].out_path", out
        if isinstance(step, LipsyncStep):  # checkpoints are files the adapter will load
            for field in ("checkpoint", "face_detector"):
                value = getattr(step.opts, field)
                if value:
                    yield f"steps[{k}].opts.{field}", value


def _patterns(terms: list[str]) -> list[tuple[str, re.Pattern[str]]]:
    return [(term, re.compile(r"\b" + re.escape(term.lower()) + r"\b")) for term in terms]


def blocked_term_in(text: str, terms: list[str]) -> str | None:
    """The first blocked term `text` contains (as a whole word, any case), or None."""
    low = text.lower()
    return next((term for term, pattern in _patterns(terms) if pattern.search(low)), None)


def blocked_terms(plan: MoviePlan, settings: Settings) -> list[PlanIssue]:
    found = []
    for path, text in _texts(plan):
        term = blocked_term_in(text, settings.plan_blocked_terms)
        if term is not None:
            found.append(issue(path, f"contains blocked term {term!r} (content policy)"))
    return found


def path_rule(ref: str, allow_absolute: bool) -> str | None:
    """Why a plan-supplied input location is refused, or None when it is fine."""
    if "\x00" in ref:
        return "must not contain a null byte"
    if _CONTROL.search(ref):
        return "must not contain control characters or line breaks"
    if _SURROGATE.search(ref):
        return "must be valid Unicode text (no lone surrogates)"
    if ref.startswith(STEP_REF_PREFIX) or ref.startswith(ARTIFACT_SCHEMES):
        return None
    if _SCHEME.match(ref) and not ref.startswith("file://"):
        # also catches 'file:/x' and Windows drive paths such as 'C:x'
        return "scheme must be artifact://, artifact+fs:// or file:// (no network inputs)"
    path = ref.removeprefix("file://")
    if path.startswith("~"):
        return "must not start with '~' (home-relative paths are outside the plan's folder)"
    if not path.strip():
        return "must name a file"
    absolute = PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()
    if absolute and not allow_absolute:
        return "must be relative to the plan's folder (set plan_allow_absolute_paths to allow)"
    if not absolute and ".." in PurePosixPath(path.replace("\\", "/")).parts:
        return "must not leave the plan's folder ('..')"
    return None


def input_paths(plan: MoviePlan, settings: Settings) -> list[PlanIssue]:
    found = []
    for path, ref in _inputs(plan):
        rule = path_rule(ref, settings.plan_allow_absolute_paths)
        if rule:
            found.append(issue(path, rule, ref))
    return found


def custom_handlers(plan: MoviePlan, settings: Settings) -> list[PlanIssue]:
    found = []
    for k, step in enumerate(plan.steps):
        if isinstance(step, CustomStep) and not any(
            fnmatch.fnmatchcase(step.handler, pat) for pat in settings.plan_allowed_handlers
        ):
            found.append(
                issue(
                    f"steps[{k}].handler", "is not allowed by plan_allowed_handlers", step.handler
                )
            )
    return found


def check_policy(plan: MoviePlan, settings: Settings) -> list[PlanIssue]:
    return (
        blocked_terms(plan, settings)
        + input_paths(plan, settings)
        + custom_handlers(plan, settings)
    )
