"""The voices this installation can speak with: every speech backend's, each with whether
it can speak here and why not; one by id, or an error naming the known ones."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from sparkle_motion.adapters.tts.voices import get_voice_metadata, list_available_voices
from sparkle_motion.config import reset_settings_cache, use_settings
from sparkle_motion.errors import TTSInvalidInputError
from tests.conftest import make_settings


@pytest.fixture(autouse=True)
def plain_settings():
    use_settings(make_settings())
    yield
    reset_settings_cache()


def test_every_backend_lists_its_voices_and_says_why_one_cannot_speak():
    voices = {v.voice_id: v for v in list_available_voices()}
    assert voices["piper:en_US-joe-medium"].available  # make setup installs it
    assert "female" in voices["flite:slt"].description and voices["flite:rms"].languages == ["en"]
    assert voices["flite:slt"].available == (shutil.which("flite") is not None)
    assert voices["espeak:f2"].languages and "female" in voices["espeak:f2"].description
    cloned = voices["chatterbox:cloned"]
    assert not cloned.available and "TTS_CHATTERBOX_MODEL" in (cloned.reason or "")
    assert "voice_cloning" in cloned.features and cloned.quality > voices["espeak:m1"].quality
    assert get_voice_metadata("espeak:m3").provider == "espeak"
    with pytest.raises(TTSInvalidInputError, match="voice_id: 'nobody' is not a voice here"):
        get_voice_metadata("nobody")


def test_voices_list_prints_a_table_or_json():
    from sparkle_motion.cli import app

    runner = CliRunner()
    env = {"SPARKLE_DOTENV": ""}
    table = runner.invoke(app, ["voices", "list"], env=env)
    assert table.exit_code == 0 and "chatterbox:cloned" in table.stdout
    listed = runner.invoke(app, ["voices", "list", "--json"], env=env)
    rows = json.loads(listed.stdout)
    assert {"piper", "espeak", "chatterbox"} == {r["provider"] for r in rows}
