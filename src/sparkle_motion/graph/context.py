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


def registry_adapter(step: Step, ctx: RunContext) -> Adapter:
    """The adapter the run's render profile names for the step (adapters.registry)."""
    from ..adapters.registry import adapter_for

    return adapter_for(step, ctx.render_profile)


@dataclass(frozen=True)
class RunEnv:
    settings: Settings
    adapter_for: Callable[[Step, RunContext], Adapter] = registry_adapter
    retry: RetryPolicy | None = None
    sleep: Callable[[float], None] | None = None

    def engine_options(self) -> dict[str, Any]:
        return {
            "adapter_for": self.adapter_for,
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
