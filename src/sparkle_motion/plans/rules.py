"""Rules across fields of a schema-valid MoviePlan. Each returns issues; none mutates.

Errors here raise PlanSchemaError (the plan contradicts itself); soft findings come back
as PolicyWarnings (a dry run reports them).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..config import Settings
from ..errors import PlanIssue, issue
from ..schemas import (
    CustomStep,
    ImageStep,
    LipsyncStep,
    MoviePlan,
    PolicyWarning,
    RenderProfile,
    Step,
    TTSStep,
    VideoStep,
)
from ..schemas.common import STEP_REF_PREFIX
from .compile import compile_steps
from .timing import LINE_GAP_S, place_lines


def _duplicates(items: Iterable[tuple[str, str]], what: str) -> list[PlanIssue]:
    """items: (path, id). The second and later uses of an id are issues."""
    seen: dict[str, str] = {}
    found = []
    for path, ident in items:
        if ident in seen:
            found.append(issue(path, f"duplicate {what} id (first used at {seen[ident]})", ident))
        else:
            seen[ident] = path
    return found


def unique_ids(plan: MoviePlan) -> list[PlanIssue]:
    found = _duplicates(
        ((f"characters[{i}].id", c.id) for i, c in enumerate(plan.characters)), "character"
    )
    found += _duplicates(((f"shots[{i}].id", s.id) for i, s in enumerate(plan.shots)), "shot")
    found += _duplicates(
        ((f"base_images[{i}].id", plan.keyframe_id(i)) for i in range(len(plan.base_images))),
        "keyframe",
    )
    found += _duplicates(
        (
            (f"shots[{i}].dialogue[{j}].id", shot.line_id(j))
            for i, shot in enumerate(plan.shots)
            for j in range(len(shot.dialogue))
        ),
        "dialogue line",
    )
    found += _duplicates(((f"steps[{k}].id", s.id) for k, s in enumerate(plan.steps)), "step")
    return found


def keyframe_count(plan: MoviePlan) -> list[PlanIssue]:
    want = len(plan.shots) + 1
    if len(plan.base_images) != want:
        return [
            issue(
                "base_images",
                f"must hold len(shots) + 1 = {want} keyframes (frame i starts shot i, "
                f"frame i+1 ends it), got {len(plan.base_images)}",
            )
        ]
    return []


def sources_are_files(plan: MoviePlan) -> list[PlanIssue]:
    """Keyframe and music `source`s name files (plan-relative or allowed absolute paths).
    Artifact URIs are not resolved as inputs yet, and a step's output (`@id`) can be a
    keyframe source only through the step rules, never music."""
    found = []
    refs = [(f"base_images[{i}].source", kf.source) for i, kf in enumerate(plan.base_images)]
    if plan.music is not None:
        refs.append(("music.source", plan.music.source))
    for path, ref in refs:
        if ref is None:
            continue
        if ref.startswith(("artifact://", "artifact+fs://")):
            found.append(issue(path, "must be a file path; artifact URIs are not inputs yet", ref))
        elif path == "music.source" and ref.startswith("@"):
            found.append(issue(path, "must be a file path, not a step output", ref))
    return found


def characters_declared(plan: MoviePlan) -> list[PlanIssue]:
    declared = {c.id for c in plan.characters}
    known = f"declared: {sorted(declared)}" if declared else "no characters are declared"
    found = []
    for i, shot in enumerate(plan.shots):
        for k, cid in enumerate(shot.characters):
            if cid not in declared:
                found.append(
                    issue(
                        f"shots[{i}].characters[{k}]",
                        f"must name a declared character ({known})",
                        cid,
                    )
                )
        for j, line in enumerate(shot.dialogue):
            path = f"shots[{i}].dialogue[{j}].character"
            if line.character not in declared:
                found.append(
                    issue(path, f"speaker must be a declared character ({known})", line.character)
                )
            elif not line.off_screen and line.character not in shot.characters:
                found.append(
                    issue(
                        path,
                        f"an on-screen speaker must be listed in shots[{i}].characters "
                        "(or mark the line off_screen: true)",
                        line.character,
                    )
                )
    return found


def dialogue_fits(
    plan: MoviePlan, settings: Settings
) -> tuple[list[PlanIssue], list[PolicyWarning]]:
    """A line that cannot be spoken inside its shot even at the fastest plausible rate is an
    error; one that needs faster than typical speech is a warning."""
    found: list[PlanIssue] = []
    warnings: list[PolicyWarning] = []
    fast, typical = settings.plan_speech_max_wps, settings.plan_speech_typical_wps
    rates = {c.id: c.voice.rate for c in plan.characters}
    for i, shot in enumerate(plan.shots):
        shot_issues: list[PlanIssue] = []
        prev_start = None
        for j, line in enumerate(shot.dialogue):
            path = f"shots[{i}].dialogue[{j}]"
            if line.start_s is not None:
                if line.start_s >= shot.duration_s:
                    shot_issues.append(
                        issue(
                            f"{path}.start_s",
                            f"must be < the shot's duration_s ({shot.duration_s:g})",
                            line.start_s,
                        )
                    )
                if prev_start is not None and line.start_s < prev_start:
                    shot_issues.append(
                        issue(
                            f"{path}.start_s",
                            f"lines must be in time order (previous starts at {prev_start:g} s)",
                            line.start_s,
                        )
                    )
                prev_start = line.start_s
        if not shot_issues:
            tight = place_lines(shot, fast, rates)
            for j, placed in enumerate(tight):
                path = f"shots[{i}].dialogue[{j}]"
                if j and placed.start_s < tight[j - 1].end_s - 1e-9:
                    shot_issues.append(
                        issue(
                            f"{path}.start_s",
                            f"overlaps the previous line, which needs until {tight[j - 1].end_s:.2f} s even at {fast:g} words/s",
                            placed.start_s,
                        )
                    )
                elif placed.end_s > shot.duration_s + 1e-9:
                    shot_issues.append(
                        issue(
                            path,
                            f"dialogue cannot fit its shot: needs until {placed.end_s:.2f} s even at "
                            f"{fast:g} words/s, but shots[{i}].duration_s is {shot.duration_s:g}",
                        )
                    )
        if shot_issues:
            found += shot_issues
            continue
        relaxed = place_lines(shot, typical, rates, gap_s=LINE_GAP_S)
        if relaxed and relaxed[-1].end_s > shot.duration_s:
            warnings.append(
                PolicyWarning(
                    path=f"shots[{i}].dialogue",
                    rule="dialogue longer than its shot at a typical pace",
                    message=(
                        f"at {typical:g} words/s the lines need {relaxed[-1].end_s:.1f} s; "
                        f"the shot is {shot.duration_s:g} s, so speech will be rushed"
                    ),
                )
            )
    return found, warnings


def _describe(step: Step) -> str:
    if isinstance(step, ImageStep):
        return f"keyframe {step.keyframe}"
    if isinstance(step, TTSStep):
        return f"line {step.line_id!r}"
    return f"shot {getattr(step, 'shot_id', None)!r}"


def _link(step: Step) -> tuple[str, object] | None:
    if isinstance(step, ImageStep):
        return ("image", step.keyframe)
    if isinstance(step, TTSStep):
        return ("tts", step.line_id)
    if isinstance(step, VideoStep):
        return ("video", step.shot_id)
    if isinstance(step, LipsyncStep):
        return ("lipsync", step.shot_id)
    return None


def effective_steps(plan: MoviePlan, profile: RenderProfile) -> list[tuple[str, Step]]:
    """(path, step) in execution order: the plan's own steps when it has compiled-type
    ones, else the compiled steps with the plan's custom steps (keeping their paths)."""
    if any(not isinstance(s, CustomStep) for s in plan.steps):
        return [(f"steps[{k}]", s) for k, s in enumerate(plan.steps)]
    custom_paths = {s.id: f"steps[{k}]" for k, s in enumerate(plan.steps)}
    return [
        (
            custom_paths.get(s.id, f"<compiled step {s.id}>")
            if isinstance(s, CustomStep)
            else f"<compiled step {s.id}>",
            s,
        )
        for s in compile_steps(plan, profile)
    ]


