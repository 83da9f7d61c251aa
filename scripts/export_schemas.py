"""Regenerate configs/schemas/*.schema.json and configs/schema_artifacts.yaml (`make schemas`)."""

from __future__ import annotations

import sys
from pathlib import Path

from sparkle_motion.schemas.registry import ensure_schema_artifacts, export_schema_artifacts


def main() -> int:
    configs = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "configs"
    )
    for path in export_schema_artifacts(configs):
        print(f"wrote {path}")
    registry = ensure_schema_artifacts(configs / "schema_artifacts.yaml", check_fresh=True)
    print(f"registry ok: {len(registry.names())} schemas")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
