"""FunctionTool `videos_wan`: the app lives in the package, `sparkle_motion.tools.videos_wan`
(so a wheel install serves it too); this file only exposes it.

    uvicorn --app-dir function_tools/videos_wan entrypoint:app     python function_tools/videos_wan/entrypoint.py
"""

from __future__ import annotations

from typing import Any

from sparkle_motion.tools import videos_wan as _tool

create_app = _tool.create_app
main = _tool.main


def __getattr__(name: str) -> Any:
    return getattr(_tool, name)  # `app`, built on first use


if __name__ == "__main__":
    main()
