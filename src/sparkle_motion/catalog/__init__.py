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
    its backend when the catalog places it there."""
    from ..adapters.registry import adapter_name_for, named_for

    name = adapter_name_for(step, profile)
    where = placement(name, settings)
    if where.url is None:
        return named_for(name, step, profile)
    from ..tokens import api_token
    from .remote import RemoteAdapter

    token = api_token(settings)
    with _LOCK:
        key = (name, where.url, token)
        if key not in _REMOTES:
            _REMOTES[key] = RemoteAdapter(where, settings, token)
        return _REMOTES[key]
