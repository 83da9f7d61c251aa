"""finalize: the manifest describes the published film and refuses a film whose bytes do
not match what was published."""

from __future__ import annotations

import hashlib

import pytest

from sparkle_motion.adapters.base import StepJob
from sparkle_motion.adapters.finish.video_final import VideoFinal
from sparkle_motion.errors import ArtifactIntegrityError
from sparkle_motion.schemas import ArtifactRef, VideoFinalManifest
from tests.support.media import HEIGHT, WIDTH, context, step, still_clip


def _film(tmp_path):
    ctx = context()
    film = still_clip(step(ctx, "image.kf-000"), tmp_path / "film.mp4", 24, 24, seed=3)
    return ctx, film


def _made_by(stage, step_id, backend, model_id, n=0):
    meta = {"backend": backend, "model_id": model_id} if backend else {}
    return ArtifactRef(
        uri=f"artifact+fs://t1/{step_id}-abc-{n}?version=0",
        artifact_type="x",
        mime_type="image/png",
        checksum_sha256="0" * 64,
        size_bytes=1,
        stage=stage,
        metadata=meta,
    )


def _job(ctx, film, tmp_path, checksum=None, run_outputs=None):
    data = film.read_bytes()
    ref = ArtifactRef(
        uri="artifact+fs://t1/assemble.film-abc-0?version=0",
        artifact_type="assembled_mp4",
        mime_type="video/mp4",
        checksum_sha256=checksum or hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
    )
    return StepJob(
        step=step(ctx, "finalize.film"),
        inputs={"@assemble.film": film},
        context=ctx,
        workdir=tmp_path,
        upstream={"assemble.film": [ref]},
        run_outputs=run_outputs or {},
    )


def test_manifest_matches_the_file(tmp_path):
    ctx, film = _film(tmp_path)
    out = VideoFinal().run(_job(ctx, film, tmp_path))[0]
    manifest = VideoFinalManifest.model_validate_json(out.data)
    assert out.artifact_type == "video_final"
    assert manifest.checksum_sha256 == hashlib.sha256(film.read_bytes()).hexdigest()
    assert (
        manifest.size_bytes == film.stat().st_size and manifest.resolution_px == f"{WIDTH}x{HEIGHT}"
    )
    assert manifest.frame_rate == 24 and abs(manifest.duration_s - 1.0) < 0.05
    assert manifest.playback_ready is False  # no AAC track: a clip, not a film
    assert manifest.storage_hint == "filesystem" and manifest.download_url is None


def test_a_film_whose_bytes_changed_is_refused(tmp_path):
    ctx, film = _film(tmp_path)
    with pytest.raises(ArtifactIntegrityError, match="was published as"):
        VideoFinal().run(_job(ctx, film, tmp_path, checksum="0" * 64))


def test_manifest_names_each_stages_backends_and_models(tmp_path):
    ctx, film = _film(tmp_path)
    outputs = {
        "image.kf-000": [_made_by("base_images", "image.kf-000", "sdxl", "sdxl-base")],
        "image.kf-001": [_made_by("base_images", "image.kf-001", "sdxl", "sdxl-base")],
        "tts.l1": [_made_by("dialogue_audio", "tts.l1", "chatterbox", "cb-en")],
        "tts.l2": [_made_by("dialogue_audio", "tts.l2", "piper", "en_US-lessac")],  # fell back
        "assemble.film": [_made_by("assemble", "assemble.film", "ffmpeg", None)],
        "video.s1": [_made_by("video", "video.s1", None, None)],  # stored before stamping
    }
    out = VideoFinal().run(_job(ctx, film, tmp_path, run_outputs=outputs))[0]
    models = VideoFinalManifest.model_validate_json(out.data).models
    assert {k: [(m.backend, m.model_id, m.steps) for m in v] for k, v in models.items()} == {
        "base_images": [("sdxl", "sdxl-base", 2)],
        "dialogue_audio": [("chatterbox", "cb-en", 1), ("piper", "en_US-lessac", 1)],
        "assemble": [("ffmpeg", None, 1)],
    }
