"""A run's film: the `video_final` manifest its finalize step stored, and a verified copy
of the film somewhere else."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ArtifactIntegrityError, SparkleMotionError, StorageError
from ..plans.ids import FINALIZE_STEP_ID
from ..schemas import StepStatus, VideoFinalManifest
from ..storage.fs_store import sha256_file
from .records import StepRecords

if TYPE_CHECKING:
    from ..storage.base import ArtifactStore


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
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with film.open("rb") as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        if sha256_file(tmp)[0] != manifest.checksum_sha256:
            raise SparkleMotionError(f"copy of {film} to {dest} does not match its checksum")
        os.replace(tmp, dest)
    except OSError as exc:
        raise StorageError(
            f"cannot copy the film to {dest}: {exc.strerror or exc}",
            context={"dest": str(dest)},
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return dest.resolve()
