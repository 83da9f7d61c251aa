"""A FunctionTool process on a free loopback port, started from a given Python (a tool's
own environment: .venv-lipsync, .venv-chatterbox) as `serve` starts it
(`sparkle_motion.serving.child`, its settings pickled on stdin)."""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_tool(
    python: Path, tool: str, settings: Any, token: str, *, wait_s: float = 120
) -> tuple[str, subprocess.Popen[bytes]]:
    """The tool's URL once it answers /health, and its process (terminate it after)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SPARKLE_DOTENV": ""}
    port = free_port()
    child = subprocess.Popen(
        [str(python), "-m", "sparkle_motion.serving.child"],
        stdin=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    assert child.stdin is not None
    child.stdin.write(pickle.dumps((tool, "127.0.0.1", port, settings, token)))
    child.stdin.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_s
    while True:
        assert child.poll() is None, f"the {tool} tool exited"
        try:
            if httpx.get(f"{url}/health", timeout=2, trust_env=False).status_code == 200:
                return url, child
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"the {tool} tool did not start"
        time.sleep(0.5)
