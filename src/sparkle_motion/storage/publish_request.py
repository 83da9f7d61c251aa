"""What every store checks before a publish, in one place."""

from __future__ import annotations

import json
import mimetypes
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ArtifactPublishError
from .paths import check_scope, check_segment

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PublishRequest:
    scope: str
    stage: str
    name: str
    artifact_id: str
    mime_type: str
    metadata_json: str


def publish_request(
    *,
    run_id: str,
    stage: str,
    name: str,
    artifact_id: str | None,
    mime_type: str | None,
    metadata: Mapping[str, Any] | None,
) -> PublishRequest:
    """Validated path segments (UnsafePathError), a fresh artifact id when none is given,
    the MIME type (guessed from the name), and the metadata as canonical JSON."""
    scope = check_scope(run_id)
    check_segment(stage, "stage")
    check_segment(name, "name")
    if artifact_id is None:
        artifact_id = f"{stage}-{uuid.uuid4().hex[:16]}"
    check_segment(artifact_id, "artifact_id")
    if name == MANIFEST:
        raise ArtifactPublishError(f"name {MANIFEST!r} is reserved for the manifest")
    try:
        meta_text = json.dumps(dict(metadata or {}), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ArtifactPublishError(f"metadata is not JSON-serializable: {exc}") from exc
    mime = mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return PublishRequest(scope, stage, name, artifact_id, mime, meta_text)