def step_references(steps: list[tuple[str, Step]]) -> list[PlanIssue]:
    """`@id` refs name an earlier step of a fitting type."""
    from ..schemas.steps import step_input_refs

    want = {
        ("video", "start_frames"): ImageStep,
        ("video", "end_frames"): ImageStep,
        ("lipsync", "face_video"): VideoStep,
        ("lipsync", "audio"): TTSStep,
    }
    seen: dict[str, Step] = {}
    found = []
    for step_path, step in steps:
        for field, ref in step_input_refs(step):
            if not ref.startswith(STEP_REF_PREFIX):
                continue
            path = f"{step_path}.{field}"
            target = seen.get(ref[len(STEP_REF_PREFIX) :])
            if target is None:
                found.append(issue(path, "must refer to an earlier step ('@<step id>')", ref))
                continue
            kind = want.get((step.type, field.split("[")[0]))
            if kind is not None and not isinstance(target, kind):
                found.append(
                    issue(
                        path,
                        f"must refer to a {kind.model_fields['type'].default} step, not a {target.type} step",
                        ref,
                    )
                )
        seen[step.id] = step
    return found


def steps_agree_with_shots(plan: MoviePlan, profile: RenderProfile) -> list[PlanIssue]:
    """Hand-written steps must cover every keyframe, line and shot exactly as compiled
    from the creative plan (ids aside from lipsync, which may be dropped per shot)."""
    given = [(k, s) for k, s in enumerate(plan.steps) if not isinstance(s, CustomStep)]
    if not given:
        return []
    expected = {_link(s): s for s in compile_steps(plan, profile) if _link(s) is not None}
    found = []
    matched = set()
    for k, step in given:
        link = _link(step)
        ref = expected.get(link)
        if ref is None:
            field = (
                "keyframe"
                if step.type == "image"
                else ("line_id" if step.type == "tts" else "shot_id")
            )
            found.append(
                issue(
                    f"steps[{k}].{field}",
                    f"must name a {step.type} target of this plan's shots",
                    link[1],
                )
            )
            continue
        if link in matched:
            found.append(issue(f"steps[{k}]", f"a second {step.type} step for {_describe(step)}"))
            continue
        matched.add(link)
        found += _compare(k, step, ref)
    for link, ref in expected.items():
        if link not in matched and link[0] != "lipsync":
            found.append(
                issue(
                    "steps",
                    f"missing {link[0]} step for {_describe(ref)}: give steps for every keyframe, "
                    "line and shot, or leave them out to have them compiled",
                )
            )
    return found


