"""FunctionTool `videos_wan`: the app lives in the package, `sparkle_motion.tools.videos_wan`
(so a wheel install serves it too); this file only exposes it.

    uvicorn --app-dir function_tools/videos_wan entrypoint:app     python function_tools/videos_wan/entrypoint.py
"""

from sparkle_motion.tools.videos_wan import __getattr__, create_app, main  # noqa: F401  (`app`)

if __name__ == "__main__":
    main()
