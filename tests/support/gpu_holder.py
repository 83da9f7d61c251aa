"""Child process for the GPU lease tests: takes the lease, says so, holds it, gives it back.

    python -m tests.support.gpu_holder ROOT STAGE TTL_S [--hold-s S] [--exit-holding]

Prints `held <pid>` once it holds (heartbeating every TTL/4), then holds until a line
arrives on stdin (or for S seconds), releases and prints `released <wall time>`. With
`--exit-holding` it exits normally without releasing: the atexit hook must give it back.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sparkle_motion.adapters.gpu import GpuLease


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("stage")
    parser.add_argument("ttl_s", type=float)
    parser.add_argument("--hold-s", type=float, default=None)
    parser.add_argument("--exit-holding", action="store_true")
    args = parser.parse_args()

    lease = GpuLease("cuda:0", root=args.root, ttl_s=args.ttl_s, poll_s=0.05)
    held = lease.acquire(args.stage, timeout_s=10)
    print(f"held {os.getpid()}", flush=True)
    if args.exit_holding:
        return 0
    if args.hold_s is None:
        sys.stdin.readline()
    else:
        time.sleep(args.hold_s)
    held.release()
    print(f"released {time.time()!r}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
