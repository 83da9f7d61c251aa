"""`chatterbox`: dialogue in a character's cloned voice with Resemble AI's Chatterbox
(`chatterbox-tts` 0.1.7, MIT). It pins torch 2.6, numpy<2, transformers 5.2 and gradio, so
it lives in the tts_chatterbox tool's own environment (`.venv-chatterbox`, `make
setup-chatterbox`); elsewhere this adapter says so (MissingDependencyError) and a run
reaches it through that tool (catalog/on_demand.py when nothing serves it).

Weights (local folders; never downloaded):
    TTS_CHATTERBOX_MODEL               ChatterboxTTS.from_local: ve.safetensors,
                                       t3_cfg.safetensors, s3gen.safetensors, tokenizer.json
                                       (conds.pt: its built-in voice, optional)
    TTS_CHATTERBOX_MULTILINGUAL_MODEL  ChatterboxMultilingualTTS.from_local, for a line in
                                       another language (its `language_id`, else the plan's):
                                       ve.pt, t3_mtl23ls_v2.safetensors, s3gen.pt,
                                       grapheme_mtl_merged_expanded_v1.json (conds.pt optional)

A character's voice is its reference clip (`voice.reference_audio`, the audio prompt) and
its settings (`exaggeration`, `cfg_weight`), the same for every line it speaks. A line is
generated with torch's generator seeded from the line's text and character (Chatterbox
samples), so a line gives the same audio on the same device and weights. The WAV is at the
model's sample rate; every line carries Chatterbox's Perth watermark (`watermarked: true`).
Device: TTS_CHATTERBOX_DEVICE (`auto`: CUDA when there is one).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from pathlib import Path
from typing import Any

from ...config import get_settings
from ...errors import MissingDependencyError, TTSInvalidInputError
from ...schemas import RenderProfile, Step, TTSStep, VoiceSpec
from ..base import Estimate, Output, Provider, StepJob
from ..gpu_utils import ModelAdapter, check_weights, inference, metrics_of, model_context
from . import mono_wav, overrun_notes
from .traits import SpeechTraits, chatterbox_traits

INSTALL = "make setup-chatterbox (the tts_chatterbox tool's own environment)"
ENGLISH_FILES = ("ve.safetensors", "t3_cfg.safetensors", "s3gen.safetensors", "tokenizer.json")
MULTILINGUAL_FILES = (
    "ve.pt",
    "t3_mtl23ls_v2.safetensors",
    "s3gen.pt",
    "grapheme_mtl_merged_expanded_v1.json",
)
DEFAULT_EXAGGERATION = 0.5
DEFAULT_CFG = 0.5
MAX_CHARS = 600  # one generate call; longer text is split by the planner, not here


def weights_id(folder: Path, files: tuple[str, ...]) -> str:
    """`<folder>@<hash of the files' names and sizes>`: the weights' identity in step keys."""
    digest = hashlib.sha256()
    for name in files:
        path = folder / name
        digest.update(f"{name}:{path.stat().st_size if path.exists() else -1};".encode())
    return f"{folder.name}@{digest.hexdigest()[:12]}"


def engine_class(multilingual: bool) -> Any:
    """ChatterboxTTS or ChatterboxMultilingualTTS, or MissingDependencyError naming the
    environment that has them."""
    try:
        if multilingual:
            from chatterbox.mtl_tts import ChatterboxMultilingualTTS

            return ChatterboxMultilingualTTS
        from chatterbox.tts import ChatterboxTTS

        return ChatterboxTTS
    except ImportError as exc:
        raise MissingDependencyError(
            f"chatterbox needs the chatterbox-tts package, which lives in .venv-chatterbox: "
            f"{INSTALL}",
            context={"install": INSTALL},
        ) from exc


def voice_id(voice: VoiceSpec, reference: Path | None) -> str:
    """The voice's id: the plan's when it names a Chatterbox voice (not another provider's,
    e.g. the preview's `flite`/`slt`), else its reference clip's content
    (`ref-<sha256[:12]>`, the same over any transport), else the weights' built-in voice."""
    if voice.voice_id and voice.provider in (None, "chatterbox"):
        return voice.voice_id
    if reference is None:
        return "chatterbox:conds"
    return "ref-" + hashlib.sha256(Path(reference).read_bytes()).hexdigest()[:12]


