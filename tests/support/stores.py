"""Every artifact backend behind one fixture, each with a way to corrupt a stored
payload behind the store's back (for the integrity contract)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BACKENDS = ["fs", "adk-file", "adk-memory", "adk-gcs", "adk-ours"]


@dataclass
class Backend:
    name: str
    store: Any
    corrupt: Callable[[str], None]  # uri -> flip a byte of the stored payload


def _flip_file(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[0] ^= 0xFF
    path.write_bytes(bytes(data))


def make_backend(name: str, tmp_path: Path) -> Backend:
    from sparkle_motion.storage.fs_store import FilesystemArtifactStore

    if name == "fs":
        store = FilesystemArtifactStore(tmp_path / "root")
        return Backend(name, store, lambda uri: _flip_file(store.local_path(uri, verify=False)))

    from google.adk.artifacts import FileArtifactService, InMemoryArtifactService

    from sparkle_motion.storage.adk_service import FilesystemArtifactService
    from sparkle_motion.storage.adk_store import AdkArtifactStore

    from .fake_gcs import fake_gcs_service

    cache = tmp_path / "cache"
    if name == "adk-file":
        service = FileArtifactService(root_dir=tmp_path / "adkroot")

        def corrupt(uri: str) -> None:
            files = [
                p
                for p in (tmp_path / "adkroot").rglob("*")
                if p.is_file() and p.suffix not in (".json",)
            ]
            for path in files:
                _flip_file(path)
    elif name == "adk-memory":
        service = InMemoryArtifactService()

        def corrupt(uri: str) -> None:
            for entries in service.artifacts.values():
                for entry in entries:
                    blob = entry.data.inline_data
                    blob.data = bytes([blob.data[0] ^ 0xFF]) + blob.data[1:]
    elif name == "adk-gcs":
        service = fake_gcs_service()

        def corrupt(uri: str) -> None:
            for blob in service.bucket.blobs.values():
                blob.content = bytes([blob.content[0] ^ 0xFF]) + blob.content[1:]
    elif name == "adk-ours":
        inner = FilesystemArtifactStore(tmp_path / "ours")
        service = FilesystemArtifactService(inner)

        def corrupt(uri: str) -> None:
            for path in (tmp_path / "ours").rglob("*"):
                if (
                    path.is_file()
                    and path.parent.name.startswith("v")
                    and path.name != "manifest.json"
                ):
                    _flip_file(path)
    else:
        raise ValueError(name)
    return Backend(name, AdkArtifactStore(service, cache_dir=cache), corrupt)
