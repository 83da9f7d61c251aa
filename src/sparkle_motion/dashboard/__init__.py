"""The Colab / Jupyter control panel: a client of the production API (server/), never of
the run service directly, so a notebook drives a server on this machine or another.

    client.py   ApiClient: the routes as methods, the API's errors typed (DashboardApiError)
    state.py    panel_state(status, events): buttons, phase, banners, tabs' progress (pure)

Importing this package loads neither ipywidgets nor IPython (nor torch, nor ADK).
"""

from __future__ import annotations

from .client import ApiClient, ApiUnreachableError, DashboardApiError, resolve_token
from .state import TABS, Banner, Buttons, PanelState, panel_state

__all__ = [
    "TABS",
    "ApiClient",
    "ApiUnreachableError",
    "Banner",
    "Buttons",
    "DashboardApiError",
    "PanelState",
    "panel_state",
    "resolve_token",
]
