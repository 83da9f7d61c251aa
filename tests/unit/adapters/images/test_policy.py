"""images_stage around the SDXL call: the prompt carries the appearance of the characters
shown (once), a character's keyframes share a fixed seed offset, a step's images go in
calls of at most IMAGES_SDXL_MAX_PER_CALL, and the moderation hook (the plan's content
policy, off, or a function named in the settings) refuses a prompt before it renders."""

from __future__ import annotations

import pytest

from sparkle_motion.adapters.images.policy import (
    batches,
    character_seed_offset,
    enriched_prompt,
    image_seed,
    moderate,
)
from sparkle_motion.errors import ConfigError, ImagePolicyViolation
from sparkle_motion.schemas import ImageStep
from sparkle_motion.schemas.steps import SceneCharacter, SceneHint
from tests.conftest import make_settings


def refuse_kites(prompt: str) -> str | None:
    """A moderation hook named in the tests' settings."""
    return "no kites here" if "kite" in prompt else None


def keyframe(prompt: str, *people: tuple[str, str, str | None]) -> ImageStep:
    cast = [SceneCharacter(id=i, name=n, appearance=a) for i, n, a in people]
    return ImageStep(
        id="image.kf-000", prompt=prompt, scene=SceneHint(shot_id="s1", characters=cast)
    )


MIRA = ("mira", "Mira", "a girl in a yellow raincoat")
WHALE = ("whale", "The whale", "a huge grey whale with a white scar")


def test_the_prompt_carries_each_characters_appearance_once():
    step = keyframe("Mira waves at the whale from the pier.", MIRA, WHALE)
    assert enriched_prompt(step) == (
        "Mira waves at the whale from the pier. Mira: a girl in a yellow raincoat. "
        "The whale: a huge grey whale with a white scar"  # the prompt's own text untouched
    )
    said = keyframe("A girl in a yellow raincoat on the pier", MIRA, ("x", "X", None))
    assert enriched_prompt(said) == "A girl in a yellow raincoat on the pier"
    assert enriched_prompt(keyframe("An empty pier.")) == "An empty pier."
    assert enriched_prompt(keyframe("Mira runs", MIRA)) == (
        "Mira runs. Mira: a girl in a yellow raincoat"
    )


def test_a_character_has_one_seed_offset_in_every_keyframe():
    one = character_seed_offset(keyframe("Mira on the pier", MIRA))
    assert one == character_seed_offset(keyframe("Mira in the rain", MIRA, WHALE))
    assert one != character_seed_offset(keyframe("The whale", WHALE, MIRA))
    assert character_seed_offset(keyframe("An empty pier")) == 0
    assert image_seed(2**32 - 1, 1, 1) == 1  # wraps within the seed range


def test_images_go_in_calls_of_at_most_max_per_call():
    assert batches(5, 2) == [range(0, 2), range(2, 4), range(4, 5)]
    assert batches(1, 4) == [range(0, 1)]


def test_moderation_applies_the_content_policy_or_a_named_hook():
    step = keyframe("A kite over the pier", MIRA)
    policy = make_settings(plan_blocked_terms=["kite"])
    with pytest.raises(ImagePolicyViolation, match=r"'policy'.*blocked term 'kite'") as caught:
        moderate(step, enriched_prompt(step), policy)
    assert not caught.value.transient and caught.value.context["hook"] == "policy"
    assert moderate(step, "A pier", policy) == {"hook": "policy", "verdict": "allowed"}
    off = make_settings(plan_blocked_terms=["kite"], images_moderation="off")
    assert moderate(step, "A kite", off)["verdict"] == "allowed"
    hook = f"{__name__}:refuse_kites"
    with pytest.raises(ImagePolicyViolation, match="no kites here"):
        moderate(step, "A kite", make_settings(images_moderation=hook))
    gone = make_settings(images_moderation="no_such_module:hook")
    with pytest.raises(ConfigError, match="SPARKLE_IMAGES_MODERATION=no_such_module:hook"):
        moderate(step, "A pier", gone)
