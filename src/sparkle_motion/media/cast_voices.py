"""The preview voices a planner casts characters with: distinct voice models (not one model
pitch-shifted), at least one of them female, all offline.

A character's `VoiceSpec` names one by `provider` and `voice_id`; the preview TTS speaks
with it at its natural pitch when that provider is installed here and falls back (keeping
the voice's gender where it can: a female voice to an espeak-ng female variant, a male one
to piper) when not, saying so in the line's metadata. `cast_voice` is a pure function of
what it is given, so a plan casts the same voices on every machine. It lives in `media`
(a layer below the planner and the adapters) because both use it: the planner casts, the
preview TTS speaks.

English: piper's joe and flite's rms, awb and kal16 (male), flite's slt (female), then
espeak-ng's English variants. Other languages: espeak-ng's voice for the language with a
female or male variant (piper and flite speak English only). When every voice of a gender
is taken, a voice is used again; the planner then sets the character's `pitch_semitones`
to `repeat_pitch(...)` so the two still differ (pitch is the last resort, not the rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Gender = Literal["female", "male"]


@dataclass(frozen=True)
class PreviewVoice:
    provider: str  # "piper" | "flite" | "espeak-ng"
    voice_id: str  # for espeak-ng: "<language>+<variant>"
    gender: Gender
    languages: tuple[str, ...]  # ISO 639-1 codes it speaks


# English choices, in casting order per gender (distinct models first, espeak-ng last)
ENGLISH: tuple[PreviewVoice, ...] = (
    PreviewVoice("piper", "en_US-joe-medium", "male", ("en",)),
    PreviewVoice("flite", "slt", "female", ("en",)),
    PreviewVoice("flite", "rms", "male", ("en",)),
    PreviewVoice("flite", "awb", "male", ("en",)),
    PreviewVoice("flite", "kal16", "male", ("en",)),  # kal at 16 kHz (kal: 8 kHz, duller)
    PreviewVoice("flite", "kal", "male", ("en",)),
    PreviewVoice("espeak-ng", "en-us+f3", "female", ("en",)),
    PreviewVoice("espeak-ng", "en-us+f2", "female", ("en",)),
)
FLITE_VOICES = {v.voice_id: v.gender for v in ENGLISH if v.provider == "flite"}
# other languages: espeak-ng's voice for the language with a female or male variant
ESPEAK_VARIANTS: dict[Gender, tuple[str, ...]] = {
    "female": ("f3", "f2", "f4", "f1"),
    "male": ("m3", "m1", "m2", "m4"),
}
ESPEAK_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "cmn", "ja")
REPEAT_PITCH = (3.0, -3.0, 5.0, -5.0)


def espeak_language(language: str) -> str:
    """espeak-ng's name for an ISO 639-1 code: American English, Mandarin for zh."""
    return {"en": "en-us", "zh": "cmn"}.get(language, language)


def cast_voice(gender: Gender, language: str, taken: set[str]) -> tuple[str, str]:
    """(provider, voice_id) for a new character of `gender` speaking `language`, avoiding
    the `provider:voice_id` keys in `taken` while an untaken one of that gender is left."""
    if language == "en":
        pool = [(v.provider, v.voice_id) for v in ENGLISH if v.gender == gender]
    else:
        lang = espeak_language(language)
        pool = [("espeak-ng", f"{lang}+{variant}") for variant in ESPEAK_VARIANTS[gender]]
    for provider, voice_id in pool:
        if f"{provider}:{voice_id}" not in taken:
            return provider, voice_id
    return pool[len(taken) % len(pool)]


def repeat_pitch(provider: str, voice_id: str, taken: list[str]) -> float:
    """The pitch (semitones) for a character cast a voice already in `taken` (the
    `provider:voice_id` keys cast so far, in order, repeats included): 0 for the voice's
    first character, then +3, -3, +5, -5."""
    uses = taken.count(f"{provider}:{voice_id}")
    return 0.0 if uses == 0 else REPEAT_PITCH[(uses - 1) % len(REPEAT_PITCH)]


def gender_of(provider: str | None, voice_id: str | None) -> Gender | None:
    """The gender of a cast voice, when the tables (or an espeak-ng variant) say it."""
    for voice in ENGLISH:
        if voice.provider == provider and voice.voice_id == voice_id:
            return voice.gender
    if voice_id and "+" in voice_id:
        variant = voice_id.rsplit("+", 1)[1]
        if variant[:1] == "f":
            return "female"
        if variant[:1] == "m":
            return "male"
    return None
