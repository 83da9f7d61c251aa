"""The Colab notebook run headless (nbclient, a kernel of this environment's Python)
against the shared live `sparkle-motion serve`: it starts a preview film from an idea,
its panel ends `finished`, and its Final Video cell shows a player whose source is the
film's signed URL, whose bytes have the manifest's sha256."""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
import time
from pathlib import Path

import httpx
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "sparkle_motion_colab.ipynb"
IDEA = "a paper boat sails down a rainy street"

pytestmark = pytest.mark.slow


def kernel_of_this_python(folder: Path) -> str:
    """A kernelspec running this test's interpreter (the checkout's .venv), whatever
    `python` means on PATH: found through JUPYTER_PATH."""
    spec = folder / "kernels" / "sparkle-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "sparkle-motion (test)",
                "language": "python",
            }
        )
    )
    return "sparkle-test"


def outputs(cell) -> list[dict]:
    return [dict(o) for o in cell.get("outputs", [])]


def text_of(cell) -> str:
    return "".join(o.get("text", "") for o in outputs(cell) if o["output_type"] == "stream")


def test_the_notebook_makes_a_film_from_an_idea(dashboard_serve, tmp_path, monkeypatch):
    serve = dashboard_serve
    kernel = kernel_of_this_python(tmp_path / "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("SPARKLE_API_URL", serve.api)
    monkeypatch.setenv("SPARKLE_API_TOKEN", serve.token)
    monkeypatch.setenv("SPARKLE_NOTEBOOK_IDEA", IDEA)
    monkeypatch.setenv("SPARKLE_NOTEBOOK_TIMEOUT_S", "240")
    monkeypatch.delenv("SPARKLE_RUN_ID", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    before = _run_ids(serve)
    started = time.monotonic()
    try:
        NotebookClient(
            nb,
            kernel_name=kernel,
            timeout=300,
            resources={"metadata": {"path": str(tmp_path)}},
        ).execute()
    finally:
        ours = _wait_for_runs_to_end(serve, _run_ids(serve) - before)  # the server is shared
    took = time.monotonic() - started
    assert len(ours) == 1, ours
    (run_id,) = ours
    code = [c for c in nb.cells if c.cell_type == "code"]

    # the kernel is this environment's
    assert sys.executable in text_of(code[0])
    # the panel's cell: the run it started ended finished, and the panel was displayed
    panel_cell = next(c for c in code if "ControlPanel(" in c.source)
    assert f"run {run_id}: finished" in text_of(panel_cell), text_of(panel_cell)
    assert any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs(panel_cell)
    )
    # the Final Video cell: a player on the film's signed URL, and a download link
    final_cell = next(c for c in code if "show_final_video(" in c.source)
    shown = "".join(o.get("data", {}).get("text/html", "") for o in outputs(final_cell))
    (src,) = re.findall(r'<video src="([^"]+)"', shown)
    src = html.unescape(src)
    assert src.startswith(f"{serve.api}/files/") and "sig=" in src
    assert f'download="{run_id}-film.mp4"' in shown
    with serve.client() as client:
        film = client.get("/status", params={"run_id": run_id}).json()["film"]
    body = httpx.get(src, timeout=30, trust_env=False)  # signed: no token sent
    assert body.status_code == 200
    assert hashlib.sha256(body.content).hexdigest() == film["checksum_sha256"]
    assert film["resolution_px"] == "256x144"
    print(f"notebook: {took:.1f} s")


def _run_ids(serve) -> set[str]:
    with serve.client() as client:
        return {r["run_id"] for r in client.get("/runs", params={"limit": 500}).json()}


def _wait_for_runs_to_end(serve, run_ids: set[str], timeout_s: float = 240) -> set[str]:
    """Until each of `run_ids` ended and its process is gone (stopped if it will not):
    the next test on this server finds it idle."""
    deadline = time.monotonic() + timeout_s
    with serve.client() as client:
        for run_id in sorted(run_ids):
            while True:
                status = client.get("/status", params={"run_id": run_id}).json()
                ended = status["status"] in (
                    "succeeded",
                    "failed",
                    "stopped",
                    "rejected",
                    "crashed",
                )
                if ended and not status["owner"]["alive"]:
                    break
                if time.monotonic() > deadline:
                    client.post("/stop", json={"run_id": run_id})
                    raise AssertionError(f"run {run_id} did not end: {status['status']}")
                time.sleep(0.5)
    return run_ids
