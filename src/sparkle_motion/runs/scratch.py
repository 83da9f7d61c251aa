"""Scratch folders: every step attempt works in a temporary folder removed when it ends.
They live under `<runs_dir>/.scratch/<host>-<pid>-<start time>/`, one folder per process,
so a process killed mid-step (SIGKILL, power loss) leaves its leftovers where the next
start finds them: `sweep` removes the folders of this host's processes that are gone (a
state home shared between machines holds other hosts' folders too: left alone)."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

from ..subprocesses import pid_alive, process_started

SCRATCH = ".scratch"


def process_folder(runs_dir: Path) -> Path:
    """This process's scratch folder under `runs_dir` (created)."""
    pid = os.getpid()
    folder = runs_dir / SCRATCH / f"{socket.gethostname()}-{pid}-{process_started(pid) or 0}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sweep(runs_dir: Path) -> list[Path]:
    """Remove the scratch folders of processes that no longer run; returns them."""
    root = runs_dir / SCRATCH
    gone = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        host, _, rest = folder.name.rpartition("-")
        host, _, pid_text = host.rpartition("-")
        started = rest
        if host != socket.gethostname():
            continue  # another machine's, or not ours
        try:
            pid, start = int(pid_text), int(started)
        except ValueError:
            continue  # not ours
        if not pid_alive(pid, start or None):
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder)
    return gone
