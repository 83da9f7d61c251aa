"""The file-system calls an atomic publish makes, as module attributes so tests can make
each one fail (fault injection) and prove nothing half-written becomes visible.

`write_hook` is the seam for a full disk: when set, every `write_all` calls it first, and
it may raise OSError(ENOSPC) as the disk would (storage/faults.py: `failing_writes`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

write_hook: Callable[[int, int], None] | None = None  # (fd, len(data)); may raise OSError


def write_all(fd: int, data: bytes) -> None:
    if write_hook is not None:
        write_hook(fd, len(data))
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync(fd: int) -> None:
    os.fsync(fd)


def rename(src: Path, dst: Path) -> None:
    os.replace(src, dst)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def makedirs_durable(path: Path) -> None:
    """mkdir -p, fsyncing each parent whose entries changed, so the new folders survive
    a power cut along with the files renamed into them."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        fsync_dir(folder.parent)
