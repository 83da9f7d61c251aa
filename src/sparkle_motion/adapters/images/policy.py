"""`images_stage`: what happens to a keyframe step around the SDXL pipeline call.

- **Enriched prompt:** the step's prompt, then each character the keyframe shows with
  their appearance (`Name: appearance`) unless the prompt already says it, so a character
  looks the same in every keyframe. SDXL's text encoders read 77 tokens: the adapter
  records when the enriched prompt is longer (what falls past it is not seen).
- **Character seed:** a keyframe showing characters renders with its seed plus a fixed
  offset of its first character (from the character's id), so one character's keyframes
  share their noise offset from run to run.
- **Moderation:** the enriched prompt is checked before anything renders by the hook
  `SPARKLE_IMAGES_MODERATION` names: `policy` (default: the plan's content policy,
  `PLAN_BLOCKED_TERMS`), `off`, or `package.module:function` (prompt -> None when
  allowed, else the reason). A refusal fails the step (ImagePolicyViolation); the verdict
  is in the image's metadata either way.
- **Batches:** a step's `count` images are rendered `IMAGES_SDXL_MAX_PER_CALL` per
  pipeline call; each image records its `batch_index` and `item_index`.

Everything here derives from the step, so the step key covers it; the batch size (batched
calls are not bit-identical to single ones) is in the adapter's version.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from typing import Any

from ...config import Settings
from ...errors import ConfigError, ImagePolicyViolation
from ...plans.policy import blocked_term_in
from ...schemas import ImageStep

Moderator = Callable[[str], str | None]
SEED_SPACE = 2**32


def enriched_prompt(step: ImageStep) -> str:
    """The prompt the model sees: the step's, then the appearance of each character shown
    that the prompt does not already carry."""
    text = step.prompt.strip()
    low = text.lower()
    for character in step.scene.characters if step.scene else []:
        look = (character.appearance or "").strip().rstrip(".")
        if look and look.lower() not in low:
            text += f"{'' if text.endswith(('.', '!', '?')) else '.'} {character.name}: {look}"
    return text


def character_seed_offset(step: ImageStep) -> int:
    """The fixed offset of the keyframe's first character (0 with none): the same for that
    character in every keyframe and run."""
    if step.scene is None or not step.scene.characters:
        return 0
    digest = hashlib.sha256(step.scene.characters[0].id.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100_003


def image_seed(base_seed: int, offset: int, index: int) -> int:
    return (base_seed + offset + index) % SEED_SPACE


def batches(count: int, per_call: int) -> list[range]:
    """`count` image indices in calls of at most `per_call`."""
    return [range(start, min(count, start + per_call)) for start in range(0, count, per_call)]


def moderator(settings: Settings) -> tuple[str, Moderator]:
    """(hook name, hook) for SPARKLE_IMAGES_MODERATION; ConfigError for a hook that cannot
    be imported."""
    name = settings.images_moderation
    if name == "off":
        return name, lambda _prompt: None
    if name == "policy":
        terms = list(settings.plan_blocked_terms)

        def policy(prompt: str) -> str | None:
            term = blocked_term_in(prompt, terms)
            return None if term is None else f"contains blocked term {term!r} (content policy)"

        return name, policy
    module, _, attr = name.partition(":")
    try:
        hook: Any = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"SPARKLE_IMAGES_MODERATION={name}: cannot import it ({exc})",
            context={"setting": "images_moderation"},
        ) from exc
    if not callable(hook):
        raise ConfigError(
            f"SPARKLE_IMAGES_MODERATION={name}: not a function",
            context={"setting": "images_moderation"},
        )
    return name, hook


def moderate(step: ImageStep, prompt: str, settings: Settings) -> dict[str, Any]:
    """The hook's verdict on `prompt` ({"hook", "verdict": "allowed"}); a refusal raises
    ImagePolicyViolation naming the hook and its reason."""
    name, hook = moderator(settings)
    reason = hook(prompt)
    if reason:
        raise ImagePolicyViolation(
            f"{step.id}: the keyframe prompt was refused by moderation hook {name!r}: {reason}",
            step_id=step.id,
            context={"hook": name, "reason": str(reason)},
        )
    return {"hook": name, "verdict": "allowed"}
