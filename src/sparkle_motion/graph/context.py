"""What one run's nodes use besides the session: its settings and, for embedding and
tests, the adapter resolver and retry policy. Bound per run id, so two runs driven in one
process (the API server) never read each other's settings.

The run service binds a run's environment around the graph; a node looks it up by its
session id. `adk run` binds nothing: its nodes use the process settings (env, files) and
the adapter registry.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..adapters.base import Adapter
from ..config import Settings, get_settings
from ..runs.engine import RetryPolicy
from ..schemas import RunContext, Step

AdapterFor = Callable[[Step, RunContext], Adapter]


def catalog_adapters(settings: Settings) -> AdapterFor:
    """The adapter the run's render profile names for a step, in-process or in its tool's
    process as the catalog (configs/tool_registry.yaml) places it."""

    def adapter_for(step: Step, ctx: RunContext) -> Adapter:
        from ..catalog import adapter_for as placed

        return placed(step, ctx.render_profile, settings)

    return adapter_for


@dataclass(frozen=True)
class RunEnv:
    settings: Settings
    adapter_for: AdapterFor | None = None  # None: the catalog's (tests inject fakes)
    retry: RetryPolicy | None = None
    sleep: Callable[[float], None] | None = None

    def engine_options(self) -> dict[str, Any]:
        return {
            "adapter_for": self.adapter_for or catalog_adapters(self.settings),
            "retry": self.retry,
            **({"sleep": self.sleep} if self.sleep else {}),
        }


_BOUND: dict[str, RunEnv] = {}
_LOCK = threading.Lock()


@contextlib.contextmanager
def bind(run_id: str, env: RunEnv) -> Iterator[RunEnv]:
    """Inside the block, the nodes of run `run_id` (in this process) use `env`."""
    with _LOCK:
        previous = _BOUND.get(run_id)
        _BOUND[run_id] = env
    try:
        yield env
    finally:
        with _LOCK:
            if previous is None:
                _BOUND.pop(run_id, None)
            else:
                _BOUND[run_id] = previous


def bound(run_id: str) -> bool:
    """The run service drives this run here (it claimed the run before the graph ran)."""
    with _LOCK:
        return run_id in _BOUND


def env_of(run_id: str) -> RunEnv:
    """The environment bound to the run, else the process settings and the registry."""
    with _LOCK:
        found = _BOUND.get(run_id)
    return found or RunEnv(get_settings())