def _compare(k: int, step: Step, ref: Step) -> list[PlanIssue]:
    path = f"steps[{k}]"
    found = []
    if isinstance(step, ImageStep) and step.prompt != ref.prompt:
        found.append(
            issue(f"{path}.prompt", f"must equal base_images[{ref.keyframe}].prompt", step.prompt)
        )
    if isinstance(step, TTSStep):
        if step.text != ref.text:
            found.append(
                issue(f"{path}.text", f"must equal the text of line {ref.line_id!r}", step.text)
            )
        if step.character != ref.character:
            found.append(
                issue(
                    f"{path}.character",
                    f"must be the line's speaker {ref.character!r}",
                    step.character,
                )
            )
    if isinstance(step, VideoStep):
        for field in ("start_frames", "end_frames"):
            if getattr(step, field) != getattr(ref, field):
                found.append(
                    issue(
                        f"{path}.{field}",
                        f"must be {getattr(ref, field)} for shot {ref.shot_id!r}",
                        getattr(step, field),
                    )
                )
        n, want = step.opts.num_frames, ref.opts.num_frames
        fps = step.opts.fps or ref.opts.fps
        if n is not None and fps and abs(n / fps - want / ref.opts.fps) > 2.5 / fps:
            found.append(
                issue(
                    f"{path}.opts.num_frames",
                    f"must cover shot {ref.shot_id!r} ({want} frames at {ref.opts.fps:g} fps)",
                    n,
                )
            )
    if isinstance(step, LipsyncStep) and step.face_video != ref.face_video:
        found.append(issue(f"{path}.face_video", f"must be {ref.face_video!r}", step.face_video))
    return found


def check_rules(
    plan: MoviePlan, settings: Settings, profile: RenderProfile
) -> tuple[list[PlanIssue], list[PolicyWarning]]:
    found = (
        unique_ids(plan)
        + keyframe_count(plan)
        + characters_declared(plan)
        + sources_are_files(plan)
    )
    fit_issues, warnings = dialogue_fits(plan, settings)
    found += fit_issues
    return found, warnings


def check_steps(plan: MoviePlan, profile: RenderProfile) -> list[PlanIssue]:
    """Rules over the steps. They compile steps from the shots, so they run after the
    cross-field rules and the resource caps have passed."""
    derived = derived_steps_absent(plan)
    if derived:
        return derived
    steps = effective_steps(plan, profile)
    return (
        duplicate_step_ids(steps) + step_references(steps) + steps_agree_with_shots(plan, profile)
    )


def derived_steps_absent(plan: MoviePlan) -> list[PlanIssue]:
    """`assemble` and `finalize` steps come from the shots and the dialogue timeline at plan
    intake; a plan that carries one (or a custom step taking their id) is rejected."""
    from ..schemas import DERIVED_STEP_TYPES
    from .ids import ASSEMBLE_STEP_ID, FINALIZE_STEP_ID

    found = []
    for k, step in enumerate(plan.steps):
        if step.type in DERIVED_STEP_TYPES:
            found.append(
                issue(
                    f"steps[{k}].type",
                    "assemble and finalize steps are derived at plan intake; leave them out",
                    step.type,
                )
            )
        elif step.id in (ASSEMBLE_STEP_ID, FINALIZE_STEP_ID):
            found.append(issue(f"steps[{k}].id", "is reserved for a derived step", step.id))
    return found


def duplicate_step_ids(steps: list[tuple[str, Step]]) -> list[PlanIssue]:
    """A custom step may not take the id of a compiled one (`video.<shot>`, ...)."""
    seen: dict[str, str] = {}
    found = []
    for path, step in steps:
        if step.id in seen and not path.startswith("<compiled"):
            found.append(issue(f"{path}.id", f"duplicate step id (also {seen[step.id]})", step.id))
        seen.setdefault(step.id, path)
    return found
