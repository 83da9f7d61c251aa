"""FunctionTool `script_agent`: the app lives in the package, `sparkle_motion.tools.script_agent`
(so a wheel install serves it too); this file only exposes it.

    uvicorn --app-dir function_tools/script_agent entrypoint:app     python function_tools/script_agent/entrypoint.py
"""

from sparkle_motion.tools.script_agent import __getattr__, create_app, main  # noqa: F401  (`app`)

if __name__ == "__main__":
    main()
