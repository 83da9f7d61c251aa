"""ApiClient against the production API served by uvicorn on a free port (a real HTTP
server): a run started, followed and its film fetched by its signed URL; the API's
refusals as typed errors naming the field; where the token comes from and where it may
not go."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from sparkle_motion.config import reset_settings_cache
from sparkle_motion.dashboard.client import (
    ApiClient,
    ApiUnreachableError,
    DashboardApiError,
    parse_sse,
    resolve_token,
    wait_for_api,
)
from sparkle_motion.errors import ArtifactIntegrityError, ConfigError, SparkleMotionError
from sparkle_motion.server.app import create_production_app
from sparkle_motion.server.models import StatusResponse
from tests.conftest import make_settings
from tests.support.media import small_plan
from tests.support.served import Served

TOKEN = "dashboard-client-test-token"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    home = tmp_path_factory.mktemp("client-home")
    settings = make_settings(home=home, runs_dir=home / "runs", db_path=home / "s.db")
    served = Served(create_production_app(settings, token=TOKEN))
    yield served.url
    served.stop()


@pytest.fixture(scope="module")
def finished(api):
    """One run of short.json, started and followed through the client."""
    with ApiClient(api, TOKEN) as client:
        started = client.invoke(plan=small_plan("short.json"), run_id="cli1")
        events = list(client.events("cli1", url=started["events_url"]))
        deadline = time.monotonic() + 120
        while (status := client.status("cli1"))["owner"]["alive"]:
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
        return started, events, status


def test_a_run_started_followed_and_its_film_fetched(api, finished):
    started, events, status = finished
    assert started["run_id"] == "cli1" and started["events_url"].startswith("/events/cli1?")
    StatusResponse.model_validate(status)
    assert status["status"] == "succeeded"
    kinds = [e["type"] for e in events]
    assert kinds[-1] == "end" and events[-1]["payload"]["status"] == "succeeded"
    assert "step_completed" in kinds and all(isinstance(e["id"], int) for e in events[:-1])
    film = status["film"]
    with ApiClient(api, TOKEN) as client:
        data = client.fetch(film["download_url"], sha256=film["checksum_sha256"])
        assert len(data) == film["size_bytes"]
        with pytest.raises(ArtifactIntegrityError, match="sha256"):
            client.fetch(film["download_url"], sha256="0" * 64)
        # the events after the last one: none, then the end
        later = list(client.events("cli1", after=events[-2]["id"]))
        assert [e["type"] for e in later] == ["end"]
        assert [r["run_id"] for r in client.runs()] == ["cli1"]
        listed = client.artifacts("cli1")
        assert set(listed["assets"]["base_images"]) == {"kf-000", "kf-001", "kf-002"}
        assert client.url(film["download_url"]) == api + film["download_url"]


def test_refusals_are_typed_and_name_the_field(api, finished):
    with ApiClient(api, TOKEN) as client:
        plan = small_plan("short.json")
        plan["shots"][1]["duration_s"] = -1
        with pytest.raises(DashboardApiError) as bad_plan:
            client.invoke(plan=plan)
        assert (bad_plan.value.status, bad_plan.value.type) == (422, "PlanSchemaError")
        assert bad_plan.value.field == "plan.shots[1].duration_s"
        assert "plan.shots[1].duration_s" in str(bad_plan.value)

        with pytest.raises(DashboardApiError) as bad_profile:
            client.invoke(idea="a whale sings", profile="not a profile")
        assert (bad_profile.value.status, bad_profile.value.field) == (422, "profile")

        with pytest.raises(DashboardApiError) as unknown:
            client.status("nope")
        assert (unknown.value.status, unknown.value.type) == (404, "RunNotFoundError")
        assert unknown.value.context["run_id"] == "nope"

        with pytest.raises(DashboardApiError) as no_review:
            client.review("cli1", "approve", gate="script")
        assert no_review.value.type == "HumanInputRequestError"

        with pytest.raises(DashboardApiError) as bad_decision:
            client.review("cli1", "maybe")
        assert bad_decision.value.field == "decision"
        assert isinstance(bad_decision.value, SparkleMotionError)

    with (
        ApiClient(api, "not-the-token-at-all") as wrong,
        pytest.raises(DashboardApiError) as denied,
    ):
        wrong.status("cli1")
    assert (denied.value.status, denied.value.type) == (401, "Unauthorized")


def test_nothing_answering_is_unreachable(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    with ApiClient(f"http://127.0.0.1:{port}", TOKEN, timeout_s=2) as client:
        with pytest.raises(ApiUnreachableError) as down:
            client.status("cli1")
        assert down.value.status is None and f"127.0.0.1:{port}" in str(down.value)
    with pytest.raises(ApiUnreachableError, match="did not answer"):
        wait_for_api(f"http://127.0.0.1:{port}", timeout_s=0.6)
    with pytest.raises(ApiUnreachableError, match="process exited"):
        wait_for_api(f"http://127.0.0.1:{port}", alive=lambda: False)


def test_the_health_of_a_server_just_started(api):
    health = wait_for_api(api, timeout_s=5)
    assert health["ok"] is True and health["service"] == "sparkle-motion production API"


def test_the_token_goes_to_the_api_only():
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=b"film")

    client = ApiClient("http://127.0.0.1:7860", TOKEN, transport=httpx.MockTransport(answer))
    with pytest.raises(ValueError, match=r"not a URL of http://127\.0\.0\.1:7860"):
        client.fetch("http://elsewhere.example/files/x?sig=1")
    assert sent == []
    assert client.fetch("/files/x?expires=1&sig=2") == b"film"
    assert sent[0].url == "http://127.0.0.1:7860/files/x?expires=1&sig=2"
    assert sent[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in repr(client)
    with pytest.raises(ConfigError, match="base_url"):
        ApiClient("127.0.0.1:7860", TOKEN)


def test_where_the_token_comes_from(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARKLE_HOME", str(tmp_path))
    monkeypatch.setenv("SPARKLE_DOTENV", "")
    monkeypatch.delenv("SPARKLE_API_TOKEN", raising=False)
    reset_settings_cache()
    try:
        assert resolve_token("given") == "given"
        asked: list[str] = []
        assert resolve_token(prompt=lambda text: asked.append(text) or " typed ") == "typed"
        assert asked == ["sparkle-motion API token: "]
        (tmp_path / "api_token").write_text("from-the-state-home-file\n")
        assert resolve_token(prompt=pytest.fail) == "from-the-state-home-file"
        monkeypatch.setenv("SPARKLE_API_TOKEN", "from-the-environment")
        assert resolve_token(prompt=pytest.fail) == "from-the-environment"
        monkeypatch.delenv("SPARKLE_API_TOKEN")
        (tmp_path / "api_token").unlink()

        def no_terminal(text: str) -> str:
            raise EOFError

        with pytest.raises(ConfigError, match="SPARKLE_API_TOKEN"):
            resolve_token(prompt=no_terminal)
        assert not (tmp_path / "api_token").exists()  # never made: the server's to make
    finally:
        reset_settings_cache()


def test_server_sent_events_are_parsed_until_the_end():
    lines = [
        "id: 1",
        "event: step_started",
        'data: {"id": 1, "type": "step_started", "payload": {"step_id": "a"}}',
        "",
        "event: end",
        'data: {"status": "succeeded"}',
        "",
        "event: never",
        'data: {"id": 9}',
        "",
    ]
    assert list(parse_sse(iter(lines))) == [
        {"id": 1, "type": "step_started", "payload": {"step_id": "a"}},
        {"id": None, "type": "end", "payload": {"status": "succeeded"}},
    ]
