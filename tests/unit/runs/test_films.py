"""A run's film and its subtitles, copied out: both verified against their checksums, both
written atomically (a temp file renamed), the `.srt` beside the film."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sparkle_motion.errors import ArtifactIntegrityError
from sparkle_motion.runs.films import export_film, export_subtitles, film_subtitles
from sparkle_motion.runs.records import StepRecords
from sparkle_motion.schemas import StepExecutionRecord, VideoFinalManifest
from sparkle_motion.storage import Database
from sparkle_motion.storage.fs_store import FilesystemArtifactStore

T = datetime(2026, 1, 1, tzinfo=UTC)
SRT = "1\n00:00:00,500 --> 00:00:02,000\nKeeper: Who goes there?\n"


def _assemble(run_id: str, artifacts: list, status: str = "succeeded") -> StepExecutionRecord:
    error = {"error_type": "CommandError", "message": "ffmpeg died", "transient": False}
    return StepExecutionRecord.model_validate(
        dict(
            run_id=run_id,
            plan_id="p",
            step_id="assemble.film",
            stage="assemble",
            step_type="assemble",
            step_key="a" * 64,
            status=status,
            attempts=1,
            started_at=T,
            finished_at=T,
            artifacts=[a.model_dump(mode="json") for a in artifacts],
            error=error if status == "failed" else None,
        )
    )


@pytest.fixture
def stored(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "art")
    film = store.publish(
        run_id="r1",
        stage="assemble",
        name="film.mp4",
        data=b"\x00\x00\x00\x18ftypmp42 not really a film",
        mime_type="video/mp4",
        artifact_type="assembled_mp4",
    )
    srt = store.publish(
        run_id="r1",
        stage="assemble",
        name="film.srt",
        data=SRT.encode(),
        mime_type="application/x-subrip",
        artifact_type="subtitles_srt",
    )
    db = Database(tmp_path / "s.db")
    records = StepRecords(db)
    yield store, records, film, srt
    store.close()
    db.close()


def test_the_subtitles_of_a_run_are_its_assemble_steps_srt(stored):
    _, records, film, srt = stored
    assert film_subtitles(records, "r1") is None  # nothing assembled yet
    records.put(_assemble("r1", [film, srt], status="failed"))
    assert film_subtitles(records, "r1") is None  # a failed assembly has no film to go with
    records.put(_assemble("r1", [film, srt]))
    assert film_subtitles(records, "r1").uri == srt.uri
    records.put(_assemble("r2", [film]))  # subtitles off, or nobody speaks
    assert film_subtitles(records, "r2") is None


def test_the_srt_is_written_beside_the_exported_film(stored, tmp_path):
    store, _, film, srt = stored
    manifest = VideoFinalManifest(
        artifact_uri=film.uri,
        local_path=str(store.local_path(film.uri)),
        storage_hint="filesystem",
        size_bytes=film.size_bytes,
        duration_s=2.0,
        frame_rate=24,
        resolution_px="320x180",
        checksum_sha256=film.checksum_sha256,
        run_id="r1",
        playback_ready=True,
    )
    out = tmp_path / "out" / "film.mp4"
    copied = export_film(manifest, out)
    written = export_subtitles(store, srt, copied)
    assert written == (tmp_path / "out" / "film.srt").resolve()
    assert written.read_text() == SRT
    assert sorted(p.name for p in out.parent.iterdir()) == ["film.mp4", "film.srt"]  # no temp

    # an earlier .srt is replaced whole; a damaged stored one is refused and leaves it be
    written.write_text("old\n")
    export_subtitles(store, srt, copied)
    assert written.read_text() == SRT
    path = Path(store.local_path(srt.uri, verify=False))
    path.write_bytes(b"X" + path.read_bytes()[1:])
    with pytest.raises(ArtifactIntegrityError):
        export_subtitles(store, srt, copied)
    assert written.read_text() == SRT
    assert sorted(p.name for p in out.parent.iterdir()) == ["film.mp4", "film.srt"]
