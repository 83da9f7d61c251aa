"""The video FunctionTool: Wan 2.1 (not built yet) and ffmpeg motion between keyframes (the default).

uvicorn sparkle_motion.tools.videos_wan:app    python -m sparkle_motion.tools.videos_wan
"""

from ._module import ToolModule

TOOL_ID = "videos_wan"
_TOOL = ToolModule(TOOL_ID)
create_app, main, __getattr__ = _TOOL.exports(__name__)

if __name__ == "__main__":
    main()
