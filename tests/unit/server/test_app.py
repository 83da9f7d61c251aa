"""The production API with FastAPI's test client: a run invoked over HTTP, followed through
/status and /events, its film downloaded through the signed URL with the manifest's
sha256; the one-job rule as 409; every route behind the token (generated from the app's
routes); a traversal corpus on the download route; hostile plans through POST /invoke
give 4xx, never 5xx; the status's estimate of the work left (the dry report's figure
before anything ran, 0 once done); a plan that reads an uploaded image."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from PIL import Image

from sparkle_motion.http.app import is_open
from sparkle_motion.server.app import create_production_app
from tests.conftest import make_settings
from tests.reliability.strategies import hostile_document
from tests.support.media import small_plan

TOKEN = "production-api-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    home = tmp_path_factory.mktemp("api-home")
    settings = make_settings(home=home, runs_dir=home / "runs", db_path=home / "s.db")
    app = create_production_app(settings, token=TOKEN)
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    return app, client, home


def _wait(client, run_id: str, done=("succeeded", "failed", "stopped")) -> dict:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        status = client.get("/status", params={"run_id": run_id}, headers=AUTH).json()
        if status["status"] in done and not status["owner"]["alive"]:
            return status
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish: {status}")


@pytest.fixture(scope="module")
def finished(api):
    """One run over HTTP: invoked, paused at once (a second invoke meanwhile is refused
    with 409), resumed, finished."""
    _, client, _ = api
    started = client.post(
        "/invoke", json={"plan": small_plan("short.json"), "run_id": "web1"}, headers=AUTH
    )
    assert started.status_code == 202, started.text
    paused = client.post("/pause", json={"run_id": "web1"}, headers=AUTH)
    second = client.post(
        "/invoke", json={"plan": small_plan("short.json"), "run_id": "web2"}, headers=AUTH
    )
    resumed = client.post("/resume", json={"run_id": "web1"}, headers=AUTH)
    return started.json(), paused, second, resumed, _wait(client, "web1")


def test_a_run_over_http_ends_with_a_film_that_downloads_whole(api, finished):
    _, client, home = api
    _started, paused, second, resumed, status = finished
    assert paused.status_code == 200 and paused.json()["requested"] == "pause"
    assert second.status_code == 409
    assert second.json()["error"]["type"] == "RunBusyError"
    assert second.json()["error"]["run_id"] == "web1"
    assert resumed.status_code == 202
    assert status["status"] == "succeeded" and status["failures"] == []
    assert {s["stage"] for s in status["steps"]} >= {"base_images", "video", "assemble"}
    listed = client.get("/artifacts", params={"run_id": "web1"}, headers=AUTH).json()
    final = listed["video_final"]
    assert "local_path" not in final and all("local_path" not in a for a in listed["artifacts"])
    assert str(home) not in json.dumps(listed)  # no folder of the server, metadata included
    film = client.get(final["download_url"])  # signed: no header needed
    assert film.status_code == 200
    assert hashlib.sha256(film.content).hexdigest() == final["checksum_sha256"]
    assert status["film"]["checksum_sha256"] == final["checksum_sha256"]
    # by role: a WAV per dialogue line, a clip per shot, the film, each downloadable
    assets = listed["assets"]
    lines = {
        s["step_id"].removeprefix("tts.") for s in status["steps"] if s["stage"] == "dialogue_audio"
    }
    assert lines and set(assets["line_artifacts"]) == lines
    shots = {s["step_id"].removeprefix("video.") for s in status["steps"] if s["stage"] == "video"}
    assert set(assets["shot_videos"]) == shots and assets["final"]["artifact_type"] == "video_final"
    wav = next(iter(assets["line_artifacts"].values()))
    assert client.get(wav["download_url"]).content[:4] == b"RIFF"


def test_events_stream_the_runs_progress_and_end(api, finished):
    _, client, _ = api
    url = finished[0]["events_url"]  # signed, like a browser's EventSource would use
    stream = client.get(url)
    assert stream.status_code == 200
    kinds = [
        line.split(": ", 1)[1] for line in stream.text.splitlines() if line.startswith("event:")
    ]
    assert "step_completed" in kinds and kinds[-1] == "end"
    first = json.loads(stream.text.split("data: ", 1)[1].split("\n", 1)[0])
    later = client.get("/events", params={"run_id": "web1", "after": first["id"]}, headers=AUTH)
    assert f"id: {first['id']}\n" not in later.text


def test_every_route_but_the_open_ones_needs_the_token(api, finished):
    app, client, _ = api
    for route in app.routes:
        path = route.path.replace("{encoded}", "eA")
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method == "HEAD" or is_open(path):
                continue
            for headers in ({}, {"Authorization": "Bearer nope"}):
                answer = client.request(method, path, headers=headers, params={"run_id": "web1"})
                assert answer.status_code == 401, (method, path, answer.text)
                assert "web1" not in answer.text


TRAVERSAL = [
    "../../etc/passwd",
    "artifact+fs://../../etc/passwd",
    "artifact+fs://web1/..%2F..%2Fetc%2Fpasswd",
    "artifact+fs://web1/%2e%2e/%2e%2e/etc/passwd",
    "artifact+fs://web1/%252e%252e/passwd",
    "artifact+fs://web1/..\\..\\etc\\passwd",
    "artifact+fs:///etc/passwd",
    "artifact+fs://web1/x\x00.mp4",
    "file:///etc/passwd",
    "/etc/passwd",
    "artifact+fs://web1/../../web2/x",
]


@pytest.mark.parametrize("uri", TRAVERSAL)
def test_no_byte_from_outside_the_artifact_root(api, finished, uri):
    _, client, home = api
    encoded = base64.urlsafe_b64encode(uri.encode()).decode().rstrip("=")
    raw = quote(uri, safe="/")  # the URI itself in the path, percent-encoded
    for path in (f"/files/{encoded}", f"/files/{raw}", f"/files/{encoded}%00"):
        answer = client.get(path, headers=AUTH)
        assert answer.status_code in (400, 404, 422), (uri, path, answer.status_code)
        assert b"root:" not in answer.content
    (home / "outside.txt").write_text("outside the root")
    link_target = base64.urlsafe_b64encode(str(home / "outside.txt").encode()).decode()
    assert client.get(f"/files/{link_target}", headers=AUTH).status_code in (400, 404, 422)


def test_a_plan_over_http_may_not_name_server_paths(api):
    _, client, _ = api
    plan = small_plan("short.json")
    plan["base_images"][0]["source"] = "kf.png"
    answer = client.post("/invoke", json={"plan": plan, "mode": "dry"}, headers=AUTH)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["type"] == "RunRequestError" and error["field"].startswith("plan.steps[")


def test_bad_requests_name_the_field(api):
    _, client, _ = api
    both = client.post("/invoke", json={"idea": "a cat", "plan": {}}, headers=AUTH)
    assert both.status_code == 422 and "exactly one of idea and plan" in both.text
    bad_id = client.post("/invoke", json={"idea": "a cat", "run_id": "../x"}, headers=AUTH)
    assert bad_id.status_code == 422 and bad_id.json()["error"]["field"] == "run_id"
    unknown = client.get("/status", params={"run_id": "nope"}, headers=AUTH)
    assert unknown.status_code == 404 and unknown.json()["error"]["type"] == "RunNotFoundError"
    extra = client.post("/stop", json={"run_id": "web1", "force": True}, headers=AUTH)
    assert extra.status_code == 422 and extra.json()["error"]["field"] == "force"


def test_an_idea_or_a_plan_that_breaks_the_rules_names_its_field_in_the_request(api):
    """Found by tests/unit/http/test_openapi_fuzz.py: an idea with a control character was a
    422 naming `description` and a blank one `<idea>` (fields of the plan written from it);
    a plan's own errors named their path inside the plan (`id`), not the request's field."""
    _, client, _ = api
    for idea, rule in (("a cat\x00", "control character"), (" \u200b", "visible")):
        answer = client.post("/invoke", json={"idea": idea, "mode": "dry"}, headers=AUTH)
        error = answer.json()["error"]
        assert answer.status_code == 422 and error["field"] == "idea", answer.text
        assert rule in error["message"]
    plan = small_plan("short.json")
    del plan["id"]
    plan["shots"][1]["duration_s"] = -1
    answer = client.post("/invoke", json={"plan": plan, "mode": "dry"}, headers=AUTH)
    error = answer.json()["error"]
    assert answer.status_code == 422 and error["field"] == "plan.id", answer.text
    assert error["message"].startswith("plan.id: ")
    assert all(i["path"].startswith("plan.") for i in error["issues"]), error["issues"]
    assert "plan.shots[1].duration_s" in [i["path"] for i in error["issues"]]
    rooted = client.post("/invoke", json={"plan": {"x": 1}, "mode": "dry"}, headers=AUTH)
    assert rooted.status_code == 422 and rooted.json()["error"]["field"].startswith("plan")


@hsettings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(document=hostile_document())
def test_hostile_plans_through_invoke_get_4xx_never_5xx(api, document):
    _, client, _ = api
    data = document.as_bytes()
    if document.fmt != "json":
        data = json.dumps(data.decode("utf-8", "replace")).encode()  # YAML text: a string
    body = b'{"mode": "dry", "plan": ' + data + b"}"
    answer = client.post(
        "/invoke", content=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert answer.status_code < 500, (document, answer.text[:2000])
    if answer.status_code >= 400:
        assert set(answer.json()["error"]) >= {"type", "message", "field"}
    assert Path("/etc/passwd").read_text() not in answer.text


def test_an_idea_is_prose_never_a_server_path_or_a_plan(api, tmp_path):
    _, client, _ = api
    elsewhere = tmp_path / "theirs.json"
    elsewhere.write_text(json.dumps(small_plan("short.json")))  # a plan file on the server
    for idea in (str(elsewhere), json.dumps(small_plan("short.json"))):
        answer = client.post("/invoke", json={"idea": idea, "mode": "dry"}, headers=AUTH)
        assert answer.status_code == 200, answer.text
        assert answer.json()["report"]["plan_id"] != "paper-boat"  # written from the text


def test_a_signed_event_url_is_for_its_own_run_only(api, finished):
    _, client, _ = api
    url = finished[0]["events_url"]
    assert url.startswith("/events/web1?")
    other = client.get(url.replace("/events/web1?", "/events/web2?"))
    assert other.status_code == 401 and other.json()["error"]["type"] == "BadSignature"


def test_a_finished_run_has_no_work_left(api, finished):
    status = finished[-1]
    assert status["eta_s"] == 0 and status["steps_left"] == 0
    durations = [s["duration_s"] for s in status["steps"] if s["duration_s"]]
    assert status["elapsed_s"] >= max(durations) > 0  # first start to last end


def test_eta_before_a_run_renders_is_the_dry_reports_estimate(api, finished, tmp_path):
    """A run waiting at its script review has rendered nothing: all its steps are left,
    at its adapters' estimates, which is what a dry run of the plan in an empty home sums."""
    _, client, home = api
    plan = small_plan("short.json")
    started = client.post(
        "/invoke", json={"plan": plan, "run_id": "web3", "review": ["script"]}, headers=AUTH
    )
    assert started.status_code == 202, started.text
    waiting = _wait(client, "web3", done=("awaiting_review",))
    fresh = make_settings(home=tmp_path, runs_dir=tmp_path / "runs", db_path=tmp_path / "s.db")
    other = TestClient(create_production_app(fresh, token=TOKEN), base_url="http://127.0.0.1").post(
        "/invoke", json={"plan": plan, "mode": "dry"}, headers=AUTH
    )
    report = other.json()["report"]
    assert not any(s["cached"] for s in report["steps"])
    assert waiting["steps_left"] == len(report["steps"]) == 9
    assert waiting["eta_s"] == pytest.approx(report["est_total_time_s"], abs=0.01)
    assert waiting["eta_s"] > 0 and waiting["elapsed_s"] is None  # no step started yet
    # each stage's share of the plan, and the buttons a dashboard shows
    by_stage = {}
    for step in report["steps"]:
        by_stage[step["stage"]] = by_stage.get(step["stage"], 0) + 1
    assert waiting["stage_totals"] == by_stage
    (script,) = waiting["reviews"]
    assert isinstance(script["request_id"], int) and script["keyframe_ids"] == []
    wanted = {"pause": False, "resume": False, "stop": True, "review": True}
    assert waiting["actions"] == wanted
    client.post("/review", json={"run_id": "web3", "decision": "approve"}, headers=AUTH)
    answered = client.get("/status", params={"run_id": "web3"}, headers=AUTH).json()
    assert answered["actions"] == {**wanted, "resume": True, "review": False}
    assert client.post("/resume", json={"run_id": "web3"}, headers=AUTH).status_code == 202
    done = _wait(client, "web3")
    assert done["status"] == "succeeded", done["failures"]
    assert (done["eta_s"], done["steps_left"]) == (0, 0)
    assert done["stage_totals"] == by_stage and not any(done["actions"].values())
    # the review's events name the plan file by no path of the server
    stream = client.get(started.json()["events_url"])
    assert "review_requested" in stream.text and str(home) not in stream.text


