"""The two steps plan intake derives after the dialogue timeline is known: `assemble` (every
shot's final clip, every line at its place in film time, music, encode options) and
`finalize` (the `video_final` manifest). They are ordinary keyed steps, so a finished film
is reused like any other output and an edit re-assembles only when something it reads
changed. A plan may not carry them (`plans.rules`)."""

from __future__ import annotations

from ..media.ambience_words import ambience_for
from ..schemas import (
    AssembleLine,
    AssembleMusic,
    AssembleScore,
    AssembleShot,
    AssembleStep,
    FinalizeStep,
    LipsyncStep,
    MoviePlan,
    RenderProfile,
    ScheduledLine,
    Step,
    TTSStep,
    VideoStep,
)
from ..schemas.common import STEP_REF_PREFIX
from .ids import ASSEMBLE_STEP_ID, FINALIZE_STEP_ID, derive_seed


def _film_mood(plan: MoviePlan) -> str:
    """The shots' most common mood (the first of equals), for a plan naming no music."""
    moods = [shot.mood for shot in plan.shots if shot.mood]
    return max(moods, key=moods.count) if moods else "tender"


def music_summary(plan: MoviePlan) -> str:
    """What the film's music will be, for people: the plan's file, or the score generated
    from the music's mood (else the shots' mood)."""
    if plan.music is not None and plan.music.source:
        return f"{plan.music.mood} (the file {plan.music.source})"
    mood = plan.music.mood if plan.music is not None else _film_mood(plan)
    return f"{mood} (a score generated from the mood)"


def _name(plan: MoviePlan, character: str) -> str | None:
    found = plan.character(character)
    return found.name if found is not None else None


def score_for(plan: MoviePlan) -> AssembleScore | None:
    """The score the film gets: None when the plan names a music file, else one made
    from the music's mood (else the shots' mood), seeded from the plan."""
    if plan.music is not None and plan.music.source:
        return None
    return AssembleScore(
        mood=plan.music.mood if plan.music is not None else _film_mood(plan),
        prompt=plan.music.prompt if plan.music is not None else None,
        seed=derive_seed(plan.seed, "score"),
        volume_db=plan.music.volume_db if plan.music is not None else -18.0,
        duck_under_dialogue=plan.music.duck_under_dialogue if plan.music else True,
    )


def finishing_steps(
    plan: MoviePlan, profile: RenderProfile, schedule: list[ScheduledLine]
) -> list[Step]:
    """`plan.steps` must already hold the compiled (or given) steps."""
    picture: dict[str, str] = {}
    voice: dict[str, str] = {}
    for step in plan.steps:
        if isinstance(step, VideoStep) and step.shot_id and step.shot_id not in picture:
            picture[step.shot_id] = step.id
        elif isinstance(step, TTSStep) and step.line_id:
            voice[step.line_id] = step.id
    for step in plan.steps:  # a lip-synced clip replaces the shot's plain one
        if isinstance(step, LipsyncStep) and step.shot_id:
            picture[step.shot_id] = step.id
    shots = [
        AssembleShot(
            shot_id=shot.id,
            clip=STEP_REF_PREFIX + picture[shot.id],
            duration_s=shot.duration_s,
            # the first shot's fade (or crossfade: from nothing) fades the film in from black
            transition_in=shot.transition_in,
            ambience=ambience_for(shot.setting, shot.description, shot.time_of_day),
        )
        for shot in plan.shots
    ]
    dialogue = [
        AssembleLine(
            line_id=line.line_id,
            character=line.character,
            text=line.text,
            audio=STEP_REF_PREFIX + voice[line.line_id],
            start_s=line.start_s,
            speaker=_name(plan, line.character),
        )
        for line in schedule
    ]
    music = None
    if plan.music is not None and plan.music.source:
        music = AssembleMusic(
            source=plan.music.source,
            volume_db=plan.music.volume_db,
            duck_under_dialogue=plan.music.duck_under_dialogue,
        )
    score = score_for(plan)
    assemble = AssembleStep(
        id=ASSEMBLE_STEP_ID,
        title="assemble the film",
        shots=shots,
        dialogue=dialogue,
        music=music,
        score=score,
        width=profile.width,
        height=profile.height,
        fps=profile.fps,
        opts=plan.assemble_opts,
        film_title=plan.title,
    )
    finalize = FinalizeStep(
        id=FINALIZE_STEP_ID,
        title="video_final manifest",
        film=STEP_REF_PREFIX + ASSEMBLE_STEP_ID,
    )
    return [assemble, finalize]
