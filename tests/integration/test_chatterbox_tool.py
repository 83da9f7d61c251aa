"""The tts_chatterbox tool's HTTP contract, with `chatterbox` replaced at its boundary by a
stand-in (tests/support/chatterbox_standin.py: the real package lives in
.venv-chatterbox, which CI does not build). Through the catalog's transport, as a run
drives it: a line is a WAV at the model's rate, watermarked, in its character's voice
(the same reference and settings for every line of a character, another for another
character), the same line gives the same bytes; a line in another language goes to the
multilingual model (or names the env var it needs); weights missing files are one
MissingWeightsError naming the env var and the files; the main environment without the
package names the make target."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from sparkle_motion.adapters.tts.chatterbox import Chatterbox
from sparkle_motion.catalog.remote import RemoteAdapter
from sparkle_motion.catalog.where import Placement
from sparkle_motion.config import reset_settings_cache, use_settings
from sparkle_motion.errors import MissingDependencyError, MissingWeightsError, TTSInvalidInputError
from sparkle_motion.tools import tts_chatterbox
from tests.conftest import make_settings
from tests.support import chatterbox_standin as standin
from tests.support.media import context, job, small_plan, step, tone
from tests.support.served import Served

TOKEN = "chatterbox-test-token-01"


@pytest.fixture(scope="module")
def weights(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("chatterbox-weights")
    standin.weights(root / "en")
    standin.weights(root / "mtl", (standin.ChatterboxMultilingualTTS,))
    return root


@pytest.fixture(scope="module")
def tool(weights, tmp_path_factory) -> Iterator[RemoteAdapter]:
    standin.install()
    settings = make_settings(
        home=tmp_path_factory.mktemp("chatterbox-home"),
        tts_chatterbox_model=weights / "en",
        tts_chatterbox_multilingual_model=weights / "mtl",
    )
    use_settings(settings)  # the served adapter reads the process's settings
    served = Served(tts_chatterbox.create_app(settings, token=TOKEN))
    caller = make_settings(home=tmp_path_factory.mktemp("caller"))
    yield RemoteAdapter(Placement("chatterbox", "tts_chatterbox", served.url), caller, TOKEN)
    served.stop()
    standin.uninstall()
    reset_settings_cache()


def line_job(tmp_path: Path, step_id: str, name: str, language: str | None = None):
    """The line's StepJob, its character's reference clip as the audio prompt."""
    ctx = context(small_plan())
    line = step(ctx, step_id)
    reference = tmp_path / f"{line.character}.wav"
    if not reference.exists():
        tone(reference, 1.0, freq=220.0 if line.character == "ada" else 330.0)
    line.voice.reference_audio = f"voices/{line.character}.wav"
    line.language_id = language
    return job(ctx, step_id, {line.voice.reference_audio: reference}, tmp_path / name)


def blob(output) -> bytes:
    return output.data if isinstance(output.data, bytes) else Path(output.data).read_bytes()


def read_wav(data: bytes) -> tuple[int, int]:
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getframerate(), wav.getnframes()


def test_a_line_is_a_watermarked_wav_in_its_characters_voice(tool, tmp_path):
    (first,) = tool.run(line_job(tmp_path, "tts.s1-lamp-l1", "a"))
    meta = first.metadata
    assert meta["engine"] == "tests.support.chatterbox_standin.ChatterboxTTS"  # says so
    assert meta["watermarked"] is True and meta["provider"] == "chatterbox"
    rate, frames = read_wav(blob(first))
    assert rate == standin.SR == meta["sample_rate"]
    assert meta["duration_s"] == pytest.approx(frames / rate, abs=0.001)
    assert meta["voice_id"].startswith("ref-") and meta["language_id"] == "en"
    (again,) = tool.run(line_job(tmp_path, "tts.s1-lamp-l1", "b"))
    assert blob(again) == blob(first)  # seeded per line: the same line, the same audio
    (later,) = tool.run(line_job(tmp_path, "tts.s2-song-l1", "c"))  # ada again
    (other,) = tool.run(line_job(tmp_path, "tts.s3-fog-l1", "d"))  # tobin
    assert later.metadata["voice_id"] == meta["voice_id"] != other.metadata["voice_id"]
    assert later.metadata["exaggeration"] == first.metadata["exaggeration"]


def test_a_line_in_another_language_goes_to_the_multilingual_model(tool, tmp_path):
    (out,) = tool.run(line_job(tmp_path, "tts.s1-lamp-l1", "es", language="es"))
    assert out.metadata["engine"].endswith("ChatterboxMultilingualTTS")
    assert out.metadata["language_id"] == "es"


def test_weights_missing_files_are_one_line_naming_the_env_var_and_files(weights, tmp_path):
    standin.install()
    try:
        partial = standin.weights(tmp_path / "partial")
        (partial / "s3gen.safetensors").unlink()
        use_settings(make_settings(tts_chatterbox_model=partial))
        with pytest.raises(MissingWeightsError) as caught:
            Chatterbox().preflight(context().render_profile)
        text = str(caught.value)
        assert "TTS_CHATTERBOX_MODEL=" in text and "missing s3gen.safetensors" in text
        assert "\n" not in text
        use_settings(make_settings(tts_chatterbox_model=weights / "en"))
        with pytest.raises(TTSInvalidInputError, match="TTS_CHATTERBOX_MULTILINGUAL_MODEL"):
            Chatterbox().run(line_job(tmp_path, "tts.s1-lamp-l1", "fr", language="fr"))
    finally:
        standin.uninstall()
        reset_settings_cache()


def test_a_line_without_a_clip_speaks_the_weights_voice_not_the_last_clone(weights, tmp_path):
    standin.install()
    try:
        with_builtin = standin.weights(tmp_path / "builtin")
        (with_builtin / "conds.pt").write_bytes(b"stand-in voice")
        use_settings(make_settings(tts_chatterbox_model=with_builtin))
        adapter = Chatterbox()
        adapter.run(line_job(tmp_path, "tts.s1-lamp-l1", "cloned"))  # ada, with her clip
        ctx = context(small_plan())
        plain = job(ctx, "tts.s3-fog-l1", {}, tmp_path / "plain")  # tobin, no clip
        (out,) = adapter.run(plain)
        engine = adapter.held.models["engine"]
        assert engine.calls[0]["conds"][0] == "clone" and engine.calls[1]["conds"] == "built-in"
        assert out.metadata["voice_id"] == "chatterbox:conds"
    finally:
        standin.uninstall()
        reset_settings_cache()


def test_without_the_package_the_adapter_names_its_environment(weights, tmp_path):
    use_settings(make_settings(tts_chatterbox_model=weights / "en"))
    try:
        with pytest.raises(MissingDependencyError, match="make setup-chatterbox"):
            Chatterbox().run(line_job(tmp_path, "tts.s1-lamp-l1", "x"))
    finally:
        reset_settings_cache()
