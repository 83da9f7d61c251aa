"""The assembly FunctionTool: clips, dialogue, music and subtitles into the film (ffmpeg).

uvicorn sparkle_motion.tools.assemble_ffmpeg:app    python -m sparkle_motion.tools.assemble_ffmpeg
"""

from __future__ import annotations

from typing import Any

from ._module import ToolModule

TOOL_ID = "assemble_ffmpeg"
_TOOL = ToolModule(TOOL_ID)
create_app = _TOOL.create_app
main = _TOOL.main


def __getattr__(name: str) -> Any:
    return _TOOL.attr(__name__, name)


if __name__ == "__main__":
    main()
