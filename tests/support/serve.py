"""`sparkle-motion serve` for real, in a state home of its own on free loopback ports:
the production API and the tools it is asked to start, each its own process.

    serve = start_serve(root, tools=("images_sdxl",), preview_size=(320, 180))
    with serve.client() as client: ...
    serve.stop()
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from sparkle_motion.resources import configs_dir
from tests.support.cli import CLI, cli_env


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@dataclass
class Serve:
    root: Path
    process: subprocess.Popen[str]
    api: str
    tools: dict[str, str]
    token: str
    pids: dict[str, int]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.api, headers=self.auth, timeout=30, trust_env=False)

    def output(self) -> str:
        return (self.root / "serve.out").read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)


def start_serve(
    root: Path,
    *,
    tools: tuple[str, ...] = (),
    preview_size: tuple[int, int] | None = None,
    **env: str,
) -> Serve:
    """Serve from `root` (its state home) with a copy of the configs whose catalog puts
    each tool on a free port; `preview_size` shrinks the preview profile's frames (a fast
    film); `env` is added to the server's environment."""
    api_port, *ports = free_ports(1 + 8)
    configs = root / "configs"
    shutil.copytree(configs_dir(), configs)
    catalog = yaml.safe_load((configs / "tool_registry.yaml").read_text())
    catalog["tools"] = {
        t: f"http://127.0.0.1:{p}" for t, p in zip(catalog["tools"], ports, strict=False)
    }
    (configs / "tool_registry.yaml").write_text(yaml.safe_dump(catalog))
    if preview_size is not None:
        profiles = yaml.safe_load((configs / "render_profiles.yaml").read_text())
        preview = profiles["profiles"]["preview"]
        preview["width"], preview["height"] = preview_size
        (configs / "render_profiles.yaml").write_text(yaml.safe_dump(profiles, sort_keys=False))
    environ = cli_env(root, SPARKLE_CONFIGS_DIR=str(configs), SPARKLE_TOOL_WAIT_S="60", **env)
    out = (root / "serve.out").open("w")
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(api_port), "--tools", ",".join(tools)],
        cwd=root,
        env=environ,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out.close()  # the child has its own copy
    deadline = time.monotonic() + 120
    text = ""
    while "ready (" not in text:
        assert process.poll() is None, (root / "serve.out").read_text()
        assert time.monotonic() < deadline, "serve did not get ready"
        time.sleep(0.2)
        text = (root / "serve.out").read_text()
    pids = {
        name: int(pid) for name, pid in re.findall(r"(\w+) (\d+)[,)]", text.split("ready (")[1])
    }
    return Serve(
        root,
        process,
        f"http://127.0.0.1:{api_port}",
        {t: catalog["tools"][t] for t in tools},
        (root / "api_token").read_text().strip(),
        pids,
    )


def processes_of(root: Path) -> list[int]:
    """Every live process whose environment names this state home."""
    needle = f"SPARKLE_HOME={root}".encode() + b"\0"
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if needle in (proc / "environ").read_bytes() + b"\0":
                found.append(int(proc.name))
        except OSError:
            continue
    return found
