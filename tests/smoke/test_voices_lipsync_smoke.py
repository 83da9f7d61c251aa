"""Chatterbox and Wav2Lip on real weights, each through its tool started from its own
environment (as a run without `serve` reaches it: catalog/on_demand.py). Only with their
flags, and each only when its weights are set (else it skips naming what it needs):

- SMOKE_TTS=1: one line in a cloned voice. Needs .venv-chatterbox (make
  setup-chatterbox) and TTS_CHATTERBOX_MODEL (ve.safetensors, t3_cfg.safetensors,
  s3gen.safetensors, tokenizer.json: ResembleAI/chatterbox).
- SMOKE_LIPSYNC=1: one shot lip-synced with a detected face. Needs .venv-lipsync (make
  setup-lipsync), LIPSYNC_WAV2LIP_MODEL (wav2lip_gan.pth or wav2lip.pth) and
  LIPSYNC_FACE_DET_PATH (s3fd.pth), and SMOKE_FACE_CLIP: a short MP4 of a face.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.smoke.conftest import smoke


@pytest.fixture
def real_settings() -> Iterator[object]:
    """The process's own env (the weights), not the tests' empty one."""
    from sparkle_motion.config import load_settings, reset_settings_cache, use_settings

    settings = load_settings()
    use_settings(settings)
    yield settings
    reset_settings_cache()
    from sparkle_motion.catalog.on_demand import stop_all

    stop_all()


def needs(env_dir: str, make: str, *settings_env: tuple[object, str]) -> None:
    if not (REPO / env_dir / "bin" / "python").exists():
        pytest.skip(f"needs {env_dir}: {make}")
    for value, env in settings_env:
        if value is None:
            pytest.skip(f"set {env}")


@smoke("tts")
@pytest.mark.timeout(1800)
def test_chatterbox_speaks_a_line_in_a_cloned_voice(real_settings, tmp_path):
    from sparkle_motion import catalog
    from tests.support.media import context, job, small_plan, step, tone

    needs(".venv-chatterbox", "make setup-chatterbox",
          (real_settings.tts_chatterbox_model, "TTS_CHATTERBOX_MODEL"))  # fmt: skip
    ctx = context(small_plan())
    line = step(ctx, "tts.s1-lamp-l1")
    line.voice.reference_audio = "voices/ada.wav"
    profile = ctx.render_profile.model_copy(
        update={"adapters": {**ctx.render_profile.adapters, "tts": "chatterbox"}}
    )
    adapter = catalog.adapter_for(line, profile, real_settings)
    clip = tone(tmp_path / "ada.wav", 4.0, freq=180.0)
    (out,) = adapter.run(job(ctx, line.id, {"voices/ada.wav": clip}, tmp_path / "w"))
    meta = out.metadata
    assert meta["watermarked"] is True and meta["engine"].startswith("chatterbox.")
    assert 0.5 < meta["duration_s"] < 15 and meta["sample_rate"] >= 16000


@smoke("lipsync")
@pytest.mark.timeout(1800)
def test_wav2lip_moves_a_detected_mouth(real_settings, tmp_path):
    from sparkle_motion import catalog
    from sparkle_motion.media.probe import probe
    from tests.support.lipsync_shot import shot
    from tests.support.media import write

    face = os.environ.get("SMOKE_FACE_CLIP")
    needs(".venv-lipsync", "make setup-lipsync",
          (real_settings.lipsync_wav2lip_model, "LIPSYNC_WAV2LIP_MODEL"),
          (real_settings.lipsync_face_det_path, "LIPSYNC_FACE_DET_PATH"),
          (face, "SMOKE_FACE_CLIP (a short MP4 of a face)"))  # fmt: skip
    ctx, one = shot(tmp_path)
    one.inputs["@video.s5-harbour"] = Path(str(face))
    profile = ctx.render_profile.model_copy(
        update={"adapters": {**ctx.render_profile.adapters, "lipsync": "wav2lip"}}
    )
    (out,) = catalog.adapter_for(one.step, profile, real_settings).run(one)
    assert out.metadata["lipsynced"] is True and out.metadata["face"] == "detected"
    made = probe(write(out, tmp_path / "out.mp4"))
    assert made.frames == probe(Path(str(face))).frames and made.audio_codec == "aac"
