"""The Colab / Jupyter control panel: a client of the production API (server/), never of
the run service directly, so a notebook drives a server on this machine or another.

    client.py   ApiClient: the routes as methods, the API's errors typed (DashboardApiError)
    state.py    panel_state(status, events): buttons, phase, banners, tabs' progress (pure)
    assets.py   tab_items(artifacts, tab): each tab's files by role (pure)
    panel.py    ControlPanel: the ipywidgets, polling, what each button sends
    final.py    show_final_video: the film in a cell (a player, a download; Colab's too)

Importing this package loads neither ipywidgets nor IPython (nor torch, nor ADK): the
panel imports ipywidgets when it is built, final.py IPython when it displays.
"""

from __future__ import annotations

from .client import ApiClient, ApiUnreachableError, DashboardApiError, resolve_token
from .final import FinalVideo, film_of, in_colab, show_final_video
from .panel import ControlPanel, PanelInputError
from .state import TABS, Banner, Buttons, PanelState, panel_state

__all__ = [
    "TABS",
    "ApiClient",
    "ApiUnreachableError",
    "Banner",
    "Buttons",
    "ControlPanel",
    "DashboardApiError",
    "FinalVideo",
    "PanelInputError",
    "PanelState",
    "film_of",
    "in_colab",
    "panel_state",
    "resolve_token",
    "show_final_video",
]
