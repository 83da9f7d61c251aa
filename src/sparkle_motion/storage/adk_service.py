"""Our filesystem store as an ADK `BaseArtifactService`, so an ADK `Runner` and
`tool_context.save_artifact` write through the atomic, checksummed shim.

Mapping (DESIGN.md section 5): app_name is the store's app; session_id is the run_id;
a filename `<stage>/<artifact_id>/<name>` maps onto the store's layout directly; any other
filename is kept under stage `adk` with a stable artifact id derived from it, and is listed
and loaded by its own name. `user:` filenames are user-scoped (a `user~<user_id>` run
folder). Every save is a new version; versions are kept.

Imports google.adk: load this module only where ADK is wanted.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from typing import Any

from google.adk.artifacts import artifact_util
from google.adk.artifacts.base_artifact_service import (
    ArtifactVersion,
    BaseArtifactService,
    ensure_part,
)
from google.genai import types

from ..errors import ArtifactPublishError, StorageError
from .fs_store import FilesystemArtifactStore, user_scope
from .paths import check_adk_filename, check_segment, is_segment
from .uris import format_fs_uri

USER_PREFIX = "user:"
_KIND = "adk_part_kind"  # reserved metadata key: how to rebuild the Part on load
_DISPLAY = "adk_display_name"


def map_filename(filename: str, *, direct: bool = True) -> tuple[str, str, str]:
    """ADK filename (without `user:`) -> (stage, artifact_id, name) in the store: directly
    for `<stage>/<artifact_id>/<name>`, else (or with direct=False) under stage `adk`
    with an artifact id hashed from the filename."""
    check_adk_filename(filename)
    parts = filename.split("/")
    if direct and len(parts) == 3 and all(is_segment(p) for p in parts):
        return parts[0], parts[1], parts[2]
    digest = hashlib.sha256(filename.encode()).hexdigest()[:24]
    name = re.sub(r"[^A-Za-z0-9_.~-]", "_", parts[-1]).lstrip("._~-")[:100] or "payload"
    return "adk", f"f-{digest}", name


class FilesystemArtifactService(BaseArtifactService):
    def __init__(self, store: FilesystemArtifactStore) -> None:
        self.store = store

    # ------------------------------------------------------------------ helpers

    def _scope(
        self, app_name: str, user_id: str, filename: str, session_id: str | None
    ) -> tuple[str, str]:
        if app_name != self.store.app_name:
            raise StorageError(
                f"app_name {app_name!r}: this artifact store serves app {self.store.app_name!r}",
                context={"app_name": app_name},
            )
        check_segment(user_id, "user_id")
        if session_id is not None:
            check_segment(session_id, "session_id")
        if filename.startswith(USER_PREFIX):
            return user_scope(user_id), filename[len(USER_PREFIX) :]
        if session_id is None:
            raise StorageError("session_id is required for session-scoped artifacts")
        return check_segment(session_id, "session_id"), filename

    def _rows(
        self, app_name: str, user_id: str, filename: str, session_id: str | None
    ) -> list[Any]:
        scope, bare = self._scope(app_name, user_id, filename, session_id)
        check_adk_filename(bare)
        return self.store.index.query(
            "SELECT * FROM artifacts WHERE app_name = ? AND user_id = ? AND scope = ? AND adk_filename = ? "
            "ORDER BY version",
            (app_name, user_id, scope, bare),
        )

    def _placement(self, user_id: str, scope: str, bare: str) -> tuple[str, str, str]:
        """Where a filename lives: where its earlier versions are; else its direct mapping
        if that artifact id is free in the run; else the hashed one (ADK filenames are
        independent, so 'images/shot1/a.png' and 'audio/shot1/b.wav' must not collide)."""
        row = self.store.index.query_one(
            "SELECT stage, artifact_id, name FROM artifacts WHERE app_name = ? AND user_id = ? AND scope = ? "
            "AND adk_filename = ? LIMIT 1",
            (self.store.app_name, user_id, scope, bare),
        )
        if row is not None:
            return row["stage"], row["artifact_id"], row["name"]
        stage, artifact_id, name = map_filename(bare)
        taken = self.store.index.query_one(
            "SELECT 1 FROM artifacts WHERE app_name = ? AND scope = ? AND artifact_id = ? LIMIT 1",
            (self.store.app_name, scope, artifact_id),
        )
        return map_filename(bare, direct=False) if taken else (stage, artifact_id, name)

    def _version_row(self, rows: list[Any], version: int | None) -> Any | None:
        if not rows:
            return None
        if version is None:
            return rows[-1]
        return next((r for r in rows if r["version"] == version), None)

    @staticmethod
    def _artifact_version(row: Any) -> ArtifactVersion:
        meta = json.loads(row["metadata"])
        custom = {k: v for k, v in meta.items() if k not in (_KIND, _DISPLAY)}
        return ArtifactVersion(
            version=row["version"],
            canonical_uri=format_fs_uri(row["scope"], row["artifact_id"], row["version"]),
            custom_metadata=custom,
            create_time=row["created_at"],
            mime_type=row["mime_type"],
        )

    # ------------------------------------------------------------------ ADK API

    async def save_artifact(
        self,
        *,
        app_name: str,
        user_id: str,
        filename: str,
        artifact: types.Part | dict[str, Any],
        session_id: str | None = None,
        custom_metadata: dict[str, Any] | None = None,
    ) -> int:
        scope, bare = self._scope(app_name, user_id, filename, session_id)
        stage, artifact_id, name = self._placement(user_id, scope, bare)
        part = ensure_part(artifact)
        meta = dict(custom_metadata or {})
        if part.inline_data is not None:
            if part.inline_data.data is None:
                raise ArtifactPublishError("artifact inline_data must contain data")
            data, mime = part.inline_data.data, part.inline_data.mime_type
            meta[_KIND] = "inline"
            if part.inline_data.display_name:
                meta[_DISPLAY] = part.inline_data.display_name
        elif part.text is not None:
            data, mime = part.text.encode("utf-8"), "text/plain"
            meta[_KIND] = "text"
        else:
            raise ArtifactPublishError(
                "artifact must have inline_data or text (file_data is not stored)"
            )
        ref = await asyncio.to_thread(
            self.store.publish,
            run_id=scope,
            stage=stage,
            name=name,
            data=data,
            mime_type=mime or "application/octet-stream",
            artifact_type="adk",
            metadata=meta,
            artifact_id=artifact_id,
            user_id=user_id,
            adk_filename=bare,
        )
        return int(ref.version or 0)

    async def load_artifact(
        self,
        *,
        app_name: str,
        user_id: str,
        filename: str,
        session_id: str | None = None,
        version: int | None = None,
    ) -> types.Part | None:
        row = self._version_row(self._rows(app_name, user_id, filename, session_id), version)
        if row is None:
            return None
        uri = format_fs_uri(row["scope"], row["artifact_id"], row["version"])
        data = await asyncio.to_thread(self.store.read_bytes, uri)  # checksum-verified
        meta = json.loads(row["metadata"])
        if meta.get(_KIND) == "text":
            return types.Part(text=data.decode("utf-8"))
        part = types.Part(
            inline_data=types.Blob(
                data=data, mime_type=row["mime_type"], display_name=meta.get(_DISPLAY)
            )
        )
        # Like every ADK service: a session rewind's tombstone version loads as absent.
        return None if artifact_util._is_rewind_tombstone(part) else part

    async def list_artifact_keys(
        self, *, app_name: str, user_id: str, session_id: str | None = None
    ) -> list[str]:
        self._scope(app_name, user_id, USER_PREFIX + "x", None)
        names = {
            USER_PREFIX + r["adk_filename"]
            for r in self.store.index.query(
                "SELECT DISTINCT adk_filename FROM artifacts WHERE app_name = ? AND user_id = ? AND scope = ?",
                (app_name, user_id, user_scope(user_id)),
            )
        }
        if session_id is not None:
            names |= {
                r["adk_filename"]
                for r in self.store.index.query(
                    "SELECT DISTINCT adk_filename FROM artifacts WHERE app_name = ? AND user_id = ? AND scope = ?",
                    (app_name, user_id, check_segment(session_id, "session_id")),
                )
            }
        return sorted(names)

    async def delete_artifact(
        self, *, app_name: str, user_id: str, filename: str, session_id: str | None = None
    ) -> None:
        rows = self._rows(app_name, user_id, filename, session_id)
        if rows:
            await asyncio.to_thread(
                self.store.delete, format_fs_uri(rows[0]["scope"], rows[0]["artifact_id"])
            )

    async def list_versions(
        self, *, app_name: str, user_id: str, filename: str, session_id: str | None = None
    ) -> list[int]:
        return [r["version"] for r in self._rows(app_name, user_id, filename, session_id)]

    async def list_artifact_versions(
        self, *, app_name: str, user_id: str, filename: str, session_id: str | None = None
    ) -> list[ArtifactVersion]:
        return [
            self._artifact_version(r) for r in self._rows(app_name, user_id, filename, session_id)
        ]

    async def get_artifact_version(
        self,
        *,
        app_name: str,
        user_id: str,
        filename: str,
        session_id: str | None = None,
        version: int | None = None,
    ) -> ArtifactVersion | None:
        row = self._version_row(self._rows(app_name, user_id, filename, session_id), version)
        return None if row is None else self._artifact_version(row)
