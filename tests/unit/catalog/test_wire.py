"""The /render archives: what is written reads back the same; anything else a tool or a
caller could be sent (links, other names, a member twice, no head, the head after a file,
too many bytes, not a tar) is a WireError and nothing lands outside the folder given."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from sparkle_motion.catalog.wire import REQUEST, WireError, read_archive, write_archive


def archive(*members: tuple[str, bytes | None, bytes]) -> io.BytesIO:
    """(name, link target or None, data) -> a tar archive in memory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, link, data in members:
            info = tarfile.TarInfo(name)
            if link is not None:
                info.type, info.linkname = tarfile.SYMTYPE, link.decode()
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


HEAD = (REQUEST, None, json.dumps({"step": "x"}).encode())


def test_an_archive_reads_back_as_written(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.wav"
    a.write_bytes(b"\x89PNG" + bytes(range(256)) * 50)
    b.write_bytes(b"RIFF" * 1000)
    buffer = io.BytesIO()
    write_archive(buffer, REQUEST, {"inputs": {"@a": "inputs/0"}}, {"inputs/0": a, "inputs/1": b})
    buffer.seek(0)
    head, files = read_archive(buffer, REQUEST, tmp_path / "in", max_bytes=10**6)
    assert head == {"inputs": {"@a": "inputs/0"}}
    assert files["inputs/0"].read_bytes() == a.read_bytes()
    assert files["inputs/1"].read_bytes() == b.read_bytes()
    assert all(p.parent == tmp_path / "in" for p in files.values())


@pytest.mark.parametrize(
    ("members", "says"),
    [
        ([HEAD, ("inputs/0", b"/etc/passwd", b"")], "regular files"),
        ([HEAD, ("../../outside", None, b"x")], "not an expected member"),
        ([HEAD, ("/abs/path", None, b"x")], "not an expected member"),
        ([HEAD, ("inputs/0", None, b"x"), ("inputs/0", None, b"y")], "sent twice"),
        ([HEAD, ("outputs/x", None, b"x")], "not an expected member"),
        ([("inputs/0", None, b"x"), HEAD], "must start with"),
        ([], "has no request.json"),
        ([(REQUEST, None, b"[1, 2]")], "want a JSON object"),
        ([(REQUEST, None, b"{not json")], "not JSON"),
        ([HEAD, ("inputs/0", None, b"x" * 5000)], "over 4096 bytes"),
    ],
)
def test_a_hostile_archive_is_a_wire_error(tmp_path, members, says):
    into = tmp_path / "deep" / "in"
    with pytest.raises(WireError, match=says):
        read_archive(archive(*members), REQUEST, into, max_bytes=4096)
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and into not in p.parents]
    assert outside == []


def test_bytes_that_are_not_a_tar_are_a_wire_error(tmp_path):
    with pytest.raises(WireError, match="not a readable tar"):
        read_archive(io.BytesIO(b"GET / HTTP/1.1\r\n" * 100), REQUEST, tmp_path, max_bytes=10**6)


def test_only_member_names_of_the_format_are_written(tmp_path):
    path = Path(tmp_path / "f")
    path.write_bytes(b"x")
    with pytest.raises(WireError, match="not a member name"):
        write_archive(io.BytesIO(), REQUEST, {}, {"../f": path})
