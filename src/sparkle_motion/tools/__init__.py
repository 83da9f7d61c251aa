"""The FunctionTools: one FastAPI app per heavy-backend process, all from one factory
(`factory.create_tool_app`) driven by `function_tools/<tool>/tool.yaml`, the stage table
and the adapter registry. `sparkle_motion.tools.<tool>` exposes each (`create_app`, a lazy
`app`, `main`); the catalog that maps a backend to in-process or a URL is to come."""

from ..catalog.tool_specs import TOOL_IDS

__all__ = ["TOOL_IDS"]
