"""The script FunctionTool: idea -> MoviePlan (the offline planner by default, or the LLM SCRIPT_AGENT_MODEL names).

uvicorn sparkle_motion.tools.script_agent:app    python -m sparkle_motion.tools.script_agent
"""

from ._module import ToolModule

TOOL_ID = "script_agent"
_TOOL = ToolModule(TOOL_ID)
create_app, main, __getattr__ = _TOOL.exports(__name__)

if __name__ == "__main__":
    main()
