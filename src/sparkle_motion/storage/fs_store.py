"""The filesystem artifact store: the seed's ArtifactService shim, with atomic writes.

Layout:  <root>/<run_id>/<stage>/<artifact_id>/v<version>/{<name>, manifest.json}
Index:   SQLite (ARTIFACTS_FS_INDEX), a row per version, written only once the payload and
         manifest are durable. URIs: artifact+fs://<run_id>/<artifact_id>[?version=N].

Publish = write to <root>/.tmp, fsync, then (holding the index's write lock) rename the
payload and manifest into their version folder, fsync the folder, insert the row, commit.
Any failure removes what it wrote: an artifact is wholly present or wholly absent. A crash
can leave files without a row (orphans, invisible to readers); `check()` finds them and
rows whose files vanished (dangling), and `repair()` removes both.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import (
    ArtifactIntegrityError,
    ArtifactNotFoundError,
    ArtifactPublishError,
    SparkleMotionError,
)
from ..schemas import ArtifactRef
from . import fsops
from .db import Database
from .paths import USER_SCOPE_PREFIX, check_scope, check_segment, safe_join
from .publish_request import MANIFEST, publish_request
from .uris import format_fs_uri, parse_fs_uri

DEFAULT_APP = "sparkle-motion"
DEFAULT_USER = "local"
TMP_DIR = ".tmp"
CHUNK = 1 << 20


def user_scope(user_id: str) -> str:
    """The scope (run folder) of ADK user-scoped artifacts ('user:' filenames)."""
    return f"{USER_SCOPE_PREFIX}{check_segment(user_id, 'user_id')}"


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class FilesystemArtifactStore:
    backend = "filesystem"

    def __init__(
        self, root: Path, index_path: Path | None = None, *, app_name: str = DEFAULT_APP
    ) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.root = self.root.resolve()
        self.index_path = Path(index_path) if index_path else self.root / "index.db"
        self.index = Database(self.index_path, "artifact_index")
        self.app_name = app_name

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
        user_id: str = DEFAULT_USER,
        adk_filename: str | None = None,
    ) -> ArtifactRef:
        """Store `data` (bytes, or a file to copy) as a new version; returns its ref."""
        req = publish_request(
            run_id=run_id,
            stage=stage,
            name=name,
            artifact_id=artifact_id,
            mime_type=mime_type,
            metadata=metadata,
        )
        scope, artifact_id, mime, meta_text = (
            req.scope,
            req.artifact_id,
            req.mime_type,
            req.metadata_json,
        )
        adk_filename = adk_filename or f"{stage}/{artifact_id}/{name}"

        tmp_dir = self.root / TMP_DIR
        token = uuid.uuid4().hex
        tmp_payload, tmp_manifest = tmp_dir / f"{token}.part", tmp_dir / f"{token}.manifest"
        placed: list[Path] = []
        final_dir: Path | None = None
        try:
            tmp_dir.mkdir(exist_ok=True)
            checksum, size = self._write_temp(tmp_payload, data)
            with self.index.atomic() as conn:
                version = self._next_version(conn, scope, artifact_id, stage, name, user_id)
                # a folder of its own per publish: nothing is ever renamed onto an existing
                # path, and a folder being removed can never be one a publish writes into
                candidate = safe_join(
                    self.root, scope, stage, artifact_id, f"v{version}-{token[:8]}"
                )
                if candidate.exists():
                    raise ArtifactPublishError(f"{candidate} already exists")
                final_dir = candidate
                created_at = time.time()
                manifest = {
                    "uri": format_fs_uri(scope, artifact_id),
                    "version": version,
                    "run_id": scope,
                    "stage": stage,
                    "artifact_id": artifact_id,
                    "name": name,
                    "artifact_type": artifact_type,
                    "mime_type": mime,
                    "checksum_sha256": checksum,
                    "size_bytes": size,
                    "created_at": datetime.fromtimestamp(created_at, UTC).isoformat(),
                    "app_name": self.app_name,
                    "user_id": user_id,
                    "adk_filename": adk_filename,
                    "metadata": json.loads(meta_text),
                }
                self._write_temp(
                    tmp_manifest, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
                )
                fsops.makedirs_durable(final_dir)
                for src, dst in (
                    (tmp_payload, final_dir / name),
                    (tmp_manifest, final_dir / MANIFEST),
                ):
                    fsops.rename(src, dst)
                    placed.append(dst)
                fsops.fsync_dir(final_dir)
                self._insert_row(
                    conn,
                    {
                        "app_name": self.app_name,
                        "user_id": user_id,
                        "scope": scope,
                        "stage": stage,
                        "artifact_id": artifact_id,
                        "version": version,
                        "name": name,
                        "artifact_type": artifact_type,
                        "adk_filename": adk_filename,
                        "rel_dir": final_dir.relative_to(self.root).as_posix(),
                        "mime_type": mime,
                        "checksum_sha256": checksum,
                        "size_bytes": size,
                        "created_at": created_at,
                        "metadata": meta_text,
                    },
                )
        except SparkleMotionError:
            self._discard(tmp_payload, tmp_manifest, *placed, folder=final_dir)
            raise
        except (OSError, sqlite3.Error) as exc:
            self._discard(tmp_payload, tmp_manifest, *placed, folder=final_dir)
            context: dict[str, Any] = {"run_id": scope, "stage": stage, "artifact_id": artifact_id}
            if isinstance(exc, OSError) and exc.errno is not None:
                context["errno"] = exc.errno  # ENOSPC: the disk is full
            raise ArtifactPublishError(
                f"cannot publish {scope}/{stage}/{artifact_id}/{name}: {exc}", context=context
            ) from exc
        return self.ref(format_fs_uri(scope, artifact_id, version))

    def _write_temp(self, path: Path, data: bytes | Path) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            if isinstance(data, bytes | bytearray | memoryview):
                payload = bytes(data)
                fsops.write_all(fd, payload)
                digest.update(payload)
                size = len(payload)
            else:
                with Path(data).open("rb") as src:
                    while chunk := src.read(CHUNK):
                        fsops.write_all(fd, chunk)
                        digest.update(chunk)
                        size += len(chunk)
            fsops.fsync(fd)
        finally:
            os.close(fd)
        return digest.hexdigest(), size

    def _next_version(
        self,
        conn: sqlite3.Connection,
        scope: str,
        artifact_id: str,
        stage: str,
        name: str,
        user_id: str,
    ) -> int:
        """Versions count per (run, artifact_id); one artifact id holds one stage/name/user."""
        row = conn.execute(
            "SELECT stage, name, user_id, MAX(version) AS v FROM artifacts "
            "WHERE app_name = ? AND scope = ? AND artifact_id = ?",
            (self.app_name, scope, artifact_id),
        ).fetchone()
        if row["v"] is None:
            return 0
        if (row["stage"], row["name"], row["user_id"]) != (stage, name, user_id):
            raise ArtifactPublishError(
                f"artifact_id {artifact_id!r} in run {scope!r} already holds "
                f"{row['stage']}/{row['name']} of user {row['user_id']!r}, not {stage}/{name} of {user_id!r}"
            )
        return int(row["v"]) + 1

    def _insert_row(self, conn: sqlite3.Connection, row: dict[str, Any]) -> None:
        cols = ", ".join(row)
        conn.execute(
            f"INSERT INTO artifacts ({cols}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )

    def _discard(self, *paths: Path, folder: Path | None) -> None:
        # What cannot be removed stays as an orphan: invisible to readers, found by check().
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        if folder is not None:
            with contextlib.suppress(OSError):
                folder.rmdir()

    # ------------------------------------------------------------------ read

    def _row(self, uri: str) -> sqlite3.Row:
        scope, artifact_id, version = parse_fs_uri(uri)
        sql = "SELECT * FROM artifacts WHERE app_name = ? AND scope = ? AND artifact_id = ?"
        params: list[Any] = [self.app_name, scope, artifact_id]
        if version is not None:
            sql += " AND version = ?"
            params.append(version)
        row = self.index.query_one(sql + " ORDER BY version DESC LIMIT 1", params)
        if row is None:
            raise ArtifactNotFoundError(f"{uri}: no such artifact", context={"uri": uri})
        return row

    def _payload_path(self, row: sqlite3.Row) -> Path:
        return safe_join(self.root, *row["rel_dir"].split("/"), row["name"])

    def ref_of_row(self, row: sqlite3.Row) -> ArtifactRef:
        """The ref of an index row (one version), as `ref` and `list` return it."""
        return ArtifactRef(
            uri=format_fs_uri(row["scope"], row["artifact_id"], row["version"]),
            artifact_type=row["artifact_type"],
            mime_type=row["mime_type"],
            checksum_sha256=row["checksum_sha256"],
            size_bytes=row["size_bytes"],
            run_id=row["scope"],
            stage=row["stage"],
            artifact_id=row["artifact_id"],
            name=row["name"],
            version=row["version"],
            local_path=str(self._payload_path(row)),
            created_at=datetime.fromtimestamp(row["created_at"], UTC),
            metadata=json.loads(row["metadata"]),
        )

    def ref(self, uri: str) -> ArtifactRef:
        return self.ref_of_row(self._row(uri))

    def read_bytes(self, uri: str) -> bytes:
        """The payload, verified against its recorded checksum."""
        row = self._row(uri)
        path = self._payload_path(row)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise ArtifactIntegrityError(
                f"{uri}: indexed but its payload {path} is missing (run `sparkle-motion artifacts check`)",
                context={"uri": uri, "path": str(path)},
            ) from exc
        self._verify(uri, row, hashlib.sha256(data).hexdigest(), len(data))
        return data

    def local_path(self, uri: str, *, verify: bool = True) -> Path:
        """Where the payload is on disk (for ffmpeg and friends), verified by default."""
        row = self._row(uri)
        path = self._payload_path(row)
        if not path.is_file():
            raise ArtifactIntegrityError(
                f"{uri}: indexed but its payload {path} is missing", context={"uri": uri}
            )
        if verify:
            self._verify(uri, row, *sha256_file(path))
        return path

    def _verify(self, uri: str, row: sqlite3.Row, checksum: str, size: int) -> None:
        if checksum != row["checksum_sha256"] or size != row["size_bytes"]:
            raise ArtifactIntegrityError(
                f"{uri}: payload does not match its checksum (expected {row['checksum_sha256']}, "
                f"{row['size_bytes']} bytes; found {checksum}, {size} bytes)",
                context={"uri": uri, "expected": row["checksum_sha256"], "found": checksum},
            )

    def list(
        self, run_id: str, stage: str | None = None, *, all_versions: bool = False
    ) -> list[ArtifactRef]:
        """Artifacts of a run (latest version of each unless `all_versions`), oldest first."""
        check_scope(run_id)
        sql = "SELECT * FROM artifacts WHERE app_name = ? AND scope = ?"
        params: list[Any] = [self.app_name, run_id]
        if stage is not None:
            sql += " AND stage = ?"
            params.append(check_segment(stage, "stage"))
        if not all_versions:
            sql += (
                " AND version = (SELECT MAX(version) FROM artifacts a2 WHERE a2.app_name = artifacts.app_name"
                " AND a2.user_id = artifacts.user_id AND a2.scope = artifacts.scope"
                " AND a2.artifact_id = artifacts.artifact_id)"
            )
        return [
            self.ref_of_row(r) for r in self.index.query(sql + " ORDER BY created_at, id", params)
        ]

    # ------------------------------------------------------------------ delete

    def delete(self, uri: str) -> int:
        """Remove an artifact, every version (as ADK's delete_artifact does). Returns how
        many versions went."""
        scope, artifact_id, _ = parse_fs_uri(uri)
        rows = self.index.query(
            "SELECT * FROM artifacts WHERE app_name = ? AND scope = ? AND artifact_id = ?",
            (self.app_name, scope, artifact_id),
        )
        if not rows:
            raise ArtifactNotFoundError(f"{uri}: no such artifact", context={"uri": uri})
        return self.delete_versions(rows)

    def delete_versions(self, rows: Sequence[sqlite3.Row]) -> int:
        """Remove these index rows, then their folders. Rows go first, so a crash in between
        leaves orphans (harmless, found by check), never dangling rows; the folders go while
        holding the index's write lock, so no publish is creating folders meanwhile."""
        with self.index.atomic() as conn:
            for row in rows:
                conn.execute("DELETE FROM artifacts WHERE id = ?", (row["id"],))
        with self.index.atomic():
            for row in rows:
                self._remove_version_dir(row["rel_dir"])
        return len(rows)

    def _remove_version_dir(self, rel_dir: str) -> None:
        folder = safe_join(self.root, *rel_dir.split("/"))
        if folder.is_dir():
            for child in folder.iterdir():
                child.unlink(missing_ok=True)
            folder.rmdir()
        parent = folder.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def close(self) -> None:
        self.index.close()
