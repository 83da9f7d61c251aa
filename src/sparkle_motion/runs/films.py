"""A run's film: the `video_final` manifest its finalize step stored, and a verified copy
of the film somewhere else, with its subtitles beside it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..errors import ArtifactIntegrityError, SparkleMotionError, StorageError
from ..plans.ids import FINALIZE_STEP_ID
from ..schemas import ArtifactRef, StepStatus, VideoFinalManifest
from ..storage.fs_store import sha256_file
from .records import StepRecords

if TYPE_CHECKING:
    from ..storage.base import ArtifactStore

DONE = (StepStatus.SUCCEEDED, StepStatus.CACHED)
SUBTITLES_TYPE = "subtitles_srt"  # assemble's sidecar (adapters/assemble/ffmpeg.py)


def film_manifest(
    records: StepRecords, store: ArtifactStore, run_id: str
) -> VideoFinalManifest | None:
    """The run's video_final manifest, when finalize succeeded (or was reused) and the
    manifest is still stored."""
    record = records.get(run_id, FINALIZE_STEP_ID)
    if record is None or not record.artifacts:
        return None
    if record.status not in (StepStatus.SUCCEEDED, StepStatus.CACHED):
        return None
    try:
        return VideoFinalManifest.model_validate_json(store.read_bytes(record.artifacts[0].uri))
    except (StorageError, ValueError):  # gone, or not a video_final manifest
        return None


def film_intact(manifest: VideoFinalManifest) -> bool:
    """The film file the manifest names is there with the recorded checksum."""
    film = Path(manifest.local_path)
    return film.is_file() and sha256_file(film)[0] == manifest.checksum_sha256


def film_subtitles(records: StepRecords, run_id: str) -> ArtifactRef | None:
    """The film's sidecar subtitles (the `.srt` assemble stored beside the film it made),
    when the run has them: its plan has dialogue and `assemble_opts.subtitles` on."""
    for record in records.list(run_id):
        if record.step_type != "assemble" or record.status not in DONE:
            continue
        for ref in record.artifacts:
            if ref.artifact_type == SUBTITLES_TYPE:
                return ref
    return None


def export_film(manifest: VideoFinalManifest, dest: Path) -> Path:
    """Copy the film to `dest` atomically (temp file, fsync, rename), verified against the
    manifest's checksum; returns the absolute destination."""
    film = Path(manifest.local_path)
    if not film.is_file():
        raise ArtifactIntegrityError(
            f"the film of run {manifest.run_id} is gone from {film}; "
            f"`sparkle-motion resume {manifest.run_id}` renders it again",
            context={"run_id": manifest.run_id, "local_path": str(film)},
        )

    def copy(dst: BinaryIO) -> None:
        with film.open("rb") as src:
            shutil.copyfileobj(src, dst, 1 << 20)

    return _replace(dest, copy, manifest.checksum_sha256, what=f"copy of {film}")


def export_subtitles(store: ArtifactStore, ref: ArtifactRef, film_dest: Path) -> Path:
    """Write the subtitles `ref` beside the exported film (`film.mp4` -> `film.srt`), the
    same way as the film: read back verified, temp file, fsync, rename."""
    data = store.read_bytes(ref.uri)  # ArtifactIntegrityError when it does not match
    dest = film_dest.with_suffix(".srt")
    return _replace(dest, lambda dst: dst.write(data), ref.checksum_sha256, what=ref.uri)


def _replace(dest: Path, write: Callable[[BinaryIO], object], sha256: str, *, what: str) -> Path:
    """`dest` replaced at once by what `write` writes, once its checksum is `sha256`: a
    reader sees the old file or the whole new one, never a part."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as dst:
            write(dst)
            dst.flush()
            os.fsync(dst.fileno())
        if sha256_file(tmp)[0] != sha256:
            raise SparkleMotionError(f"{what} written to {dest} does not match its checksum")
        os.replace(tmp, dest)
    except OSError as exc:
        raise StorageError(
            f"cannot write {dest}: {exc.strerror or exc}", context={"dest": str(dest)}
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return dest.resolve()
