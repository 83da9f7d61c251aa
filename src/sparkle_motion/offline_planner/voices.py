"""The preview voices the planner casts, by gender and line language.

The voices themselves (which models, which variants) are the TTS adapters' table,
`adapters/tts/cast_voices.py`; the planner sits a layer below the adapters (DESIGN.md
section 2), so it keeps this copy of the casting rule, and
tests/unit/offline_planner/test_voices.py proves the two agree on every gender, language
and taken set, so neither can drift alone.
"""

from __future__ import annotations

from typing import Literal

Gender = Literal["female", "male"]

ENGLISH: tuple[tuple[str, str, Gender], ...] = (
    ("piper", "en_US-joe-medium", "male"),
    ("flite", "slt", "female"),
    ("flite", "rms", "male"),
    ("flite", "awb", "male"),
    ("flite", "kal16", "male"),
    ("flite", "kal", "male"),
    ("espeak-ng", "en-us+f3", "female"),
    ("espeak-ng", "en-us+f2", "female"),
)
ESPEAK_VARIANTS: dict[Gender, tuple[str, ...]] = {
    "female": ("f3", "f2", "f4", "f1"),
    "male": ("m3", "m1", "m2", "m4"),
}
REPEAT_PITCH = (3.0, -3.0, 5.0, -5.0)


def cast_voice(gender: Gender, language: str, taken: set[str]) -> tuple[str, str]:
    """(provider, voice_id) for a new character of `gender` speaking `language`, avoiding
    the `provider:voice_id` keys in `taken` while an untaken one of that gender is left."""
    if language == "en":
        pool = [(p, v) for p, v, g in ENGLISH if g == gender]
    else:
        lang = {"en": "en-us", "zh": "cmn"}.get(language, language)
        pool = [("espeak-ng", f"{lang}+{variant}") for variant in ESPEAK_VARIANTS[gender]]
    for provider, voice_id in pool:
        if f"{provider}:{voice_id}" not in taken:
            return provider, voice_id
    return pool[len(taken) % len(pool)]


def repeat_pitch(provider: str, voice_id: str, taken: list[str]) -> float:
    """0 for a voice's first character, then +3, -3, +5, -5 semitones for the next ones."""
    uses = taken.count(f"{provider}:{voice_id}")
    return 0.0 if uses == 0 else REPEAT_PITCH[(uses - 1) % len(REPEAT_PITCH)]
