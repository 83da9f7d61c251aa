"""FunctionTool `images_sdxl`: the app lives in the package, `sparkle_motion.tools.images_sdxl`
(so a wheel install serves it too); this file only exposes it.

    uvicorn --app-dir function_tools/images_sdxl entrypoint:app     python function_tools/images_sdxl/entrypoint.py
"""

from sparkle_motion.tools.images_sdxl import __getattr__, create_app, main  # noqa: F401  (`app`)

if __name__ == "__main__":
    main()
