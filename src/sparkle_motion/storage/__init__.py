"""Storage: artifact stores, our one SQLite database, the memory log, RecentIndex.

`open_artifact_store(settings)` picks the backend (ARTIFACTS_BACKEND): `filesystem`, our
atomic shim, or `adk`, ADK's own services (GCS when ADK_ARTIFACTS_GCS_BUCKET is set,
else its FileArtifactService under ARTIFACTS_FS_ROOT). Both offer one API, the
`ArtifactStore` Protocol (base.py):

    publish(run_id=, stage=, name=, data=, mime_type=, artifact_type=, metadata=) -> ArtifactRef
    read_bytes(uri) -> bytes          checksum-verified, else ArtifactIntegrityError
    ref(uri) -> ArtifactRef           list(run_id, stage=None) -> [ArtifactRef]
    local_path(uri) -> Path           delete(uri) -> versions removed

Importing this package does not import google.adk; the ADK modules load on demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..config import Settings, get_settings
from .base import ArtifactStore
from .db import Database
from .fs_store import DEFAULT_APP, FilesystemArtifactStore
from .memory_log import MemoryEvent, MemoryLog
from .recent_index import RecentIndex

if TYPE_CHECKING:
    from .adk_store import AdkArtifactStore

    def _both_are_artifact_stores(
        fs: FilesystemArtifactStore, adk: AdkArtifactStore
    ) -> tuple[ArtifactStore, ArtifactStore]:
        return fs, adk  # mypy proves each satisfies the Protocol


def open_database(settings: Settings | None = None) -> Database:
    return Database((settings or get_settings()).db_path)


def open_artifact_store(
    settings: Settings | None = None, *, scan: bool = True
) -> FilesystemArtifactStore | AdkArtifactStore:
    settings = settings or get_settings()
    if settings.artifacts_backend == "filesystem":
        store = FilesystemArtifactStore(
            settings.artifacts_fs_root, settings.artifacts_index_path, app_name=DEFAULT_APP
        )
        if scan:
            from .fs_maintenance import startup_scan

            startup_scan(store)
        return store
    from .adk_store import AdkArtifactStore

    service: Any
    if settings.adk_artifacts_gcs_bucket:
        from google.adk.artifacts import GcsArtifactService

        kwargs = {"project": settings.adk_project} if settings.adk_project else {}
        service = GcsArtifactService(settings.adk_artifacts_gcs_bucket, **kwargs)
    else:
        from google.adk.artifacts import FileArtifactService

        service = FileArtifactService(root_dir=settings.artifacts_fs_root)
    return AdkArtifactStore(
        service,
        app_name=DEFAULT_APP,
        user_id=settings.user_id,
        cache_dir=settings.runs_dir / ".artifact_cache",
    )


__all__ = [
    "ArtifactStore",
    "Database",
    "FilesystemArtifactStore",
    "MemoryEvent",
    "MemoryLog",
    "RecentIndex",
    "open_artifact_store",
    "open_database",
]
