"""The Colab notebook run headless (nbclient, a kernel of this environment's Python)
against the shared live `sparkle-motion serve`: it starts a preview film from an idea,
its panel ends `finished`, and its Final Video cell shows a player whose source is the
film's signed URL, whose bytes have the manifest's sha256. Then the notebook as a person
sees it: exported to HTML with the widgets' state the run left, drawn in Debian's headless
Chromium by the ipywidgets HTML manager (build/widgets-js, no CDN) and saved to
build/screenshots/notebook.png (docs/DASHBOARD.md shows it)."""

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

from tests.integration.test_web_page import ARGS, CHROMIUM, SHOTS
from tests.support.notebook_page import notebook_html, screenshot

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
            store_widget_state=True,  # for the page below
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

    # the notebook as a person sees it: exported with the widgets' state the run left and
    # drawn by Chromium with the HTML manager from build/widgets-js (nothing from a CDN);
    # the picture, from the panel's cell to the Final Video cell's, is docs/DASHBOARD.md's
    started = time.monotonic()
    page = notebook_html(nb, SHOTS / "notebook.html")
    assert serve.token not in page.read_text()  # the picture goes in the docs
    if not CHROMIUM.is_file():
        pytest.fail("Debian's chromium is missing: `make setup` installs it (scripts/apt_deps.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:  # of the server, only the film is asked for: through its signed URL
            seen = screenshot(
                browser,
                page,
                SHOTS / "notebook.png",
                cells=(nb.cells.index(panel_cell), nb.cells.index(final_cell)),
                allow=(f"{serve.api}/files/",),
            )
        finally:
            browser.close()
    assert not seen["refused"] and not seen["errors"], seen
    assert seen["cells"] == len(nb.cells)
    assert seen["views"] == seen["drawn"] == 1  # the panel, drawn
    (tab_model,) = [
        m["state"]
        for m in nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"].values()
        if m["model_name"] == "TabModel"
    ]
    assert seen["tabs"] == tab_model["titles"]  # as the kernel left them: each stage done
    assert all(re.fullmatch(r"\w+ (\d+)/\1", t) for t in seen["tabs"]), seen["tabs"]
    assert f"run\t{run_id}" in seen["text"] and "phase\tfinished" in seen["text"]
    # the panel's player (the film's bytes, through the kernel) and the Final Video cell's
    assert [(v["width"], v["height"]) for v in seen["videos"]] == [(256, 144)] * 2
    assert all(v["duration"] == pytest.approx(film["duration_s"], abs=0.1) for v in seen["videos"])
    print(f"notebook page: {time.monotonic() - started:.1f} s")


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
