"""The CLI in a fresh process, on a throwaway root folder (database, artifacts, runs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

CLI = [sys.executable, "-m", "sparkle_motion.cli"]


def cli_env(root: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "SPARKLE_DOTENV": "",
        "ARTIFACTS_FS_ROOT": str(root / "art"),
        "SPARKLE_DB_PATH": str(root / "s.db"),
        # SPARKLE_RUNS_DIR left at its default, `runs` under the state home
        "SPARKLE_HOME": str(root),
        **extra,
    }


def run_cli(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """`sparkle-motion ARGS` run in `root`."""
    return subprocess.run(
        [*CLI, *args], cwd=root, env=cli_env(root), capture_output=True, text=True, timeout=timeout
    )
