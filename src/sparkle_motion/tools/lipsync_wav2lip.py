"""The lip-sync FunctionTool: Wav2Lip (not built yet; its own venv).

uvicorn sparkle_motion.tools.lipsync_wav2lip:app    python -m sparkle_motion.tools.lipsync_wav2lip
"""

from __future__ import annotations

from typing import Any

from ._module import ToolModule

TOOL_ID = "lipsync_wav2lip"
_TOOL = ToolModule(TOOL_ID)
create_app = _TOOL.create_app
main = _TOOL.main


def __getattr__(name: str) -> Any:
    return _TOOL.attr(__name__, name)


if __name__ == "__main__":
    main()
