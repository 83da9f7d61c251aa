"""The FunctionTools as the rest of the package sees them: their metadata (tool_specs.py),
where each backend runs (where.py, configs/tool_registry.yaml), the HTTP transport that
renders a step in a tool process (remote.py over wire.py), and `adapter_for`, the one
place a stage asks for the adapter of a step."""

from __future__ import annotations

import threading

from ..adapters.base import Adapter
from ..config import Settings
from ..schemas import RenderProfile, Step
from .where import placement

_REMOTES: dict[tuple[str, str, str], Adapter] = {}
_LOCK = threading.Lock()


def adapter_for(step: Step, profile: RenderProfile, settings: Settings) -> Adapter:
    """The adapter for `step`: in-process, or the HTTP transport to the tool that serves
    its backend when the catalog places it there. A stage policy (`tts_stage`) gets its
    candidates the same way, and so do the stage's fallback backends (the profile's
    `fallbacks`, the run's `--fallback`: adapters/fallback.py)."""
    from ..adapters.registry import adapter_name_for, with_fallbacks
    from ..config import fallback_overrides

    def resolve(name: str) -> Adapter:
        return backend(name, step, profile, settings)

    adapter = resolve(adapter_name_for(step, profile))
    bound = getattr(adapter, "bound", None)
    if callable(bound):
        adapter = bound(profile, resolve)
    return with_fallbacks(adapter, step, profile, resolve, fallback_overrides(settings))


def backend(name: str, step: Step, profile: RenderProfile, settings: Settings) -> Adapter:
    """Backend `name` for `step`, where the catalog places it."""
    from ..adapters.registry import named_for

    where = placement(name, settings)
    from ..tokens import api_token

    if where.url is None:
        from .on_demand import OnDemand, needs_own_environment

        tool = needs_own_environment(name, settings)
        local = named_for(name, step, profile)
        if tool is None:
            return local
        # its code lives in its tool's own environment: that tool, started on first use
        with _LOCK:
            key = (name, f"on-demand:{tool}", api_token(settings))
            if key not in _REMOTES:
                _REMOTES[key] = OnDemand(local, tool, settings, api_token(settings))
            return _REMOTES[key]
    from .remote import RemoteAdapter

    token = api_token(settings)
    with _LOCK:
        key = (name, where.url, token)
        if key not in _REMOTES:
            _REMOTES[key] = RemoteAdapter(where, settings, token)
        return _REMOTES[key]
