"""Child process for the kill test: appends numbered memory events forever, printing
'<id> <seq>' only after each write has committed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sparkle_motion.storage.db import Database
from sparkle_motion.storage.memory_log import MemoryLog


def main() -> None:
    db = Database(Path(sys.argv[1]))
    log = MemoryLog(db)
    row = db.query_one("SELECT payload FROM memory_events ORDER BY id DESC LIMIT 1")
    seq = json.loads(row[0])["seq"] + 1 if row else 0
    while True:
        event_id = log.write("run-kill", "tick", {"seq": seq, "pad": "x" * 200})
        sys.stdout.write(f"{event_id} {seq}\n")
        sys.stdout.flush()
        seq += 1


if __name__ == "__main__":
    main()
