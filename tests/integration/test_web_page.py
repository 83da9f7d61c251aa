"""The web page at `/` of a live `sparkle-motion serve`, in Debian's headless Chromium
driven by Playwright: without a token it shows the login and no data; signed in, it
starts a preview film from an idea, pauses and resumes it, shows each stage's progress
advance, answers a keyframe review by clicking keyframes (one retaken, then all
approved), and plays the finished film, whose length is the manifest's. Screenshots go to
build/screenshots/ (docs/DASHBOARD.md shows them)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
# as the machine's notes say: no background connections (the network is closed), a fresh
# profile, and media that may play without a click
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
SHOTS = REPO / "build" / "screenshots"
IDEA = "Two old friends, Marta and Leo, argue over a chess game in a cafe at night"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail("Debian's chromium is missing: `make setup` installs it (scripts/apt_deps.sh)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.add_init_script("window.$ = (id) => document.getElementById(id)")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    # a 401 while signing in with a wrong token, and a 409 while the process that stopped
    # at a review lets go of the run (the page asks again), are the page at work
    assert not [e for e in errors if "401" not in e and "409" not in e], errors


def test_without_a_token_the_page_shows_the_login_and_no_data(dashboard_serve, page):
    page.goto(dashboard_serve.api + "/")
    page.wait_for_selector("#login:not([hidden])")
    assert page.is_hidden("#app")
    assert page.locator("#runs li").count() == 0
    page.fill("#token", "not-the-token")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:text('did not accept')")
    assert page.is_hidden("#app")
    page.screenshot(path=SHOTS / "login.png")
    # the page itself holds no run data: the JSON API still wants the token
    assert httpx.get(dashboard_serve.api + "/runs", trust_env=False).status_code == 401


def status_of(serve, run_id: str) -> dict:
    with serve.client() as client:
        return client.get("/status", params={"run_id": run_id}).json()


def overall(page) -> int:
    return int(re.sub(r"\D", "", page.eval_on_selector("#overall", "e => e.style.width")) or 0)


def test_a_film_made_from_the_page(dashboard_serve, page):
    serve = dashboard_serve
    # into a file (not a terminal) serve prints the page, not the token; on a terminal the
    # link carries it in its fragment, as here
    assert f"dashboard: open {serve.api}/ in a browser" in serve.output()
    assert serve.token not in serve.output()
    page.goto(f"{serve.api}/#token={serve.token}")
    page.wait_for_selector("#app:not([hidden])")
    assert "token" not in page.url  # taken out of the address bar at once
    page.click("#new-film")
    page.fill("#idea", IDEA)
    page.check("input[name=review][value=keyframes]")
    page.click("#estimate")
    page.wait_for_function("() => /\\d+ steps/.test($('estimate-out').textContent)")
    page.click("#start-run")
    page.wait_for_url(re.compile(r"#run=.+"))
    run_id = page.url.split("#run=")[1]

    # pause at once (it settles after the step under way), then resume
    page.wait_for_selector("#pause:enabled", timeout=30_000)
    page.click("#pause")
    page.wait_for_selector("#run-status.paused", timeout=60_000)
    paused_at = overall(page)
    assert page.is_enabled("#resume") and page.is_disabled("#pause")
    page.screenshot(path=SHOTS / "paused.png")
    page.click("#resume")

    # the keyframe review: progress advanced to it; one keyframe is clicked for a retake
    page.wait_for_selector(".banner.review .tile img", timeout=120_000)
    assert overall(page) > paused_at
    assert page.is_enabled("#stop") and page.is_disabled("#resume")
    first = status_of(serve, run_id)["reviews"][0]
    tiles = page.locator(".banner.review .tile")
    assert tiles.count() == len(first["keyframes"]) > 1
    page.wait_for_function(  # the thumbnails loaded through their signed URLs
        "() => [...document.querySelectorAll('.banner.review .tile img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=SHOTS / "review.png", full_page=True)
    tiles.nth(1).click()
    assert page.text_content("#reject") == "Retake 1"
    page.fill("#review-note", "warmer light")
    page.click("#reject")

    # the retake comes back for review: approved
    page.wait_for_function(
        "id => document.getElementById('banners').dataset.review"
        " && document.getElementById('banners').dataset.review !== id",
        arg=str(first["request_id"]),
        timeout=120_000,
    )
    page.click("#approve")

    # the film: played in the page, as long as the manifest says
    page.wait_for_selector("#film:not([hidden])", timeout=180_000)
    page.wait_for_selector("#run-status.succeeded", timeout=30_000)
    film = status_of(serve, run_id)["film"]
    duration = page.evaluate(
        """() => new Promise(done => {
            const v = document.getElementById('film-video');
            if (v.readyState >= 1) done(v.duration);
            else v.addEventListener('loadedmetadata', () => done(v.duration));
        })"""
    )
    assert duration == pytest.approx(film["duration_s"], abs=0.1)
    played = page.evaluate(
        """() => document.getElementById('film-video').play().then(() => 'playing', e => e.name)"""
    )
    assert played == "playing"
    page.wait_for_function("() => document.getElementById('film-video').currentTime > 0.3")
    page.evaluate("() => document.getElementById('film-video').pause()")
    link = page.get_attribute("#film-download", "href")  # signed: no token needed
    got = httpx.get(serve.api + link, trust_env=False)
    assert got.status_code == 200
    assert hashlib.sha256(got.content).hexdigest() == film["checksum_sha256"]
    page.screenshot(path=SHOTS / "film.png", full_page=True)

    # each stage's assets: the contact sheet, a player per line, a clip per shot
    page.click("[data-tab=base_images]")
    assert page.locator("[data-pane=base_images] img").count() >= 2
    page.screenshot(path=SHOTS / "keyframes.png", full_page=True)
    page.click("[data-tab=dialogue_audio]")
    lines = page.locator("[data-pane=dialogue_audio] audio")
    assert lines.count() >= 1
    page.click("[data-tab=video]")
    assert page.locator("[data-pane=video] video").count() >= 2
    # the runs list has it, finished
    page.wait_for_selector(f"#runs a[data-run='{run_id}'] .dot.succeeded")
    # the clicks were recorded as the audit trail's qa_manual_review events
    url = serve.api + status_of(serve, run_id)["events_url"]
    with httpx.stream("GET", url, timeout=60, trust_env=False) as stream:  # signed: no token
        events = [json.loads(x[5:]) for x in stream.iter_lines() if x.startswith("data:")]
    answers = [e["payload"] for e in events if e.get("type") == "qa_manual_review"]
    assert [(a["decision"], a.get("keyframes"), a.get("note")) for a in answers] == [
        ("reject", [1], "warmer light"),
        ("approve", [], None),
    ], answers
