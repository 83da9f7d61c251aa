"""FunctionTool `tts_chatterbox`: the app lives in the package, `sparkle_motion.tools.tts_chatterbox`
(so a wheel install serves it too); this file only exposes it.

    uvicorn --app-dir function_tools/tts_chatterbox entrypoint:app     python function_tools/tts_chatterbox/entrypoint.py
"""

from sparkle_motion.tools.tts_chatterbox import __getattr__, create_app, main  # noqa: F401  (`app`)

if __name__ == "__main__":
    main()
