"""What an artifact store is: the calls the engine, the adapters and the helpers make.

Two implementations: `fs_store.FilesystemArtifactStore` (our atomic shim over a folder and
a SQLite index) and `adk_store.AdkArtifactStore` (any ADK artifact service). One contract
test suite (tests/unit/storage/test_store_contract.py) runs against both, and mypy checks
that both satisfy this Protocol (storage/__init__.py). Filesystem-only upkeep (check,
repair, prune) lives in `fs_maintenance` and takes a FilesystemArtifactStore.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import StorageError
from ..schemas import ArtifactRef


@runtime_checkable
class ArtifactStore(Protocol):
    @property
    def backend(self) -> str:
        """'filesystem' or 'adk'."""
        ...

    def publish(
        self,
        *,
        run_id: str,
        stage: str,
        name: str,
        data: bytes | Path,
        mime_type: str | None = None,
        artifact_type: str = "file",
        metadata: Mapping[str, Any] | None = None,
        artifact_id: str | None = None,
    ) -> ArtifactRef:
        """Store `data` (bytes, or a file to copy) as a new version of `artifact_id`
        (default: derived from stage and name); ArtifactPublishError when it cannot."""
        ...

    def ref(self, uri: str) -> ArtifactRef:
        """The ref of `uri` (its latest version unless the URI names one);
        ArtifactNotFoundError when there is none."""
        ...

    def read_bytes(self, uri: str) -> bytes:
        """The payload, verified against its checksum (else ArtifactIntegrityError)."""
        ...

    def local_path(self, uri: str, *, verify: bool = True) -> Path:
        """A local file holding the payload (for ffmpeg and friends), checksum-verified
        unless `verify` is False."""
        ...

    def list(
        self, run_id: str, stage: str | None = None, *, all_versions: bool = False
    ) -> list[ArtifactRef]:
        """A run's artifacts (the latest version of each unless `all_versions`), oldest first."""
        ...

    def delete(self, uri: str) -> int:
        """Remove an artifact, every version; returns how many versions went."""
        ...

    def close(self) -> None: ...


def holds(store: ArtifactStore, uri: str) -> bool:
    """The artifact is still in `store`, at its recorded size (a cheap check, no checksum:
    what reuse asks before it points at an earlier artifact)."""
    try:
        ref = store.ref(uri)
        return store.local_path(uri, verify=False).stat().st_size == ref.size_bytes
    except (StorageError, OSError):
        return False
