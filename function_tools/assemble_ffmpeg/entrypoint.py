"""FunctionTool `assemble_ffmpeg`: the app lives in the package, `sparkle_motion.tools.assemble_ffmpeg`
(so a wheel install serves it too); this file only exposes it.

    uvicorn --app-dir function_tools/assemble_ffmpeg entrypoint:app     python function_tools/assemble_ffmpeg/entrypoint.py
"""

from sparkle_motion.tools.assemble_ffmpeg import __getattr__, create_app, main  # noqa: F401  (`app`)

if __name__ == "__main__":
    main()
