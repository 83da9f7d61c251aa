"""`artifact+fs://<run_id>/<artifact_id>[?version=N]`: the filesystem store's URIs.
Without a version a URI means the latest one.

Parsed by hand, not with `urlsplit`: urlsplit silently deletes tabs and newlines and
strips surrounding whitespace, so "artifact+fs://victim\\n/x" would come back as run
`victim`. Here a URI is taken exactly as written: every segment must be a whole valid
segment (paths.SEGMENT_PATTERN), and nothing else (user info, port, fragment, another
query key, a non-ASCII digit) is accepted.
"""

from __future__ import annotations

from ..errors import ArtifactUriError
from .paths import check_scope, check_segment

FS_SCHEME = "artifact+fs"
_PREFIX = f"{FS_SCHEME}://"


def format_fs_uri(scope: str, artifact_id: str, version: int | None = None) -> str:
    uri = f"{_PREFIX}{scope}/{artifact_id}"
    return uri if version is None else f"{uri}?version={version}"


def parse_fs_uri(uri: str) -> tuple[str, str, int | None]:
    if not isinstance(uri, str) or not uri.startswith(_PREFIX):
        raise ArtifactUriError(f"{uri!r}: not an {_PREFIX} URI", context={"uri": str(uri)})
    if not uri.isascii() or not uri.isprintable() or " " in uri:
        raise ArtifactUriError(
            f"{uri!r}: contains whitespace, a control character or non-ASCII text",
            context={"uri": uri},
        )
    rest, _, query = uri[len(_PREFIX) :].partition("?")
    parts = rest.split("/")
    if len(parts) != 2 or not all(parts):
        raise ArtifactUriError(
            f"{uri!r}: expected {_PREFIX}<run_id>/<artifact_id>", context={"uri": uri}
        )
    scope = check_scope(parts[0])
    artifact_id = check_segment(parts[1], "artifact_id")
    version = None
    if query or uri.endswith("?"):
        key, _, raw = query.partition("=")
        if key != "version" or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            raise ArtifactUriError(
                f"{uri!r}: the only query is ?version=<int>", context={"uri": uri}
            )
        version = int(raw)
    return scope, artifact_id, version
