"""Our store API (publish / read_bytes / ref / list / delete / local_path) on top of any
ADK artifact service: FileArtifactService, GcsArtifactService, InMemoryArtifactService,
or our own FilesystemArtifactService. Selected by ARTIFACTS_BACKEND=adk.

ADK services keep versions but no checksum, so publish records ours (and size, type and
metadata) in custom_metadata as strings (GCS stores metadata values as strings) and every
read verifies it. URIs are ADK's canonical `artifact://apps/.../versions/N`.

Imports google.adk: load this module only where ADK is wanted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from google.adk.artifacts import artifact_util
from google.adk.artifacts.base_artifact_service import BaseArtifactService
from google.genai import types

from ..aio import run_sync as _run
from ..errors import (
    ArtifactIntegrityError,
    ArtifactNotFoundError,
    ArtifactPublishError,
    ArtifactUriError,
    SparkleMotionError,
)
from ..schemas import ArtifactRef
from . import fsops
from .fs_store import DEFAULT_APP, DEFAULT_USER
from .paths import check_segment
from .publish_request import publish_request

T = TypeVar("T")
_PREFIX = "sm_"  # our keys in custom_metadata


class AdkArtifactStore:
    backend = "adk"

    def __init__(
        self,
        service: BaseArtifactService,
        *,
        app_name: str = DEFAULT_APP,
        user_id: str = DEFAULT_USER,
        cache_dir: Path | None = None,
    ) -> None:
        self.service = service
        self.app_name = app_name
        self.user_id = check_segment(user_id, "user_id")
        self.cache_dir = cache_dir

    # ------------------------------------------------------------------ publish

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
        user_id: str | None = None,
    ) -> ArtifactRef:
        check_segment(run_id, "run_id")  # an ADK session id: no user-scope spelling here
        req = publish_request(
            run_id=run_id,
            stage=stage,
            name=name,
            artifact_id=artifact_id,
            mime_type=mime_type,
            metadata=metadata,
        )
        artifact_id, mime, meta_text = req.artifact_id, req.mime_type, req.metadata_json
        try:
            payload = (
                bytes(data)
                if isinstance(data, bytes | bytearray | memoryview)
                else Path(data).read_bytes()
            )
        except (OSError, TypeError) as exc:
            raise ArtifactPublishError(f"cannot publish {run_id}/{stage}/{name}: {exc}") from exc
        custom = {
            f"{_PREFIX}checksum_sha256": hashlib.sha256(payload).hexdigest(),
            f"{_PREFIX}size_bytes": str(len(payload)),
            f"{_PREFIX}artifact_type": artifact_type,
            f"{_PREFIX}metadata": meta_text,
            f"{_PREFIX}created_at": datetime.now(UTC).isoformat(),
        }
        filename = f"{stage}/{artifact_id}/{name}"
        try:
            version = _run(
                self.service.save_artifact(
                    app_name=self.app_name,
                    user_id=user_id or self.user_id,
                    filename=filename,
                    artifact=types.Part(inline_data=types.Blob(data=payload, mime_type=mime)),
                    session_id=run_id,
                    custom_metadata=custom,
                )
            )
        except SparkleMotionError:
            raise
        except Exception as exc:  # an ADK service may raise anything; surface it typed
            raise ArtifactPublishError(f"cannot publish {run_id}/{filename}: {exc}") from exc
        return self.ref(
            artifact_util.get_artifact_uri(
                app_name=self.app_name,
                user_id=user_id or self.user_id,
                filename=filename,
                version=version,
                session_id=run_id,
            )
        )

    # ------------------------------------------------------------------ read

    def _parse(self, uri: str) -> artifact_util.ParsedArtifactUri:
        parsed = artifact_util.parse_artifact_uri(uri) if isinstance(uri, str) else None
        if parsed is None or parsed.session_id is None:
            raise ArtifactUriError(
                f"{uri!r}: not an ADK session artifact URI", context={"uri": str(uri)}
            )
        if parsed.app_name != self.app_name:
            raise ArtifactUriError(
                f"{uri!r}: belongs to app {parsed.app_name!r}", context={"uri": uri}
            )
        check_segment(parsed.user_id, "user_id")
        check_segment(parsed.session_id, "run_id")
        parts = parsed.filename.split("/")
        if len(parts) != 3:
            raise ArtifactUriError(
                f"{uri!r}: expected .../artifacts/<stage>/<artifact_id>/<name>/..."
            )
        for label, value in zip(("stage", "artifact_id", "name"), parts, strict=True):
            check_segment(value, label)
        return parsed

    def _version(self, parsed: artifact_util.ParsedArtifactUri) -> Any:
        found = _run(
            self.service.get_artifact_version(
                app_name=parsed.app_name,
                user_id=parsed.user_id,
                filename=parsed.filename,
                session_id=parsed.session_id,
                version=parsed.version,
            )
        )
        if found is None:
            raise ArtifactNotFoundError(
                f"no such artifact: {parsed.filename} v{parsed.version} in {parsed.session_id}"
            )
        return found

    def _to_ref(self, parsed: artifact_util.ParsedArtifactUri, version: Any) -> ArtifactRef:
        meta = version.custom_metadata or {}
        if f"{_PREFIX}checksum_sha256" not in meta:
            raise ArtifactIntegrityError(
                f"{parsed.filename}: has no checksum (not written by sparkle-motion)"
            )
        stage, artifact_id, name = parsed.filename.split("/")
        return ArtifactRef(
            uri=artifact_util.get_artifact_uri(
                app_name=parsed.app_name,
                user_id=parsed.user_id,
                filename=parsed.filename,
                version=version.version,
                session_id=parsed.session_id,
            ),
            artifact_type=meta[f"{_PREFIX}artifact_type"],
            mime_type=version.mime_type or "application/octet-stream",
            checksum_sha256=meta[f"{_PREFIX}checksum_sha256"],
            size_bytes=int(meta[f"{_PREFIX}size_bytes"]),
            run_id=parsed.session_id,
            stage=stage,
            artifact_id=artifact_id,
            name=name,
            version=version.version,
            created_at=datetime.fromisoformat(meta[f"{_PREFIX}created_at"]),
            metadata=json.loads(meta[f"{_PREFIX}metadata"]),
        )

    def ref(self, uri: str) -> ArtifactRef:
        parsed = self._parse(uri)
        return self._to_ref(parsed, self._version(parsed))

    def read_bytes(self, uri: str) -> bytes:
        parsed = self._parse(uri)
        ref = self._to_ref(parsed, self._version(parsed))
        part = _run(
            self.service.load_artifact(
                app_name=parsed.app_name,
                user_id=parsed.user_id,
                filename=parsed.filename,
                session_id=parsed.session_id,
                version=ref.version,
            )
        )
        if part is None and ref.size_bytes == 0:
            # ADK loads an empty application/octet-stream payload as absent (its rewind
            # tombstone); the version and its checksum say it is an empty artifact.
            part = types.Part(inline_data=types.Blob(data=b"", mime_type=ref.mime_type))
        if part is None:
            raise ArtifactNotFoundError(f"{uri}: no such artifact", context={"uri": uri})
        data = part.inline_data.data if part.inline_data is not None else (part.text or "").encode()
        found = hashlib.sha256(data or b"").hexdigest()
        if found != ref.checksum_sha256 or len(data or b"") != ref.size_bytes:
            raise ArtifactIntegrityError(
                f"{uri}: payload does not match its checksum (expected {ref.checksum_sha256}, found {found})",
                context={"uri": uri},
            )
        return data or b""

    def local_path(self, uri: str, *, verify: bool = True) -> Path:
        """A verified local copy (ADK services may be remote), cached by checksum."""
        if self.cache_dir is None:
            raise ArtifactNotFoundError("this ADK-backed store has no cache_dir for local copies")
        ref = self.ref(uri)
        target = self.cache_dir / ref.checksum_sha256 / (ref.name or "payload")
        if not target.is_file():
            data = self.read_bytes(uri)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
            try:
                fsops.write_all(fd, data)
                fsops.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        elif verify and hashlib.sha256(target.read_bytes()).hexdigest() != ref.checksum_sha256:
            target.unlink()
            return self.local_path(uri, verify=verify)
        return target

    def list(
        self, run_id: str, stage: str | None = None, *, all_versions: bool = False
    ) -> list[ArtifactRef]:
        check_segment(run_id, "run_id")
        if stage is not None:
            check_segment(stage, "stage")
        keys = _run(
            self.service.list_artifact_keys(
                app_name=self.app_name, user_id=self.user_id, session_id=run_id
            )
        )
        refs = []
        for key in keys:
            parts = key.split("/")
            if (
                key.startswith("user:")
                or len(parts) != 3
                or (stage is not None and parts[0] != stage)
            ):
                continue
            versions = _run(
                self.service.list_artifact_versions(
                    app_name=self.app_name,
                    user_id=self.user_id,
                    filename=key,
                    session_id=run_id,
                )
            )
            chosen = versions if all_versions else versions[-1:]
            for version in chosen:
                parsed = artifact_util.ParsedArtifactUri(
                    app_name=self.app_name,
                    user_id=self.user_id,
                    session_id=run_id,
                    filename=key,
                    version=version.version,
                )
                refs.append(self._to_ref(parsed, version))
        return sorted(refs, key=lambda r: (r.created_at, r.uri))

    def delete(self, uri: str) -> int:
        parsed = self._parse(uri)
        versions = _run(
            self.service.list_versions(
                app_name=parsed.app_name,
                user_id=parsed.user_id,
                filename=parsed.filename,
                session_id=parsed.session_id,
            )
        )
        if not versions:
            raise ArtifactNotFoundError(f"{uri}: no such artifact", context={"uri": uri})
        _run(
            self.service.delete_artifact(
                app_name=parsed.app_name,
                user_id=parsed.user_id,
                filename=parsed.filename,
                session_id=parsed.session_id,
            )
        )
        return len(versions)

    def close(self) -> None:
        pass
