"""An executed notebook as a person sees it: nbconvert's HTML (the lab template) with the
widgets' state the run left (nbclient stores it in the notebook's metadata), rendered by
headless Chromium with the ipywidgets HTML manager and require.js loaded from
build/widgets-js (`make widgets-js`, from the npm registry), never from a CDN.

    html = notebook_html(nb, SHOTS / "notebook.html")
    seen = screenshot(browser, html, SHOTS / "notebook.png", cells=(3, 5), allow=(api,))
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.conftest import REPO

WIDGETS_JS = REPO / "build" / "widgets-js"
EMBED_AMD = WIDGETS_JS / "html-manager" / "dist" / "embed-amd.js"
REQUIRE_JS = WIDGETS_JS / "requirejs" / "require.js"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# the AMD modules embed-amd.js defines (all inline: none is fetched) and, under dist/, the
# file each is named as: its webpack code finds its fonts beside that address
MODULES = {
    "@jupyter-widgets/base": "base",
    "@jupyter-widgets/controls": "controls",
    "@jupyter-widgets/base7": "base7",
    "@jupyter-widgets/controls7": "controls7",
    "@jupyter-widgets/html-manager": "html-manager",
    "@jupyter-widgets/html-manager/dist/libembed-amd": "libembed-amd",
}


def notebook_html(nb: Any, dest: Path) -> Path:
    """The executed notebook `nb` as one HTML file at `dest`, its widgets' state embedded
    and the scripts that draw them local files."""
    missing = [p for p in (EMBED_AMD, REQUIRE_JS) if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"{missing[0]} is missing: `make widgets-js` unpacks it")
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE)
    if not state or not state.get("state"):
        raise AssertionError("the executed notebook holds no widget state (store_widget_state)")
    try:
        from nbconvert import HTMLExporter
    except ImportError:
        raise AssertionError("nbconvert is missing: `make setup` installs the dev extra") from None

    exporter = HTMLExporter(
        template_name="lab",
        require_js_url=REQUIRE_JS.as_uri(),
        widget_renderer_url=EMBED_AMD.as_uri(),
        mathjax_url="",  # nothing in this notebook is TeX: no script from elsewhere
    )
    body, _ = exporter.from_notebook_node(nb)
    # Each module finds its fonts (Font Awesome: the buttons' icons) beside the address
    # require.js gives it: by default one relative to the page (a CDN's folder layout)
    dist = EMBED_AMD.parent.as_uri() + "/"
    paths = {name: dist + base for name, base in MODULES.items()}
    config = f"<script>require.config({{paths: {json.dumps(paths)}}});</script>"
    tag = f'<script src="{REQUIRE_JS.as_uri()}"></script>'
    assert body.count(tag) == 1, "nbconvert's template no longer loads require.js as it did"
    body = body.replace(tag, tag + "\n" + config, 1)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(body, encoding="utf-8")
    return dest


def screenshot(
    browser: Any,
    html: Path,
    png: Path,
    *,
    cells: tuple[int, int] | None = None,
    allow: tuple[str, ...] = (),
    width: int = 1100,
) -> dict[str, Any]:
    """Open `html` in `browser` (Playwright's Chromium), wait until every widget view is
    drawn and every image and video shown has loaded, and save a screenshot to `png`: of
    the notebook's cells `cells[0]` to `cells[1]` (indexes in nb.cells), else the whole
    page. Requests other than file:// and the `allow` prefixes are refused and listed.
    What the page showed: the views drawn, the tabs' titles, the videos, its text, the
    requests refused, the page's errors."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    refused: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file://", "data:", "blob:", *allow)):
            r.continue_()
        else:
            refused.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(html.as_uri())
        views = page.locator(f'script[type="{WIDGET_VIEW}"]').count()
        # the HTML manager puts each view it drew in a .widget-subarea beside its script
        page.wait_for_function(
            "n => document.querySelectorAll('.widget-subarea > *').length >= n",
            arg=views,
            timeout=30_000,
        )
        page.wait_for_function(
            "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)",
            timeout=30_000,
        )
        # a frame of each film shown, as after a click on its timeline (a video never
        # played shows an empty box), and no loading spinner over it
        page.evaluate(
            """() => Promise.all([...document.querySelectorAll('video')].map(v =>
                new Promise((done, fail) => {
                    const seek = () => {
                        v.addEventListener('seeked', done, {once: true});
                        v.currentTime = Math.min(1, v.duration / 2);
                    };
                    v.addEventListener('error', () => fail(new Error('video: ' + v.src)));
                    if (v.readyState >= 1) seek();
                    else v.addEventListener('loadedmetadata', seek, {once: true});
                })))""",
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('video')].every(v => v.readyState >= 3)",
            timeout=30_000,
        )
        for video in page.locator("video").all():
            wait_until_still(page, video)
        seen = page.evaluate(
            """() => ({
                cells: document.querySelectorAll('.jp-Cell').length,
                drawn: document.querySelectorAll('.widget-subarea > *').length,
                tabs: [...document.querySelectorAll('.lm-TabBar-tabLabel')]
                    .map(t => t.textContent),
                videos: [...document.querySelectorAll('video')].map(v => ({
                    src: v.currentSrc.slice(0, 40), width: v.videoWidth,
                    height: v.videoHeight, duration: v.duration})),
                text: document.body.innerText,
            })"""
        )
        clip = None
        if cells is not None:
            clip = page.evaluate(
                """([i, j]) => {
                    const all = document.querySelectorAll('.jp-Cell');
                    const a = all[i].getBoundingClientRect();
                    const b = all[j].getBoundingClientRect();
                    return {x: 0, y: a.top + window.scrollY, width: window.innerWidth,
                            height: b.bottom - a.top};
                }""",
                list(cells),
            )
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=png, full_page=True, clip=clip)
    finally:
        context.close()
    return {**seen, "views": views, "refused": refused, "errors": errors}


def wait_until_still(page: Any, element: Any, *, timeout_s: float = 10.0) -> None:
    """Until two pictures of `element` 0.25 s apart are the same: a player's controls
    turn a loading spinner for a moment after the frame is there."""
    deadline = time.monotonic() + timeout_s
    last = element.screenshot()
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = element.screenshot()
        if now == last:
            return
        last = now
    raise AssertionError(f"{element} still moves after {timeout_s:g} s")