def line_seed(step: TTSStep) -> int:
    digest = hashlib.sha256(f"{step.character}\x00{step.text}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def wav_bytes(samples: Any, rate: int) -> bytes:
    """Float samples in -1..1 as a 16-bit mono WAV."""
    import numpy as np

    return mono_wav(np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767, rate)


class Chatterbox(ModelAdapter, Provider):
    name = "chatterbox"
    tier = "full"  # model weights, a GPU: falls back to a preview backend only if asked
    version = "2"  # 2: a voice id of another provider (the preview's slt) is not taken as its own
    capabilities = frozenset({"speech"})

    @property
    def speech(self) -> SpeechTraits:
        return chatterbox_traits(get_settings().tts_chatterbox_multilingual_model is not None)

    def check_available(self) -> None:
        """It can speak in this process: the weights are there and so is the package (in
        the main environment it is not: the catalog then hands out its tool instead)."""
        self._folders()
        engine_class(False)

    def _folders(self) -> tuple[Path, Path | None]:
        settings = get_settings()
        english = check_weights(
            "Chatterbox", "TTS_CHATTERBOX_MODEL", settings.tts_chatterbox_model, ENGLISH_FILES
        )
        multi = None
        if settings.tts_chatterbox_multilingual_model is not None:
            multi = check_weights(
                "Chatterbox multilingual",
                "TTS_CHATTERBOX_MULTILINGUAL_MODEL",
                settings.tts_chatterbox_multilingual_model,
                MULTILINGUAL_FILES,
            )
        return english, multi

    @property
    def model_id(self) -> str | None:
        settings = get_settings()
        path = settings.tts_chatterbox_model
        if path is None or not Path(path).is_dir():
            return None
        found = weights_id(Path(path), (*ENGLISH_FILES, "conds.pt"))
        multi = settings.tts_chatterbox_multilingual_model
        if multi is not None and Path(multi).is_dir():
            found += f"+{weights_id(Path(multi), (*MULTILINGUAL_FILES, 'conds.pt'))}"
        return found

    def check_weights(self, profile: RenderProfile | None = None) -> None:
        """The weights folders hold what from_local reads (before the tool starts)."""
        self._folders()

    def preflight(self, profile: RenderProfile) -> None:
        self._folders()
        engine_class(False)

    def device(self) -> str:
        wanted = get_settings().tts_chatterbox_device
        if wanted == "cpu":
            return "cpu"
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    def _engine(self, multilingual: bool, device: str) -> Any:
        english, multi = self._folders()
        folder = multi if multilingual else english
        if folder is None:
            raise TTSInvalidInputError(
                "a line in another language needs TTS_CHATTERBOX_MULTILINGUAL_MODEL "
                "(ChatterboxMultilingualTTS weights)",
                context={"env": "TTS_CHATTERBOX_MULTILINGUAL_MODEL"},
            )
        cls = engine_class(multilingual)

        def load(weights: str, **_options: Any) -> Any:
            engine = cls.from_local(weights, device)
            # generate(audio_prompt_path=...) replaces engine.conds: keep the weights' own
            # voice to put back for a line that brings no reference clip
            engine._sparkle_builtin_conds = getattr(engine, "conds", None)
            return engine

        def enter(stack: contextlib.ExitStack) -> dict[str, Any]:
            name = "chatterbox-multilingual" if multilingual else "chatterbox"
            engine = stack.enter_context(
                model_context(name, folder, loader=load, device=device, on_event=self._say)
            )
            return {"engine": engine}

        return self.held.ensure((folder, device), enter)["engine"]

    def run(self, job: StepJob) -> list[Output]:
        import torch

        step = job.step
        assert isinstance(step, TTSStep)
        voice = step.voice
        if len(step.text) > MAX_CHARS:
            raise TTSInvalidInputError(
                f"{step.id}: text: at most {MAX_CHARS} characters in one line for chatterbox, "
                f"got {len(step.text)}",
                step_id=step.id,
                context={"field": "text"},
            )
        language = (step.language_id or "en").lower()
        multilingual = language != "en"
        reference = job.inputs.get(voice.reference_audio) if voice.reference_audio else None
        exaggeration = (
            voice.exaggeration if voice.exaggeration is not None else DEFAULT_EXAGGERATION
        )
        device = self.device()
        options: dict[str, Any] = {"exaggeration": exaggeration, "cfg_weight": DEFAULT_CFG}
        if reference is not None:
            options["audio_prompt_path"] = str(reference)
        if multilingual:
            options["language_id"] = language
        with self._lock:
            self._begin(job)
            try:
                engine = self._engine(multilingual, device)
                builtin = getattr(engine, "_sparkle_builtin_conds", None)
                if reference is None:  # the weights' voice, not the last character's clone
                    engine.conds = builtin
                if reference is None and builtin is None:
                    raise TTSInvalidInputError(
                        f"{step.id}: voice.reference_audio: chatterbox needs a reference clip "
                        "for this voice (its weights carry no built-in voice, conds.pt)",
                        step_id=step.id,
                        context={"field": "voice.reference_audio"},
                    )
                torch.manual_seed(line_seed(step))
                started = time.perf_counter()
                with inference("chatterbox", device, self._say):
                    wav = engine.generate(step.text, **options)
                took = time.perf_counter() - started
            finally:
                self._end()
            events = [[name, fields] for name, fields in self.events]
            metrics = metrics_of(self.events)
        samples = wav.squeeze(0).detach().cpu().numpy() if hasattr(wav, "detach") else wav
        rate = int(engine.sr)
        data = wav_bytes(samples, rate)
        return [
            Output(
                name=f"{step.line_id or step.id}.wav",
                data=data,
                mime_type="audio/wav",
                artifact_type="dialogue_wav",
                metadata={
                    "provider": "chatterbox",
                    "character": step.character,
                    "line_id": step.line_id,
                    "voice_id": voice_id(voice, reference),
                    "language_id": language,
                    "model_id": self.model_id,
                    "device": device,
                    "sample_rate": rate,
                    "duration_s": round(len(samples) / rate, 3),
                    "synth_s": round(took, 3),
                    "watermarked": True,
                    "policy_annotations": overrun_notes(job.context, step, len(samples) / rate),
                    "engine": f"{type(engine).__module__}.{type(engine).__name__}",
                    "exaggeration": exaggeration,
                    "cfg_weight": DEFAULT_CFG,
                    "events": events,
                    "metrics": metrics,
                },
            )
        ]

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        # about 2.5 words a second of speech; Chatterbox on a GPU about 0.3 s per second of
        # speech, on this CPU about 6 s (the tool.yaml's cost hint): rough, said to be
        words = len(getattr(step, "text", "").split())
        speech_s = max(1.0, words / 2.5)
        cuda = (profile.device or "").startswith("cuda")
        return Estimate(
            time_s=speech_s * (0.3 if cuda else 6.0),
            peak_memory_mb=3500.0,
            peak_vram_mb=3000.0 if cuda else 0.0,
        )
