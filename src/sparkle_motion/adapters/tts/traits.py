"""What each speech backend declares for tts_stage's choice (adapters/tts/stage.py).

    tier            `full` (model weights, a GPU) or `preview` (CPU, no weights)
    languages       ISO 639-1 codes it speaks
    features        voice_cloning, watermark, emotion, offline
    compute         seconds of compute per second of speech, per device
    usd_per_char    a hosted provider's price per character (local ones: 0)
    quality         0..1, a judgement: Chatterbox's cloned voices over piper's one neural
                    voice over espeak-ng's formant synthesis

Rates for local compute (what a second of a device costs the user): a cloud A100 at about
$2.20 an hour is $0.00061 a second; a CPU core at about $0.04 an hour is $0.00001 a second
(on-demand prices of the large clouds in 2026, rounded). Compute figures: piper 0.07 s and
espeak-ng 0.02 s per second of speech on this 2-core CPU (measured,
../shared/notes/offline-models.md: 0.4 s for 6 s); Chatterbox about 0.3 s on an A100 and
about 6 s on this CPU (estimates, said to be).
"""

from __future__ import annotations

from dataclasses import dataclass, field

USD_PER_DEVICE_S = {"cuda": 0.00061, "cpu": 0.00001}

ESPEAK_LANGUAGES = frozenset(
    [
        "en",
        "es",
        "fr",
        "de",
        "it",
        "pt",
        "nl",
        "pl",
        "ru",
        "sv",
        "da",
        "fi",
        "nb",
        "tr",
        "el",
        "cs",
        "hu",
        "ro",
        "hi",
        "zh",
        "ja",
        "ko",
        "ar",
        "he",
    ]
)
CHATTERBOX_MULTILINGUAL = frozenset(
    [
        "ar",
        "da",
        "de",
        "el",
        "en",
        "es",
        "fi",
        "fr",
        "he",
        "hi",
        "it",
        "ja",
        "ko",
        "ms",
        "nl",
        "no",
        "pl",
        "pt",
        "ru",
        "sv",
        "sw",
        "tr",
        "zh",
    ]
)


@dataclass(frozen=True)
class SpeechTraits:
    tier: str
    languages: frozenset[str]
    features: frozenset[str] = field(default_factory=frozenset)
    compute: dict[str, float] = field(default_factory=dict)
    usd_per_char: float = 0.0
    quality: float = 0.5

    def seconds(self, speech_s: float, device: str) -> float:
        return self.compute.get(device, self.compute.get("cpu", 1.0)) * speech_s

    def cost(self, speech_s: float, chars: int, device: str) -> float:
        return self.usd_per_char * chars + self.seconds(speech_s, device) * USD_PER_DEVICE_S.get(
            device, USD_PER_DEVICE_S["cpu"]
        )


PIPER = SpeechTraits(
    tier="preview",
    languages=frozenset({"en"}),
    features=frozenset({"offline"}),
    compute={"cpu": 0.07, "cuda": 0.07},
    quality=0.6,
)
ESPEAK = SpeechTraits(
    tier="preview",
    languages=ESPEAK_LANGUAGES,
    features=frozenset({"offline"}),
    compute={"cpu": 0.02, "cuda": 0.02},
    quality=0.3,
)


def chatterbox_traits(multilingual: bool) -> SpeechTraits:
    return SpeechTraits(
        tier="full",
        languages=CHATTERBOX_MULTILINGUAL if multilingual else frozenset({"en"}),
        features=frozenset({"voice_cloning", "watermark", "emotion", "offline"}),
        compute={"cuda": 0.3, "cpu": 6.0},
        quality=0.9,
    )
