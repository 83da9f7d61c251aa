"""Refresh the env-var table in docs/CONFIG.md from sparkle_motion.config.ENV_TABLE (`make docs`)."""

from __future__ import annotations

import re
from pathlib import Path

from sparkle_motion.config import env_table_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "CONFIG.md"
START, END = "<!-- env-table:start -->", "<!-- env-table:end -->"


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{DOC}: markers {START} ... {END} not found")
    DOC.write_text(pattern.sub(f"{START}\n{env_table_markdown()}\n{END}", text), encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
