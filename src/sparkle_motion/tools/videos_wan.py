"""The video FunctionTool: Wan 2.1 (not built yet) and ffmpeg motion between keyframes (the default).

uvicorn sparkle_motion.tools.videos_wan:app    python -m sparkle_motion.tools.videos_wan
"""

from __future__ import annotations

from typing import Any

from ._module import ToolModule

TOOL_ID = "videos_wan"
_TOOL = ToolModule(TOOL_ID)
create_app = _TOOL.create_app
main = _TOOL.main


def __getattr__(name: str) -> Any:
    return _TOOL.attr(__name__, name)


if __name__ == "__main__":
    main()
