"""The keyframes FunctionTool: SDXL (not built yet) and the procedural keyframes (the default).

uvicorn sparkle_motion.tools.images_sdxl:app    python -m sparkle_motion.tools.images_sdxl
"""

from __future__ import annotations

from typing import Any

from ._module import ToolModule

TOOL_ID = "images_sdxl"
_TOOL = ToolModule(TOOL_ID)
create_app = _TOOL.create_app
main = _TOOL.main


def __getattr__(name: str) -> Any:
    return _TOOL.attr(__name__, name)


if __name__ == "__main__":
    main()
