"""Rebuilding index rows from the manifests stored beside the payloads.

Every version folder `<scope>/<stage>/<artifact_id>/v<n>-<token>/` holds its payload and
`manifest.json`, written (and fsynced) before the index row. The manifest carries every
column of the row but the folder, so an index that was lost (deleted, or damaged and moved
aside) can be rebuilt from the disk: `fs_maintenance.check` reports such folders as
*unindexed* and `repair` inserts their rows back (after checking the payload against the
manifest's checksum) instead of deleting them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import StorageError
from .paths import check_adk_filename, check_scope, check_segment
from .publish_request import MANIFEST

VERSION_DIR = re.compile(r"v(\d+)(-[0-9a-f]{8})?")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def row_from_manifest(root: Path, folder: Path) -> dict[str, Any] | None:
    """The index row `folder`'s manifest describes, or None when the manifest is missing,
    unreadable, or disagrees with where it lies or with its payload's size."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return _row(root, folder, manifest)
    except (OSError, ValueError, TypeError, KeyError, StorageError):
        return None


def _row(root: Path, folder: Path, m: dict[str, Any]) -> dict[str, Any] | None:
    parts = folder.relative_to(root).parts
    found = VERSION_DIR.fullmatch(parts[-1]) if len(parts) == 4 else None
    if found is None or not isinstance(m, dict):
        return None
    version = m["version"]
    scope, stage, artifact_id, name = (
        check_scope(m["run_id"]),
        check_segment(m["stage"], "stage"),
        check_segment(m["artifact_id"], "artifact_id"),
        check_segment(m["name"], "name"),
    )
    strings = ("artifact_type", "mime_type", "app_name", "adk_filename", "checksum_sha256")
    if (
        tuple(parts[:3]) != (scope, stage, artifact_id)
        or not isinstance(version, int)
        or isinstance(version, bool)
        or int(found.group(1)) != version
        or name == MANIFEST
        or not all(isinstance(m[k], str) and m[k] for k in strings)
        or _SHA256.fullmatch(m["checksum_sha256"]) is None
        or not isinstance(m["size_bytes"], int)
        or not isinstance(m["metadata"], dict)
    ):
        return None
    payload = folder / name
    if not payload.is_file() or payload.stat().st_size != m["size_bytes"]:
        return None
    check_segment(m["user_id"], "user_id")
    check_adk_filename(m["adk_filename"])
    return {
        "app_name": m["app_name"],
        "user_id": m["user_id"],
        "scope": scope,
        "stage": stage,
        "artifact_id": artifact_id,
        "version": version,
        "name": name,
        "artifact_type": m["artifact_type"],
        "adk_filename": m["adk_filename"],
        "rel_dir": folder.relative_to(root).as_posix(),
        "mime_type": m["mime_type"],
        "checksum_sha256": m["checksum_sha256"],
        "size_bytes": m["size_bytes"],
        "created_at": datetime.fromisoformat(m["created_at"]).timestamp(),
        "metadata": json.dumps(m["metadata"], sort_keys=True, allow_nan=False),
    }
