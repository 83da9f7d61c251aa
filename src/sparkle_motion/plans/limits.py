"""Configurable resource caps (settings `plan_max_*`). Over a cap is PlanResourceError;
nothing is clamped to fit."""

from __future__ import annotations

from ..config import Settings
from ..errors import PlanIssue, issue
from ..schemas import MoviePlan, RenderProfile, VideoStep
from ..schemas.steps import MAX_CLIP_FRAMES
from .timing import frames_for


def check_limits(plan: MoviePlan, settings: Settings, profile: RenderProfile) -> list[PlanIssue]:
    found: list[PlanIssue] = []

    def cap(path: str, value: float, limit: float, what: str, setting: str) -> None:
        if value > limit:
            found.append(issue(path, f"{what} must be <= {limit:g} (setting {setting})", value))

    cap("shots", len(plan.shots), settings.plan_max_shots, "number of shots", "plan_max_shots")
    cap(
        "characters",
        len(plan.characters),
        settings.plan_max_characters,
        "number of characters",
        "plan_max_characters",
    )
    for i, shot in enumerate(plan.shots):
        cap(
            f"shots[{i}].duration_s",
            shot.duration_s,
            settings.plan_max_shot_seconds,
            "a shot's duration_s",
            "plan_max_shot_seconds",
        )
    cap(
        "shots",
        round(plan.total_duration_s, 3),
        settings.plan_max_total_seconds,
        "total duration (s) over all shots",
        "plan_max_total_seconds",
    )
    per_shot = [frames_for(s.duration_s, profile.fps, profile.frames_multiple) for s in plan.shots]
    for i, n in enumerate(per_shot):
        if n > MAX_CLIP_FRAMES:
            found.append(
                issue(
                    f"shots[{i}].duration_s",
                    f"one clip may have at most {MAX_CLIP_FRAMES} frames "
                    f"({n} at {profile.fps:g} fps)",
                    plan.shots[i].duration_s,
                )
            )
    frames = sum(per_shot)
    cap(
        "shots",
        frames,
        settings.plan_max_frames,
        f"total frames at {profile.fps:g} fps ({profile.name})",
        "plan_max_frames",
    )
    for k, step in enumerate(plan.steps):  # hand-written clips may not step outside the profile
        if isinstance(step, VideoStep):
            fps = step.opts.fps
            if fps is not None and not profile.min_fps <= fps <= profile.max_fps:
                found.append(
                    issue(
                        f"steps[{k}].opts.fps",
                        f"must be within the {profile.name} profile's "
                        f"limits [{profile.min_fps:g}, {profile.max_fps:g}]",
                        fps,
                    )
                )
    lines = sum(len(s.dialogue) for s in plan.shots)
    cap(
        "shots",
        lines,
        settings.plan_max_dialogue_lines,
        "number of dialogue lines",
        "plan_max_dialogue_lines",
    )
    return found
