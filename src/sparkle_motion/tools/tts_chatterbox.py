"""The speech FunctionTool: Chatterbox (not built yet; its own venv); piper and espeak on request.

uvicorn sparkle_motion.tools.tts_chatterbox:app    python -m sparkle_motion.tools.tts_chatterbox
"""

from __future__ import annotations

from typing import Any

from ._module import ToolModule

TOOL_ID = "tts_chatterbox"
_TOOL = ToolModule(TOOL_ID)
create_app = _TOOL.create_app
main = _TOOL.main


def __getattr__(name: str) -> Any:
    return _TOOL.attr(__name__, name)


if __name__ == "__main__":
    main()
