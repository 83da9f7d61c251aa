"""The assemble step plan intake derives: the plan's transitions (the first shot's too),
each line's speaker's name and the plan's title, for the picture's craft and the cards."""

from __future__ import annotations

from tests.support.media import context, small_plan, step


def test_the_assemble_step_carries_transitions_names_and_the_title():
    plan = small_plan()
    assemble = step(context(plan), "assemble.film")
    assert [s.transition_in for s in assemble.shots] == [
        s.get("transition_in", "cut") for s in plan["shots"]
    ]
    assert assemble.shots[0].transition_in == "fade"  # the opening fade reaches the film
    names = {c["id"]: c["name"] for c in plan["characters"]}
    assert [d.speaker for d in assemble.dialogue] == [names[d.character] for d in assemble.dialogue]
    assert assemble.film_title == plan["title"] == "The Keeper and the Whale"


def test_music_summary_names_the_file_or_the_generated_score():
    from sparkle_motion.plans.finishing import music_summary
    from sparkle_motion.schemas import MoviePlan

    plan = small_plan()
    assert music_summary(MoviePlan.model_validate(plan)) == (
        "tender (a score generated from the mood)"
    )
    plan["music"]["source"] = "file:///tmp/cello.wav"
    assert (
        music_summary(MoviePlan.model_validate(plan)) == "tender (the file file:///tmp/cello.wav)"
    )
    del plan["music"]
    moods = [s.get("mood") for s in plan["shots"] if s.get("mood")]
    film_mood = max(moods, key=moods.count)  # the shots' most common mood
    assert music_summary(MoviePlan.model_validate(plan)) == (
        f"{film_mood} (a score generated from the mood)"
    )
