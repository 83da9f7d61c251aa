"""A plan written to disk: indented JSON, atomically (a temp file renamed into place)."""

from __future__ import annotations

import os
from pathlib import Path

from ..schemas import MoviePlan


def write_plan_file(plan: MoviePlan, path: Path) -> Path:
    """Write `plan` to `path` (folders made as needed); returns the absolute path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(plan.model_dump_json(indent=2, exclude_none=True), encoding="utf-8")
    os.replace(tmp, path)
    return path.resolve()
