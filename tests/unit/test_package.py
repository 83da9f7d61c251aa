"""`import sparkle_motion` stays light: no torch, diffusers, transformers or ADK."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "diffusers", "transformers", "google.adk")


def test_import_is_light():
    code = (
        "import sys, sparkle_motion, sparkle_motion.cli, sparkle_motion.plans, sparkle_motion.schemas.registry;"
        f"print(sorted(set({HEAVY!r}) & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_console_script_runs():
    out = subprocess.run(
        [sys.executable, "-m", "sparkle_motion.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("sparkle-motion ")
