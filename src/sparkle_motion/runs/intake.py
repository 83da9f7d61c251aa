"""Plan intake: a plan becomes the RunContext every stage reads and none rebuilds.

Validation (all of it, so an invalid plan renders nothing), the resolved render profile,
keyframe continuity in the shot timeline (shot i runs from keyframe i to keyframe i+1),
the dialogue timeline stitched into a per-line TTS schedule in film time, and the
`assemble` and `finalize` steps derived from both (`plans.finishing`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..config import Settings, get_settings
from ..plans import validate_plan
from ..plans.finishing import finishing_steps
from ..plans.timing import LINE_GAP_S, frames_for, place_lines
from ..schemas import MoviePlan, PolicyWarning, RunContext, ScheduledLine, ShotTiming


def plan_checksum(plan: MoviePlan) -> str:
    """Content hash of a plan, ignoring when it was written."""
    data = plan.model_dump(mode="json", exclude={"created_at"})
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def build_run_context(
    plan: Mapping[str, Any] | MoviePlan | str,
    *,
    run_id: str,
    settings: Settings | None = None,
    mode: str = "run",
) -> RunContext:
    return prepare(plan, run_id=run_id, settings=settings, mode=mode)[0]


def prepare(
    plan: Mapping[str, Any] | MoviePlan | str,
    *,
    run_id: str,
    settings: Settings | None = None,
    mode: str = "run",
) -> tuple[RunContext, list[PolicyWarning]]:
    """The RunContext and the plan's policy warnings (for a dry run's report)."""
    settings = settings or get_settings()
    result = validate_plan(plan, settings=settings)
    plan_obj, profile = result.plan, result.profile
    timeline, schedule = [], []
    start = 0.0
    characters = {c.id: c for c in plan_obj.characters}  # validated: every line's is here
    rates = {c.id: c.voice.rate for c in plan_obj.characters}
    for i, shot in enumerate(plan_obj.shots):
        timeline.append(
            ShotTiming(
                shot_id=shot.id,
                index=i,
                start_s=round(start, 6),
                end_s=round(start + shot.duration_s, 6),
                num_frames=frames_for(shot.duration_s, profile.fps, profile.frames_multiple),
                keyframe_start=plan_obj.keyframe_id(i),
                keyframe_end=plan_obj.keyframe_id(i + 1),
            )
        )
        for placed in place_lines(shot, settings.plan_speech_typical_wps, rates, gap_s=LINE_GAP_S):
            line = shot.dialogue[placed.index]
            schedule.append(
                ScheduledLine(
                    line_id=shot.line_id(placed.index),
                    shot_id=shot.id,
                    character=line.character,
                    text=line.text,
                    voice=characters[line.character].voice,
                    start_s=round(start + placed.start_s, 6),
                    shot_offset_s=round(placed.start_s, 6),
                    est_duration_s=round(placed.duration_s, 6),
                    off_screen=line.off_screen,
                )
            )
        start += shot.duration_s
    plan_obj = plan_obj.model_copy(
        update={"steps": [*plan_obj.steps, *finishing_steps(plan_obj, profile, schedule)]}
    )
    context = RunContext(
        run_id=run_id,
        plan=plan_obj,
        plan_checksum=plan_checksum(plan_obj),
        render_profile=profile,
        mode=mode,
        shot_timeline=timeline,
        dialogue_schedule=schedule,
    )
    return context, result.warnings
