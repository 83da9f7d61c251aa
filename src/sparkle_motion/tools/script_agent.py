"""The script FunctionTool: idea -> MoviePlan (the offline planner by default, or the LLM SCRIPT_AGENT_MODEL names).

uvicorn sparkle_motion.tools.script_agent:app    python -m sparkle_motion.tools.script_agent
"""

from __future__ import annotations

from typing import Any

from ._module import ToolModule

TOOL_ID = "script_agent"
_TOOL = ToolModule(TOOL_ID)
create_app = _TOOL.create_app
main = _TOOL.main


def __getattr__(name: str) -> Any:
    return _TOOL.attr(__name__, name)


if __name__ == "__main__":
    main()
