"""The guard every HTTP service stands behind: token on every route but the open ones
(generated from the app's routes, so a new route is covered), signed URLs, Host, body cap,
typed JSON errors, request ids."""

from __future__ import annotations

import os
import stat
import time
from typing import Annotated

import pytest
from fastapi import File, Request, UploadFile
from fastapi.testclient import TestClient
from pydantic import BaseModel

from sparkle_motion.errors import ConfigError, PlanSchemaError, RunBusyError, issue
from sparkle_motion.http.app import create_app, is_open
from sparkle_motion.tokens import api_token, sign, signed_ok
from tests.conftest import make_settings

TOKEN = "t0k3n-for-tests"


class Body(BaseModel):
    name: str


@pytest.fixture
def app(tmp_path):
    app = create_app(
        make_settings(api_max_body_bytes=2048), title="test", signable=("/files/",), token=TOKEN
    )

    @app.get("/files/{name}")
    def files(name: str) -> dict:
        return {"name": name}

    @app.post("/echo")
    def echo(body: Body) -> dict:
        return {"name": body.name}

    @app.get("/busy")
    def busy() -> dict:
        raise RunBusyError("run r1 is active", run_id="r1")

    @app.get("/bad-plan")
    def bad_plan() -> dict:
        raise PlanSchemaError([issue("shots[2].duration_s", "must be > 0", -1)])

    @app.get("/bug")
    def bug(request: Request) -> dict:
        raise RuntimeError("secret internals /etc/shadow")

    return app


@pytest.fixture
def client(app):
    return TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_every_route_but_the_open_ones_needs_the_token(app, client):
    for route in app.routes:
        path = route.path.replace("{name}", "x")
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method == "HEAD":
                continue
            if is_open(path):
                continue
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
                answer = client.request(method, path, headers=headers)
                assert answer.status_code == 401, (method, path, headers, answer.text)
                assert answer.json()["error"]["type"] == "Unauthorized"


def test_the_open_routes_carry_no_run_data(client):
    health = client.get("/health")
    assert health.status_code == 200 and set(health.json()) == {"ok", "service", "version", "pid"}


def test_signed_urls_work_for_their_path_until_they_expire(client):
    url = sign("/files/a.mp4", TOKEN, ttl_s=60)
    assert client.get(url).json() == {"name": "a.mp4"}
    query = url.split("?", 1)[1]
    assert client.get(f"/files/b.mp4?{query}").status_code == 401  # another path
    assert client.get(url.replace("sig=", "sig=f")).status_code == 401  # altered
    old = sign("/files/a.mp4", TOKEN, ttl_s=60, now=time.time() - 3600)
    refused = client.get(old)
    assert refused.status_code == 401 and refused.json()["error"]["type"] == "BadSignature"
    assert client.post(url, json={"name": "x"}).status_code == 401  # signatures are for GET
    assert not signed_ok("/files/a.mp4", "1" * 13, "x", TOKEN)


def test_foreign_hosts_are_refused(app):
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost.evil"):
        answer = TestClient(app, base_url=f"http://{host}").get("/health")
        assert answer.status_code == 400 and answer.json()["error"]["type"] == "ForeignHost"
    for host in ("127.0.0.1:7860", "localhost", "[::1]:7860"):
        assert TestClient(app, base_url=f"http://{host}").get("/health").status_code == 200


def test_allowed_hosts_extend_the_loopback_names(tmp_path):
    app = create_app(make_settings(api_allowed_hosts=["render-box"]), title="t", token=TOKEN)
    assert TestClient(app, base_url="http://render-box:7860").get("/health").status_code == 200


def test_a_body_over_the_cap_is_refused(client):
    big = {"name": "x" * 5000}
    answer = client.post("/echo", json=big, headers=AUTH)
    assert answer.status_code == 413 and answer.json()["error"]["type"] == "PayloadTooLarge"

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b"x" * 1000

    chunked = client.post("/echo", content=chunks(), headers=AUTH)
    assert chunked.status_code == 413


