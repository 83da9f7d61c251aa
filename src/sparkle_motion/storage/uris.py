"""`artifact+fs://<run_id>/<artifact_id>[?version=N]`: the filesystem store's URIs.
Without a version a URI means the latest one."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from ..errors import ArtifactUriError
from .paths import check_scope, check_segment

FS_SCHEME = "artifact+fs"


def format_fs_uri(scope: str, artifact_id: str, version: int | None = None) -> str:
    uri = f"{FS_SCHEME}://{scope}/{artifact_id}"
    return uri if version is None else f"{uri}?version={version}"


def parse_fs_uri(uri: str) -> tuple[str, str, int | None]:
    if not isinstance(uri, str) or not uri.startswith(f"{FS_SCHEME}://"):
        raise ArtifactUriError(f"{uri!r}: not an {FS_SCHEME}:// URI", context={"uri": str(uri)})
    if "\x00" in uri:
        raise ArtifactUriError(f"{uri!r}: contains a NUL byte", context={"uri": uri})
    parts = urlsplit(uri)
    path = parts.path.lstrip("/")
    if "/" in path or not path or not parts.netloc:
        raise ArtifactUriError(
            f"{uri!r}: expected {FS_SCHEME}://<run_id>/<artifact_id>", context={"uri": uri}
        )
    scope = check_scope(parts.netloc)
    artifact_id = check_segment(path, "artifact_id")
    version = None
    if parts.query:
        query = parse_qs(parts.query, strict_parsing=False)
        raw = query.get("version", [""])[0]
        if set(query) != {"version"} or not raw.isdigit():
            raise ArtifactUriError(
                f"{uri!r}: the only query is ?version=<int>", context={"uri": uri}
            )
        version = int(raw)
    return scope, artifact_id, version
