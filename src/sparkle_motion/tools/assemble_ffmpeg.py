"""The assembly FunctionTool: clips, dialogue, music and subtitles into the film (ffmpeg).

uvicorn sparkle_motion.tools.assemble_ffmpeg:app    python -m sparkle_motion.tools.assemble_ffmpeg
"""

from ._module import ToolModule

TOOL_ID = "assemble_ffmpeg"
_TOOL = ToolModule(TOOL_ID)
create_app, main, __getattr__ = _TOOL.exports(__name__)

if __name__ == "__main__":
    main()
