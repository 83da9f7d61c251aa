"""Compile a creative plan (shots, keyframes, dialogue) into ordered, typed steps.

Order: keyframe images, dialogue lines, shot clips, lip-sync, then the plan's own custom
steps. Every `@ref` points at an earlier step, so the list is a valid topological order.
"""

from __future__ import annotations

from ..schemas import (
    CustomStep,
    ImagesOpts,
    ImageStep,
    LipsyncStep,
    MoviePlan,
    RenderProfile,
    SceneCharacter,
    SceneHint,
    Step,
    TTSStep,
    VideoOpts,
    VideoStep,
    VoiceSpec,
    Wav2LipOpts,
)
from ..schemas.common import STEP_REF_PREFIX
from .ids import derive_seed, image_step_id, lipsync_step_id, tts_step_id, video_step_id
from .timing import frames_for

CAMERA_PHRASES = {
    "static": "static camera",
    "zoom_in": "slow zoom in",
    "zoom_out": "slow zoom out",
    "pan_left": "camera pans left",
    "pan_right": "camera pans right",
    "tilt_up": "camera tilts up",
    "tilt_down": "camera tilts down",
    "crossfade": "dissolve from the first frame to the last",
}


def keyframe_ref(plan: MoviePlan, index: int) -> str:
    """What a clip reads for keyframe `index`: the image step's output, or a given source."""
    source = plan.base_images[index].source
    return source if source else STEP_REF_PREFIX + image_step_id(plan, index)


def video_prompt(plan: MoviePlan, shot_index: int) -> str:
    shot = plan.shots[shot_index]
    text = shot.motion_prompt or shot.description
    return f"{text}. {CAMERA_PHRASES[shot.camera]}."


def scene_hint(plan: MoviePlan, index: int) -> SceneHint:
    """Keyframe `index` starts shot `index`; the last one ends the last shot. The caption is
    the shot's title or the keyframe's own prompt (not the shot description, so rewording
    what happens in a shot re-renders its clip, not its keyframes). The speaker is who the
    frame puts nearer: the shot's first speaker (the last keyframe: the last shot's last)."""
    shot = plan.shots[min(index, len(plan.shots) - 1)]
    chars = [plan.character(c) for c in shot.characters]
    present = {c.id for c in chars if c is not None}
    speakers = [line.character for line in shot.dialogue if line.character in present]
    # the keyframe that starts a shot frames its first speaker; the one ending the film, its last
    ending = index >= len(plan.shots)
    speaker = (speakers[-1] if ending else speakers[0]) if speakers else None
    return SceneHint(
        shot_id=shot.id,
        caption=(shot.title or plan.base_images[index].prompt)[:300],
        setting=shot.setting,
        mood=shot.mood,
        time_of_day=shot.time_of_day,
        characters=[
            SceneCharacter(id=c.id, name=c.name, appearance=c.appearance)
            for c in chars
            if c is not None
        ],
        speaker=speaker,
    )


def pixel_box(
    box: tuple[float, float, float, float] | None, profile: RenderProfile
) -> tuple[int, int, int, int] | None:
    """A shot's face box (fractions of the frame) in pixels of its clip, for Wav2Lip."""
    if box is None:
        return None
    top, bottom, left, right = box
    h, w = profile.height, profile.width
    y1, x1 = int(top * h), int(left * w)
    return (y1, max(y1 + 1, round(bottom * h)), x1, max(x1 + 1, round(right * w)))


def compile_steps(plan: MoviePlan, profile: RenderProfile) -> list[Step]:
    steps: list[Step] = []
    for i, kf in enumerate(plan.base_images):
        if kf.source:
            continue
        steps.append(
            ImageStep(
                id=image_step_id(plan, i),
                title=f"keyframe {i}",
                prompt=kf.prompt,
                keyframe=i,
                scene=scene_hint(plan, i),
                opts=ImagesOpts(
                    width=profile.width,
                    height=profile.height,
                    seed=kf.seed if kf.seed is not None else derive_seed(plan.seed, "kf", str(i)),
                    negative_prompt=kf.negative_prompt,
                    dedupe=plan.dedupe is not False,
                ),
            )
        )
    for shot in plan.shots:
        for j, line in enumerate(shot.dialogue):
            character = plan.character(line.character)
            line_id = shot.line_id(j)
            steps.append(
                TTSStep(
                    id=tts_step_id(line_id),
                    title=f"{line.character}: {line.text[:40]}",
                    text=line.text,
                    voice=character.voice if character else VoiceSpec(),
                    character=line.character,
                    shot_id=shot.id,
                    line_id=line_id,
                    language_id=line.language_id or plan.language,
                )
            )
    for i, shot in enumerate(plan.shots):
        steps.append(
            VideoStep(
                id=video_step_id(shot.id),
                title=shot.title or f"shot {i + 1}",
                prompt=video_prompt(plan, i),
                start_frames=[keyframe_ref(plan, i)],
                end_frames=[keyframe_ref(plan, i + 1)],
                shot_id=shot.id,
                camera=shot.camera,
                opts=VideoOpts(
                    num_frames=frames_for(shot.duration_s, profile.fps, profile.frames_multiple),
                    fps=profile.fps,
                    width=profile.width,
                    height=profile.height,
                    seed=shot.seed if shot.seed is not None else derive_seed(plan.seed, shot.id),
                ),
            )
        )
    for shot in plan.shots:
        on_screen = [j for j, line in enumerate(shot.dialogue) if not line.off_screen]
        if not on_screen:
            continue
        steps.append(
            LipsyncStep(
                id=lipsync_step_id(shot.id),
                title=f"lip-sync {shot.id}",
                face_video=STEP_REF_PREFIX + video_step_id(shot.id),
                audio=[STEP_REF_PREFIX + tts_step_id(shot.line_id(j)) for j in on_screen],
                shot_id=shot.id,
                opts=Wav2LipOpts(box=pixel_box(shot.face_box, profile)),
            )
        )
    steps.extend(s for s in plan.steps if isinstance(s, CustomStep))
    return steps


def with_compiled_steps(plan: MoviePlan, profile: RenderProfile) -> MoviePlan:
    """The plan carrying its steps: given ones are kept (validation checked they agree),
    missing ones compiled."""
    if any(not isinstance(s, CustomStep) for s in plan.steps):
        return plan
    return plan.model_copy(update={"steps": compile_steps(plan, profile)})
