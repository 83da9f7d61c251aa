"""The preview voices a planner casts characters with: distinct voice models (not one model
pitch-shifted), at least one of them female, all offline.

A character's `VoiceSpec` names one by `provider` and `voice_id`; the preview TTS speaks
with it when that provider is installed here and falls back to piper or espeak-ng (with the
character's pitch) when not. `cast_voice` is a pure function of what it is given, so a plan
casts the same voices on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Gender = Literal["female", "male"]


@dataclass(frozen=True)
class PreviewVoice:
    provider: str  # "piper" | "flite" | "espeak-ng"
    voice_id: str  # for espeak-ng: "<language>+<variant>", "{lang}" filled in per line language
    gender: Gender
    languages: tuple[str, ...]  # ISO 639-1 codes it speaks; "*" for espeak-ng's many


# English first choices, in casting order per gender
ENGLISH: tuple[PreviewVoice, ...] = (
    PreviewVoice("piper", "en_US-joe-medium", "male", ("en",)),
    PreviewVoice("flite", "slt", "female", ("en",)),
    PreviewVoice("flite", "rms", "male", ("en",)),
    PreviewVoice("flite", "awb", "male", ("en",)),
    PreviewVoice("flite", "kal", "male", ("en",)),
)
# other languages: espeak-ng's voice for the language with a female or male variant
ESPEAK_VARIANTS: dict[Gender, tuple[str, ...]] = {
    "female": ("f3", "f2", "f4", "f1"),
    "male": ("m3", "m1", "m2", "m4"),
}
ESPEAK_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "cmn", "ja")


def cast_voice(gender: Gender, language: str, taken: set[str]) -> tuple[str, str]:
    """(provider, voice_id) for a new character of `gender` speaking `language`, avoiding
    the `provider:voice_id` keys in `taken` while an untaken one of that gender is left."""
    if language == "en":
        pool = [(v.provider, v.voice_id) for v in ENGLISH if v.gender == gender]
    else:
        lang = "cmn" if language == "zh" else language
        pool = [("espeak-ng", f"{lang}+{variant}") for variant in ESPEAK_VARIANTS[gender]]
    for provider, voice_id in pool:
        if f"{provider}:{voice_id}" not in taken:
            return provider, voice_id
    return pool[len(taken) % len(pool)]
