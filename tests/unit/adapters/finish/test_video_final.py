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


def _job(ctx, film, tmp_path, checksum=None):
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
