"""One process `sparkle-motion serve` starts: it reads (name, host, port, settings, token)
pickled on stdin and serves the production API (`api`) or that FunctionTool with uvicorn.
SIGTERM ends it the way Ctrl-C ends uvicorn (it stops taking requests and exits)."""

from __future__ import annotations

import pickle
import sys


def main() -> None:
    name, host, port, settings, token = pickle.load(sys.stdin.buffer)
    import uvicorn

    from ..config import use_settings

    use_settings(settings)
    if name == "api":
        from ..server.app import create_production_app

        app = create_production_app(settings, token=token)
    else:
        from ..tools.factory import create_tool_app

        app = create_tool_app(name, settings, token=token)
    uvicorn.run(app, host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
