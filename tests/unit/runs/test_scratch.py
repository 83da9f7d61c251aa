"""Scratch folders of processes that are gone are swept at the next start; a live
process's folder is left alone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from sparkle_motion.runs.scratch import SCRATCH, process_folder, sweep
from sparkle_motion.subprocesses import process_started


def test_sweep_removes_only_the_folders_of_dead_processes(tmp_path):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    host = socket.gethostname()
    dead = tmp_path / SCRATCH / f"{host}-{int(gone.stdout)}-1"
    (dead / "video.s1-abc").mkdir(parents=True)
    (dead / "video.s1-abc" / "part.mp4").write_bytes(b"x" * 1000)
    mine = process_folder(tmp_path)
    (mine / "image.kf-000-xyz").mkdir()
    reused = tmp_path / SCRATCH / f"{host}-{os.getpid()}-{(process_started(os.getpid()) or 0) + 1}"
    reused.mkdir()  # our pid, another start time: an earlier process that had this pid
    foreign = tmp_path / SCRATCH / "notes"
    foreign.mkdir()
    elsewhere = tmp_path / SCRATCH / f"render-box-2-{int(gone.stdout)}-1"  # another host's
    elsewhere.mkdir()
    assert sorted(sweep(tmp_path)) == sorted([dead, reused])
    assert mine.is_dir() and (mine / "image.kf-000-xyz").is_dir() and foreign.is_dir()
    assert elsewhere.is_dir()
    assert sweep(tmp_path / "nothing-here") == []