def test_a_plan_reads_an_uploaded_image(api, finished):
    """A colored 37x23 image is uploaded; a plan's custom step grades it (noir, full
    strength); the run's graded output is that image, in grey."""
    _, client, home = api
    picture = io.BytesIO()
    Image.new("RGB", (37, 23), (200, 40, 90)).save(picture, format="PNG")
    sent = client.post(
        "/artifacts", files={"file": ("photo.png", picture.getvalue(), "image/png")}, headers=AUTH
    )
    assert sent.status_code == 201, sent.text
    uri = sent.json()["uri"]
    plan = small_plan("short.json")
    plan["steps"] = [
        {
            "id": "grade",
            "type": "custom",
            "handler": "color_grade",
            "inputs": [uri],
            "opts": {"look": "noir", "strength": 1.0},
        }
    ]
    started = client.post("/invoke", json={"plan": plan, "run_id": "web4"}, headers=AUTH)
    assert started.status_code == 202, started.text
    status = _wait(client, "web4")
    assert status["status"] == "succeeded", status["failures"]
    assert next(s for s in status["steps"] if s["step_id"] == "grade")["status"] == "succeeded"
    listed = client.get("/artifacts", params={"run_id": "web4", "stage": "custom"}, headers=AUTH)
    (graded,) = listed.json()["artifacts"]
    assert graded["metadata"]["source"] == uri and graded["mime_type"] == "image/png"
    assert str(home) not in listed.text
    image = Image.open(io.BytesIO(client.get(graded["download_url"]).content)).convert("RGB")
    assert image.size == (37, 23)
    r, g, b = image.getpixel((18, 11))
    assert max(r, g, b) - min(r, g, b) <= 2  # grey: it is our picture, graded


