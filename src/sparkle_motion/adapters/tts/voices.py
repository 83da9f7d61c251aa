"""The voices this installation can speak with: `list_available_voices()` and
`get_voice_metadata(voice_id)` (the seed's tts_stage API), behind `sparkle-motion voices
list`. A voice id is `<provider>:<voice>`: `piper:en_US-joe-medium`, `flite:slt`, `espeak:f2` (the
variants the preview gives characters), `chatterbox:cloned` (a character's reference clip)
and `chatterbox:conds` (the weights' built-in voice, when they have one). Availability is
asked of each backend here (weights, binary, package environment), with the reason when
it cannot speak."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ...errors import StageError, TTSInvalidInputError
from ...media.cast_voices import FLITE_VOICES
from .preview import ESPEAK_VARIANTS, PIPER_VOICE, flite_binary

PROVIDERS = ("piper", "espeak", "chatterbox")


@dataclass(frozen=True)
class VoiceInfo:
    voice_id: str
    provider: str
    description: str
    languages: list[str]
    features: list[str]
    quality: float
    available: bool
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_available_voices() -> list[VoiceInfo]:
    """Every voice of every speech backend, with whether it can speak here and why not."""
    from ..registry import adapter_named

    found: list[VoiceInfo] = []
    for name in PROVIDERS:
        try:
            adapter: Any = adapter_named(name)
        except StageError as exc:
            found.append(VoiceInfo(f"{name}:*", name, "", [], [], 0.0, False, exc.message))
            continue
        reason = None
        try:
            adapter.check_available()
        except StageError as exc:
            reason = exc.message
        traits = adapter.speech
        common = {
            "provider": name,
            "languages": sorted(traits.languages),
            "features": sorted(traits.features),
            "quality": traits.quality,
            "available": reason is None,
            "reason": reason,
        }
        if name == "piper":
            if getattr(adapter, "backend", "piper") != "piper":
                common.update(available=False, reason="piper is not installed (make setup)")
            found.append(
                VoiceInfo(
                    f"piper:{PIPER_VOICE}",
                    description="piper neural voice (male), about 135 words a minute",
                    **common,
                )
            )
            flite = flite_binary() is not None
            for voice, gender in FLITE_VOICES.items():  # spoken by the same preview adapter
                found.append(
                    VoiceInfo(
                        f"flite:{voice}",
                        description=f"flite {gender} voice, about 135 words a minute",
                        **{
                            **common,
                            "languages": ["en"],
                            "quality": 0.45,
                            "available": flite,
                            "reason": None if flite else "flite is not installed (make setup)",
                        },
                    )
                )
        elif name == "espeak":
            for variant in ESPEAK_VARIANTS:
                kind = "female" if variant.startswith("f") else "male"
                found.append(
                    VoiceInfo(
                        f"espeak:{variant}", description=f"espeak-ng {kind} variant", **common
                    )
                )
        else:
            found.append(
                VoiceInfo(
                    "chatterbox:cloned",
                    description="the character's reference clip, cloned (watermarked)",
                    **common,
                )
            )
            found.append(
                VoiceInfo(
                    "chatterbox:conds",
                    description="the weights' built-in voice (conds.pt), when they carry one",
                    **common,
                )
            )
    return found


def get_voice_metadata(voice_id: str) -> VoiceInfo:
    """One voice by id; TTSInvalidInputError naming `voice_id` and the known ones."""
    voices = {v.voice_id: v for v in list_available_voices()}
    if voice_id not in voices:
        raise TTSInvalidInputError(
            f"voice_id: {voice_id!r} is not a voice here; known: {', '.join(voices)}",
            context={"field": "voice_id"},
        )
    return voices[voice_id]
