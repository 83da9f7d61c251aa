"""FunctionTool `lipsync_wav2lip`: the app lives in the package, `sparkle_motion.tools.lipsync_wav2lip`
(so a wheel install serves it too); this file only exposes it.

    uvicorn --app-dir function_tools/lipsync_wav2lip entrypoint:app     python function_tools/lipsync_wav2lip/entrypoint.py
"""

from __future__ import annotations

from typing import Any

from sparkle_motion.tools import lipsync_wav2lip as _tool

create_app = _tool.create_app
main = _tool.main


def __getattr__(name: str) -> Any:
    return getattr(_tool, name)  # `app`, built on first use


if __name__ == "__main__":
    main()
