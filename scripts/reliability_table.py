"""Print the table `make reliability` ends with: one row per attack, from the counts the
attack tests wrote (tests/reliability/report.py) into the folder given as argv[1].

    python scripts/reliability_table.py .reliability
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

COLUMNS = (
    ("tried", "attacks tried"),
    ("typed_errors", "typed errors"),
    ("valid", "valid"),
    ("tracebacks", "tracebacks"),
    ("outside_writes", "writes outside roots"),
    ("identical_films", "films identical after resume"),
)


def main(folder: Path) -> int:
    rows = {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}
    if not rows:
        print(f"no attack counts in {folder}")
        return 1
    width = max(len(name) for name in rows) + 2
    print(f"{'attack':<{width}}" + "".join(f"{label:>{len(label) + 3}}" for _, label in COLUMNS))
    totals = dict.fromkeys((key for key, _ in COLUMNS), 0)
    for name, counts in rows.items():
        cells = []
        for key, label in COLUMNS:
            value = counts.get(key)
            totals[key] += value or 0
            cells.append(f"{'-' if value is None else value:>{len(label) + 3}}")
        print(f"{name:<{width}}" + "".join(cells))
    print(
        f"{'total':<{width}}"
        + "".join(f"{totals[key]:>{len(label) + 3}}" for key, label in COLUMNS)
    )
    bad = totals["tracebacks"] + totals["outside_writes"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".reliability")))
