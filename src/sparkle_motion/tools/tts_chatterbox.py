"""The speech FunctionTool: Chatterbox (not built yet; its own venv); piper and espeak on request.

uvicorn sparkle_motion.tools.tts_chatterbox:app    python -m sparkle_motion.tools.tts_chatterbox
"""

from ._module import ToolModule

TOOL_ID = "tts_chatterbox"
_TOOL = ToolModule(TOOL_ID)
create_app, main, __getattr__ = _TOOL.exports(__name__)

if __name__ == "__main__":
    main()
