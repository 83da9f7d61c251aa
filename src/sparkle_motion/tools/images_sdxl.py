"""The keyframes FunctionTool: SDXL (not built yet) and the procedural keyframes (the default).

uvicorn sparkle_motion.tools.images_sdxl:app    python -m sparkle_motion.tools.images_sdxl
"""

from ._module import ToolModule

TOOL_ID = "images_sdxl"
_TOOL = ToolModule(TOOL_ID)
create_app, main, __getattr__ = _TOOL.exports(__name__)

if __name__ == "__main__":
    main()