@pytest.mark.parametrize(
    "ref",
    [
        "artifact+fs://user~local/upload-0000000000000000",
        "artifact+fs://user~local/../../etc/passwd",
        "artifact+fs://web1/nope",
        "artifact://apps/sparkle-motion/users/local/sessions/web1/artifacts/x/y/z/versions/0",
    ],
)
def test_a_plan_naming_an_artifact_that_is_not_here_is_a_422(api, ref):
    _, client, _ = api
    plan = small_plan("short.json")
    plan["steps"] = [{"id": "grade", "type": "custom", "handler": "color_grade", "inputs": [ref]}]
    for mode in ("dry", "run"):
        answer = client.post("/invoke", json={"plan": plan, "mode": mode}, headers=AUTH)
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["field"].startswith("plan.steps[") and error["field"].endswith(".inputs[0]")


def test_the_dashboard_page_and_its_files_are_served_with_a_strict_policy(api):
    _, client, _ = api
    page = client.get("/", headers={"Accept": "text/html"})  # no token: the page asks for it
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"  # signed URLs stay on the page
    assert '<script type="module" src="/static/app.js">' in page.text
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert script.headers["x-content-type-options"] == "nosniff"
    assert ".innerHTML" not in script.text  # what the server says is shown as text only
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/nothing.js").status_code == 404
    assert client.get("/static/..%2Fapp.py").status_code in (404, 422)
    api_answer = client.get("/")  # a client that is not a browser is told where things are
    assert api_answer.json()["dashboard"] == "/"


