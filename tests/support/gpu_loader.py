"""Child process for the GPU lease test with a real pipeline: takes the lease (waiting at
most TIMEOUT_S), loads the SDXL pipeline from WEIGHTS, says so, gives the lease back.

    python -m tests.support.gpu_loader ROOT WEIGHTS TIMEOUT_S

Prints `loaded <pid>`, or `busy <error type>` when the lease could not be taken.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sparkle_motion.adapters.gpu import GpuLease
from sparkle_motion.errors import GpuLeaseError


def main() -> int:
    root, weights, timeout_s = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    try:
        held = GpuLease(root=root, ttl_s=30, poll_s=0.05).acquire("video", timeout_s=timeout_s)
    except GpuLeaseError as exc:
        print(f"busy {type(exc).__name__}", flush=True)
        return 1
    from diffusers import StableDiffusionXLPipeline

    StableDiffusionXLPipeline.from_pretrained(weights, local_files_only=True)
    print(f"loaded {os.getpid()}", flush=True)
    held.release()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
