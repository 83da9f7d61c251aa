"""Path safety for everything that becomes a file name under the artifact root.

Every segment is checked against one pattern (no separators, no '..', no NUL, no
leading dot), and every joined path is resolved and must stay inside the root, which
also catches a symlink inside the root that points out of it.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UnsafePathError

# Matched with fullmatch (never `match` with a `$` anchor, which accepts "victim\n"; and
# urlsplit strips such a newline, turning "victim\n" back into "victim"). docs/STORAGE.md
# quotes this exact string (tests/reliability/test_storage_paths.py compares them).
SEGMENT_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}"
_SEGMENT = re.compile(SEGMENT_PATTERN)
RULE = "must be 1-128 characters of letters, digits, '_', '.', '-', starting with a letter or digit"
USER_SCOPE_PREFIX = "user~"  # the folder of ADK user-scoped artifacts; '~' is in no segment


def check_segment(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise UnsafePathError(
            f"{field}: must be a string, got {type(value).__name__}", context={"field": field}
        )
    if _SEGMENT.fullmatch(value) is None:
        raise UnsafePathError(
            f"{field} {value!r}: {RULE}", context={"field": field, "value": value}
        )
    return value


def is_segment(value: object) -> bool:
    """True when `value` is a valid segment (the whole string matches SEGMENT_PATTERN)."""
    return isinstance(value, str) and _SEGMENT.fullmatch(value) is not None


def check_scope(value: object, field: str = "run_id") -> str:
    """A run id, or the user scope `user~<user_id>` (which no run id can spell)."""
    if isinstance(value, str) and value.startswith(USER_SCOPE_PREFIX):
        check_segment(value[len(USER_SCOPE_PREFIX) :], "user_id")
        return value
    return check_segment(value, field)


def check_adk_filename(filename: object) -> str:
    """ADK filenames may nest ('stage/id/name') but never escape: no NUL, no absolute
    or drive paths, no backslashes, no '.' or '..' or empty segments."""
    if not isinstance(filename, str) or not filename:
        raise UnsafePathError("filename: must be a non-empty string", context={"field": "filename"})
    bad = (
        "\x00" in filename
        or "\\" in filename
        or filename.startswith("/")
        or re.match(r"[A-Za-z]:", filename) is not None
        or any(ord(c) < 0x20 or c == "\x7f" for c in filename)
        or any(part in ("", ".", "..") for part in filename.split("/"))
    )
    if bad:
        raise UnsafePathError(
            f"filename {filename!r}: must be a relative path without '.', '..', empty segments, "
            "backslashes or control characters (NUL, newline, ...)",
            context={"field": "filename", "value": filename},
        )
    return filename


def safe_join(root: Path, *segments: str) -> Path:
    """root/segments..., proven to resolve inside root (symlinks followed)."""
    base = root.resolve()
    target = base.joinpath(*segments).resolve()
    if not target.is_relative_to(base):
        raise UnsafePathError(
            f"{'/'.join(segments)!r} resolves outside the artifact root {base} (symlink?)",
            context={"path": "/".join(segments)},
        )
    return target