def test_a_runs_plan_is_served_to_the_token_only(api, finished):
    _, client, home = api
    assert client.get("/plan", params={"run_id": "web1"}).status_code == 401
    answer = client.get("/plan", params={"run_id": "web1"}, headers=AUTH)
    assert answer.status_code == 200
    plan = answer.json()["plan"]
    assert plan["title"] == small_plan("short.json")["title"]
    assert str(home) not in answer.text
    missing = client.get("/plan", params={"run_id": "nope1"}, headers=AUTH)
    assert missing.status_code == 404


def test_a_start_over_its_budget_is_refused_at_once_naming_the_field(api, finished):
    _, client, _ = api
    plan = {**small_plan("short.json"), "seed": 99}  # new keys: nothing to reuse, so it costs
    refused = client.post(
        "/invoke", json={"plan": plan, "run_id": "web9", "max_cost_usd": 0.0}, headers=AUTH
    )
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["field"] == "max_cost_usd" and "estimated" in error["message"]
    assert client.get("/status", params={"run_id": "web9"}, headers=AUTH).status_code == 404
    dry = client.post(
        "/invoke", json={"plan": plan, "mode": "dry", "max_cost_usd": 0.0}, headers=AUTH
    ).json()["report"]
    assert dry["within_budget"] is False and dry["est_cost_max_usd"] > dry["est_cost_usd"] > 0
    status = client.get("/status", params={"run_id": "web1"}, headers=AUTH).json()
    assert status["cost_usd"] > 0 and status["budget"] is None  # spent, with no budget


def test_metrics_per_stage_in_status_and_in_prometheus_text(api, finished):
    _, client, _ = api
    status = client.get("/status", params={"run_id": "web1"}, headers=AUTH).json()
    for stage, counts in status["steps_by_stage"].items():
        mine = status["metrics"][stage]
        assert mine["succeeded"] + mine["cached"] == counts.get("succeeded", 0) + counts.get(
            "cached", 0
        )
    assert sum(m["cost_usd"] for m in status["metrics"].values()) == pytest.approx(
        status["cost_usd"], abs=1e-5
    )
    assert client.get("/metrics").status_code == 401
    scraped = client.get("/metrics", headers=AUTH)
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = scraped.text
    assert "# TYPE sparkle_steps_total gauge" in text
    assert 'sparkle_steps_total{stage="base_images",status="succeeded"}' in text
    assert 'sparkle_runs{status="succeeded"}' in text
