"""FunctionTool `lipsync_wav2lip`: the app lives in the package, `sparkle_motion.tools.lipsync_wav2lip`
(so a wheel install serves it too); this file only exposes it.

    uvicorn --app-dir function_tools/lipsync_wav2lip entrypoint:app     python function_tools/lipsync_wav2lip/entrypoint.py
"""

from sparkle_motion.tools.lipsync_wav2lip import __getattr__, create_app, main  # noqa: F401  (`app`)

if __name__ == "__main__":
    main()
