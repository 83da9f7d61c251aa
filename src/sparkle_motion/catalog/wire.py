"""The bytes of `POST /render`, the route a stage calls a tool through when the tool may be
on another machine: one tar archive each way, streamed through files, never held in memory.

    request   request.json  {backend, run_id, step, context, upstream, inputs: {ref: member}}
              inputs/<n>    the file of each input reference the step reads
    response  outputs.json  {tool, backend, version, model_id, step_id, outputs: [{name,
                            member, sha256, mime_type, artifact_type, metadata}]}
              outputs/<n>   each output file

The caller publishes the outputs itself (with its own step key), so the tool needs no
disk shared with it. Reading is strict: only the members above, regular files, each name
once, and a byte total the caller sets; anything else is a WireError.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

REQUEST = "request.json"
RESPONSE = "outputs.json"
MEMBER = re.compile(r"(inputs|outputs)/\d{1,6}")
JSON_MAX = 64 * 1024 * 1024
CONTENT_TYPE = "application/x-tar"


class WireError(ValueError):
    """A /render archive that is not one: the message says what is wrong with it."""


def write_archive(
    target: IO[bytes], head: str, document: Mapping[str, Any], files: Mapping[str, Path]
) -> None:
    """`head` (request.json or outputs.json) first, then each member name -> file."""
    data = json.dumps(document, separators=(",", ":"), allow_nan=False).encode()
    with tarfile.open(fileobj=target, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(head)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for member, path in files.items():
            if not MEMBER.fullmatch(member):
                raise WireError(f"not a member name: {member!r}")
            info = tarfile.TarInfo(member)
            info.size = path.stat().st_size
            with path.open("rb") as fh:
                tar.addfile(info, fh)


def read_archive(
    source: IO[bytes], head: str, into: Path, *, max_bytes: int
) -> tuple[dict[str, Any], dict[str, Path]]:
    """The head document and each member's file under `into` (created), checked as the
    module says; a member over the byte total stops the read."""
    into.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] | None = None
    files: dict[str, Path] = {}
    total = 0
    try:
        with tarfile.open(fileobj=source, mode="r|") as tar:
            for info in tar:
                if info.type not in (tarfile.REGTYPE, tarfile.AREGTYPE) or info.issparse():
                    raise WireError(f"{info.name!r}: only regular files may be sent")
                total += info.size
                if total > max_bytes:
                    raise WireError(f"the archive is over {max_bytes} bytes")
                fh = tar.extractfile(info)
                if fh is None:  # pragma: no cover - isfile() members always have data
                    raise WireError(f"{info.name!r}: no data")
                if info.name == head and document is None and not files:
                    if info.size > JSON_MAX:
                        raise WireError(f"{head} is over {JSON_MAX} bytes")
                    document = _json(fh.read(), head)
                    continue
                if document is None:
                    raise WireError(f"the archive must start with {head}")
                if not MEMBER.fullmatch(info.name) or info.name in files:
                    raise WireError(f"{info.name!r}: not an expected member (or sent twice)")
                path = into / info.name.replace("/", "-")
                with path.open("wb") as out:
                    while chunk := fh.read(1 << 20):
                        out.write(chunk)
                files[info.name] = path
    except tarfile.TarError as exc:
        raise WireError(f"not a readable tar archive: {exc}") from None
    if document is None:
        raise WireError(f"the archive has no {head}")
    return document, files


def _json(data: bytes, head: str) -> dict[str, Any]:
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"{head}: not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise WireError(f"{head}: want a JSON object")
    return document