def test_json_sent_as_curl_d_sends_it_is_read_as_json(client):
    form = {"Content-Type": "application/x-www-form-urlencoded", **AUTH}
    answer = client.post("/echo", content=b'  {"name": "whale"}', headers=form)
    assert answer.status_code == 200 and answer.json() == {"name": "whale"}
    unlabelled = client.post("/echo", content=b'{"name": "kite"}', headers=AUTH)
    assert unlabelled.json() == {"name": "kite"}
    real_form = client.post("/echo", content=b"name=whale", headers=form)  # not JSON: a 422
    assert real_form.status_code == 422 and real_form.json()["error"]["field"] == "body"
    over = client.post("/echo", content=b'{"name": "' + b"x" * 5000 + b'"}', headers=form)
    assert over.status_code == 413  # still counted against the cap


def test_a_bulk_route_has_the_tool_cap(tmp_path):
    app = create_app(
        make_settings(api_max_body_bytes=2048, tool_max_body_bytes=8192),
        title="tool",
        bulk=("/render",),
        token=TOKEN,
    )

    @app.post("/render")
    async def render(request: Request) -> dict:
        return {"bytes": len(await request.body())}

    client = TestClient(app, base_url="http://127.0.0.1")
    assert client.post("/render", content=b"x" * 6000, headers=AUTH).json() == {"bytes": 6000}
    assert client.post("/render", content=b"x" * 9000, headers=AUTH).status_code == 413


def test_errors_are_typed_json_naming_the_field(client):
    invalid = client.post("/echo", json={"name": 3, "extra": 1}, headers=AUTH)
    assert invalid.status_code == 422 and invalid.json()["error"]["field"] == "name"
    busy = client.get("/busy", headers=AUTH)
    assert busy.status_code == 409 and busy.json()["error"] == {
        "type": "RunBusyError",
        "message": "run r1 is active",
        "field": None,
        "run_id": "r1",
    }
    plan = client.get("/bad-plan", headers=AUTH).json()["error"]
    assert plan["type"] == "PlanSchemaError" and plan["field"] == "shots[2].duration_s"
    bug = client.get("/bug", headers=AUTH)
    assert bug.status_code == 500 and "secret" not in bug.text and "Traceback" not in bug.text
    rid = bug.headers["x-request-id"]
    assert rid in bug.json()["error"]["message"]
    missing = client.get("/nope", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "NotFound"


def test_a_body_that_does_not_parse_is_a_422_naming_the_body(client, app):
    """Found by tests/unit/http/test_openapi_fuzz.py: JSON that does not decode named its
    byte offset as the field ("0"), and JSON that is not UTF-8 or a broken multipart body
    was an untyped 400 naming nothing."""

    @app.post("/upload")
    def upload(file: Annotated[UploadFile, File()]) -> dict:
        return {"name": file.filename}

    json_label = {"Content-Type": "application/json", **AUTH}
    for content in (b"", b"{", b'{"name": "x"', b"\xff\xfe", b'{"name": "\xff"}', b"[1, }"):
        answer = client.post("/echo", content=content, headers=json_label)
        error = answer.json()["error"]
        assert answer.status_code == 422, (content, answer.text)
        assert error["type"] == "RequestValidationError" and error["field"] == "body", content
        assert error["message"].startswith("body: "), content
    utf8 = client.post("/echo", content=b'{"name": "\xff"}', headers=AUTH)  # unlabelled
    assert utf8.status_code == 422 and "UTF-8" in utf8.json()["error"]["message"]
    broken = {"Content-Type": "multipart/form-data; boundary=x", **AUTH}
    answer = client.post("/upload", content=b"--x\r\nnot a part", headers=broken)
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "body", answer.text
    no_boundary = {"Content-Type": "multipart/form-data", **AUTH}
    answer = client.post("/upload", content=b"--x\r\n", headers=no_boundary)
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "body", answer.text


def test_request_ids_are_kept_when_sane(client):
    assert (
        client.get("/health", headers={"X-Request-ID": "abc-1"}).headers["x-request-id"] == "abc-1"
    )
    odd = client.get("/health", headers={"X-Request-ID": "a b\x7f"}).headers["x-request-id"]
    assert odd != "a b\x7f" and len(odd) == 16


def test_the_token_file_is_created_once_with_mode_0600(tmp_path):
    settings = make_settings(home=tmp_path / "home")
    first = api_token(settings)
    path = tmp_path / "home" / "api_token"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and len(first) >= 32
    assert api_token(settings) == first
    assert api_token(make_settings(api_token="a-token-of-my-own")) == "a-token-of-my-own"
    path.write_text("")  # an empty token would make every signed URL forgeable
    with pytest.raises(ConfigError, match="at least 16 characters"):
        api_token(settings)
