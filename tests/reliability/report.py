"""What an attack test counted, for `make reliability`'s table: with
SPARKLE_RELIABILITY_REPORT set to a folder, each `record(name, ...)` writes
`<folder>/<name>.json` (a flat mapping of counts); scripts/reliability_table.py prints
them. Without it, nothing is written."""

from __future__ import annotations

import json
import os
from pathlib import Path


def record(name: str, **counts: int) -> None:
    folder = os.environ.get("SPARKLE_RELIABILITY_REPORT")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.json").write_text(json.dumps(counts, sort_keys=True) + "\n")
