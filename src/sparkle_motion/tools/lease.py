"""A tool's hold on the host's GPU lease (adapters/gpu.py; DESIGN section 6): taken before
a GPU backend runs (and loads its model), kept across the stage's invokes (one load, every
shot), given back on `POST /release`. A lease that cannot be taken raises its typed error
(`GpuLeaseError`, `GpuLeaseTimeoutError`), which the tool answers with `error.backend`."""

from __future__ import annotations

import threading
from typing import Any

from ..config import Settings

NOT_HELD = "none held"


class GpuLeaseSeam:
    def __init__(self, tool_id: str, stage: str, settings: Settings) -> None:
        self.tool_id, self.stage, self.settings = tool_id, stage, settings
        self._held: Any = None  # adapters.gpu.Lease while held
        self._lock = threading.Lock()

    @property
    def held(self) -> bool:
        return self._held is not None

    def take(self, backend: str) -> None:
        """Before a GPU backend runs. Idempotent while held."""
        from ..adapters.gpu import GpuLease

        with self._lock:
            if self._held is None:
                self._held = GpuLease(root=self.settings.home / "locks").acquire(self.stage)

    def give_back(self) -> str:
        """On POST /release, after the backends dropped their models: what happened."""
        with self._lock:
            if self._held is None:
                return NOT_HELD
            self._held.release()
            self._held = None
            return "released"
