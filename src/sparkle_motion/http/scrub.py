"""No answer names a folder of this machine: metadata an adapter stored (an ffmpeg command
line names the scratch folder, the venv's binary) is shown with `<host>` in their place."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from ..config import Settings

HOST = "<host>"


def host_prefixes(settings: Settings, *more: Path) -> list[str]:
    """Folders of this machine an adapter's metadata may name (scratch, store, venv, ...),
    longest first."""
    places = [settings.home, settings.runs_dir, settings.artifacts_fs_root, *more]
    places += [Path(sys.prefix), Path(sys.base_prefix), Path(tempfile.gettempdir()), Path.home()]
    found = {str(p) for p in places} | {str(p.resolve()) for p in places}
    return sorted((p for p in found if len(p) > 1), key=len, reverse=True)


def scrub(value: Any, prefixes: list[str]) -> Any:
    """`value` with every folder of this machine replaced by `<host>` (an ffmpeg command
    line in the metadata names the scratch folder and the binary)."""
    if isinstance(value, str):
        for prefix in prefixes:
            value = value.replace(prefix, HOST)
        return value
    if isinstance(value, dict):
        return {k: scrub(v, prefixes) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, prefixes) for v in value]
    return value
