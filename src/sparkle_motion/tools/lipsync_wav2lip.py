"""The lip-sync FunctionTool: Wav2Lip, in its own environment (.venv-lipsync, make setup-lipsync).

uvicorn sparkle_motion.tools.lipsync_wav2lip:app    python -m sparkle_motion.tools.lipsync_wav2lip
"""

from ._module import ToolModule

TOOL_ID = "lipsync_wav2lip"
_TOOL = ToolModule(TOOL_ID)
create_app, main, __getattr__ = _TOOL.exports(__name__)

if __name__ == "__main__":
    main()
