"""Wav2Lip's real inference code, in the lipsync_wav2lip tool process running from
.venv-lipsync (`make setup-lipsync`, a prerequisite of `make test`), on random-weight
checkpoints the lipsync environment writes (adapters/lipsync/tiny.py), driven over
HTTP by the catalog's transport as a run drives it:

- with a face box, the mouth region is Wav2Lip's (the rest of the frame is the clip's), the
  clip keeps its frame count and gains the dialogue, options reach the code (pads move
  the region), and the same inputs give the same bytes;
- with no box, a detector that finds no face: passed through, `lipsynced: false`, reason;
- a checkpoint the folder does not have: MissingWeightsError naming LIPSYNC_WAV2LIP_MODEL.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from sparkle_motion.catalog.remote import RemoteAdapter
from sparkle_motion.catalog.where import Placement
from sparkle_motion.errors import MissingWeightsError
from sparkle_motion.media.probe import probe
from tests.conftest import REPO, make_settings
from tests.support.lipsync_shot import shot
from tests.support.media import write
from tests.support.tool_process import start_tool

PYTHON = REPO / ".venv-lipsync" / "bin" / "python"
TOKEN = "wav2lip-test-token-0123"
BOX = (16, 48, 16, 48)  # top, bottom, left, right in the 64x64 clip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),
    pytest.mark.skipif(not PYTHON.exists(), reason="needs .venv-lipsync: make setup-lipsync"),
]


@pytest.fixture(scope="module")
def tool(tmp_path_factory) -> Iterator[tuple[RemoteAdapter, Path]]:
    """The tool process (one for the module: Wav2Lip's first call warms librosa up)."""
    weights = tmp_path_factory.mktemp("lipsync-weights")
    env = {**os.environ, "PYTHONPATH": str(REPO), "SPARKLE_DOTENV": ""}
    subprocess.run(
        [str(PYTHON), "-m", "sparkle_motion.adapters.lipsync.tiny", str(weights), "--blind-detector"],
        check=True, cwd=REPO, env=env, timeout=300,
    )  # fmt: skip
    home = tmp_path_factory.mktemp("lipsync-home")
    settings = make_settings(
        home=home,
        lipsync_wav2lip_model=weights,
        lipsync_face_det_path=weights / "s3fd_blind.pth",
    )
    url, child = start_tool(PYTHON, "lipsync_wav2lip", settings, TOKEN)
    caller = make_settings(home=tmp_path_factory.mktemp("caller"))
    yield RemoteAdapter(Placement("wav2lip", "lipsync_wav2lip", url), caller, TOKEN), weights
    child.terminate()
    child.wait(30)


def frames_of(path: Path) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def test_the_face_box_is_lip_synced_and_the_clip_keeps_its_frames(tool, tmp_path):
    adapter, _ = tool
    _, one = shot(tmp_path, "one", box=BOX, pads=(0, 0, 0, 0))
    (out,) = adapter.run(one)
    meta = out.metadata
    assert meta["lipsynced"] is True and meta["face"] == "given (opts.box)"
    assert meta["checkpoint"] == "wav2lip.pth" and meta["options"]["box"] == list(BOX)
    made = write(out, tmp_path / "made.mp4")
    clip = one.inputs["@video.s5-harbour"]
    info, before = probe(made), probe(clip)
    assert info.frames == before.frames and info.audio_codec == "aac"
    new, old = frames_of(made).astype(int), frames_of(clip).astype(int)
    inside = np.abs(new[:, 16:48, 16:48] - old[:, 16:48, 16:48]).mean()
    outside = np.abs(new[:, :12] - old[:, :12]).mean()  # rows above the box
    assert inside > 10 > 3 > outside, (inside, outside)  # random weights paint the box
    (again,) = adapter.run(shot(tmp_path, "again", box=BOX, pads=(0, 0, 0, 0))[1])
    assert write(again, tmp_path / "again.mp4").read_bytes() == made.read_bytes()
    # pads reach the code: 8 more rows below the box are Wav2Lip's too
    (padded,) = adapter.run(shot(tmp_path, "padded", box=BOX, pads=(0, 8, 0, 0))[1])
    grown = frames_of(write(padded, tmp_path / "padded.mp4")).astype(int)
    below = np.abs(grown[:, 50:56, 16:48] - old[:, 50:56, 16:48]).mean()
    unpadded = np.abs(new[:, 50:56, 16:48] - old[:, 50:56, 16:48]).mean()  # codec blur only
    assert below > 10 and below > 2 * unpadded, (below, unpadded)


def test_a_box_that_pads_leave_empty_is_a_typed_error(tool, tmp_path):
    from sparkle_motion.errors import PermanentStageError

    adapter, _ = tool
    _, one = shot(tmp_path, box=(16, 48, 16, 48), pads=(-20, -20, 0, 0))
    with pytest.raises(PermanentStageError, match="leaves no face"):
        adapter.run(one)


def test_no_box_and_no_face_found_passes_the_shot_through(tool, tmp_path):
    adapter, _ = tool
    _, one = shot(tmp_path)
    (out,) = adapter.run(one)
    assert out.metadata["lipsynced"] is False
    assert out.metadata["reason"] == "no face found in any frame of the shot (S3FD)"
    assert probe(write(out, tmp_path / "out.mp4")).audio_codec == "aac"


def test_a_run_here_starts_the_tool_from_its_environment_on_first_use(tool, tmp_path, request):
    """The main environment has no lipsync package: the catalog hands out an adapter whose
    key parts come from here and whose rendering starts the tool from .venv-lipsync."""
    from sparkle_motion import catalog
    from sparkle_motion.catalog import on_demand
    from sparkle_motion.config import reset_settings_cache, use_settings

    _, weights = tool
    settings = make_settings(home=tmp_path / "home", lipsync_wav2lip_model=weights)
    use_settings(settings)  # what the adapters read, as the CLI sets it
    request.addfinalizer(reset_settings_cache)
    ctx, one = shot(tmp_path, box=BOX)
    profile = ctx.render_profile.model_copy(
        update={"adapters": {**ctx.render_profile.adapters, "lipsync": "wav2lip"}}
    )
    adapter = catalog.adapter_for(one.step, profile, settings)
    assert isinstance(adapter, on_demand.OnDemand) and "lipsync_wav2lip" not in on_demand._STARTED
    assert adapter.model_id == f"wav2lip.pth@{(weights / 'wav2lip.pth').stat().st_size}"
    (out,) = adapter.run(one)
    assert out.metadata["lipsynced"] is True
    popen, url = on_demand._STARTED["lipsync_wav2lip"]
    assert adapter.served_by == f"lipsync_wav2lip at {url}" and popen.poll() is None
    on_demand.stop_all()  # what the process's exit does
    assert popen.poll() is not None and on_demand._STARTED == {}


def test_a_checkpoint_the_folder_does_not_have_is_a_typed_error(tool, tmp_path):
    adapter, _ = tool
    _, one = shot(tmp_path, box=BOX, checkpoint="wav2lip_gan.pth")
    with pytest.raises(MissingWeightsError, match="LIPSYNC_WAV2LIP_MODEL"):
        adapter.run(one)
