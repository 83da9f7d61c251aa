"""The wav2lip adapter in the main environment, where the lipsync package is not: a shot
with no face box and no detector weights is passed through with its dialogue and recorded
`lipsynced: false` with the reason (it never needs the package); a shot it would lip-sync
says which environment has the package; the checkpoint comes only from
LIPSYNC_WAV2LIP_MODEL's folder. (The model itself runs in tests/integration/
test_wav2lip_tool.py, in .venv-lipsync.)"""

from __future__ import annotations

import pytest

from sparkle_motion.adapters.lipsync.wav2lip import Wav2Lip, checkpoint_path, fill_gaps
from sparkle_motion.config import reset_settings_cache, use_settings
from sparkle_motion.errors import MissingDependencyError, MissingWeightsError, PermanentStageError
from sparkle_motion.media.probe import probe
from tests.conftest import make_settings
from tests.support.lipsync_shot import shot
from tests.support.media import write


@pytest.fixture
def weights(tmp_path):
    folder = tmp_path / "wav2lip"
    folder.mkdir()
    (folder / "wav2lip.pth").write_bytes(b"not read here")
    use_settings(make_settings(lipsync_wav2lip_model=folder))
    yield folder
    reset_settings_cache()


def test_no_box_and_no_detector_passes_the_shot_through_with_the_reason(weights, tmp_path):
    _, one = shot(tmp_path)
    (out,) = Wav2Lip().run(one)
    assert out.metadata["lipsynced"] is False
    assert "LIPSYNC_FACE_DET_PATH" in out.metadata["reason"]
    muxed = probe(write(out, tmp_path / "out.mp4"))
    assert (
        muxed.audio_codec == "aac" and muxed.frames == probe(one.inputs["@video.s5-harbour"]).frames
    )


def test_a_shot_to_lip_sync_names_the_environment_with_the_package(weights, tmp_path):
    _, one = shot(tmp_path, box=(8, 56, 8, 56))
    with pytest.raises(MissingDependencyError, match="make setup-lipsync"):
        Wav2Lip().run(one)


def test_the_checkpoint_comes_from_the_weights_folder_only(weights):
    assert checkpoint_path(None) == weights / "wav2lip.pth"
    (weights / "wav2lip_gan.pth").write_bytes(b"x")
    assert checkpoint_path(None).name == "wav2lip_gan.pth"  # the GAN one first
    assert checkpoint_path("wav2lip.pth") == weights / "wav2lip.pth"
    with pytest.raises(PermanentStageError, match=r"opts\.checkpoint"):
        checkpoint_path("../elsewhere/w.pth")
    with pytest.raises(MissingWeightsError, match=r"LIPSYNC_WAV2LIP_MODEL=.*no checkpoint nope"):
        checkpoint_path("nope.pth")


def test_frames_without_a_face_take_the_nearest_box():
    a, b = (1, 2, 3, 4), (5, 6, 7, 8)
    assert fill_gaps([None, a, None, None, b]) == [a, a, a, b, b]
    assert fill_gaps([None, None]) is None
