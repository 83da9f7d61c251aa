"""What each `sparkle_motion.tools.<tool>` module is: `create_app(settings=None, token=None)`,
a lazily built `app` (for `uvicorn sparkle_motion.tools.<tool>:app`) and `main()`, which
serves it on 127.0.0.1 at the tool.yaml's default port."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI

from ..config import Settings, get_settings


class ToolModule:
    def __init__(self, tool_id: str) -> None:
        self.tool_id = tool_id
        self._app: FastAPI | None = None
        self._lock = threading.Lock()

    def create_app(self, settings: Settings | None = None, *, token: str | None = None) -> FastAPI:
        from .factory import create_tool_app

        return create_tool_app(self.tool_id, settings or get_settings(), token=token)

    def exports(self, module: str) -> tuple[Any, Any, Any]:
        """What a tool module binds: `create_app, main, __getattr__ = ...exports(__name__)`."""
        return self.create_app, self.main, lambda name: self.attr(module, name)

    def attr(self, module: str, name: str) -> Any:
        """The module's `__getattr__`: `app`, built on first use with the process settings."""
        if name != "app":
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        with self._lock:
            if self._app is None:
                self._app = self.create_app()
            return self._app

    def main(self, port: int | None = None) -> None:
        """Serve the tool on 127.0.0.1 (its tool.yaml's default port unless `port`)."""
        import uvicorn

        from ..catalog.tool_specs import load_tool_spec

        where = port or load_tool_spec(self.tool_id).default_port
        uvicorn.run(self.create_app(), host="127.0.0.1", port=where, log_level="warning")
