"""The production API's upload routes: POST /artifacts stores a file through the atomic
store in the upload area and answers with its ref (no host path), the bytes come back
whole through the signed URL, GET /artifacts/<id> finds it; a name that is a path (or
empty, hidden, NUL, the manifest's) is a 422 naming the field and stores nothing; a body
over the cap is a 413 and stores nothing; both routes need the token."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from sparkle_motion.server.app import create_production_app
from sparkle_motion.storage import open_artifact_store
from sparkle_motion.storage.paths import is_segment
from tests.conftest import make_settings

TOKEN = "upload-routes-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CAP = 64 * 1024


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    home = tmp_path_factory.mktemp("upload-home")
    settings = make_settings(
        home=home, runs_dir=home / "runs", db_path=home / "s.db", api_max_body_bytes=CAP
    )
    app = create_production_app(settings, token=TOKEN)
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    return app, client, settings


def uploads(settings) -> list:
    store = open_artifact_store(settings, scan=False)
    try:
        return store.list("user~local")
    finally:
        store.close()


def png(width=37, height=23) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 90)).save(out, format="PNG")
    return out.getvalue()


def raw_upload(client, filename: bytes, data: bytes = b"payload"):
    """A multipart body written by hand: the filename reaches the server as sent."""
    body = (
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + data
        + b"\r\n--BOUNDARY--\r\n"
    )
    headers = {**AUTH, "Content-Type": "multipart/form-data; boundary=BOUNDARY"}
    return client.post("/artifacts", content=body, headers=headers)


def test_an_upload_round_trips_with_its_checksum(api):
    _, client, settings = api
    data = png()
    answer = client.post("/artifacts", files={"file": ("kf.png", data, "image/png")}, headers=AUTH)
    assert answer.status_code == 201, answer.text
    ref = answer.json()
    assert ref["uri"].startswith("artifact+fs://user~local/upload-")
    assert ref["checksum_sha256"] == hashlib.sha256(data).hexdigest()
    assert ref["size_bytes"] == len(data) and ref["name"] == "kf.png"
    assert ref["mime_type"] == "image/png" and ref["stage"] == "upload"
    assert "local_path" not in ref and str(settings.home) not in answer.text
    back = client.get(ref["download_url"])  # signed: no header needed
    assert back.status_code == 200 and back.content == data
    found = client.get(f"/artifacts/{ref['artifact_id']}", headers=AUTH)
    assert found.status_code == 200
    assert {k: v for k, v in found.json().items() if k != "download_url"} == {
        k: v for k, v in ref.items() if k != "download_url"
    }
    assert client.get(found.json()["download_url"]).content == data
    store = open_artifact_store(settings, scan=False)  # in the store, verified
    try:
        assert store.read_bytes(ref["uri"]) == data
    finally:
        store.close()


def test_uploads_are_no_run_and_unknown_ids_are_404(api):
    _, client, _ = api
    missing = client.get("/artifacts/upload-0000000000000000", headers=AUTH)
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "ArtifactNotFoundError"
    for bad in (".hidden", "a%00b", "x" * 200):
        answer = client.get(f"/artifacts/{bad}", headers=AUTH)
        assert answer.status_code == 422 and answer.json()["error"]["field"] == "artifact_id"
    listed = client.get("/artifacts", params={"run_id": "user~local"}, headers=AUTH)
    assert listed.status_code == 422  # the upload area is not a run
    no_run = client.get("/artifacts/upload-x", params={"run_id": "nope"}, headers=AUTH)
    assert no_run.status_code == 404 and no_run.json()["error"]["type"] == "RunNotFoundError"


REFUSED = [
    b"../../etc/passwd",
    b"..",
    b".",
    b"/etc/passwd",
    b"a/b.png",
    b"..\\..\\x.png",
    b"x\x00.png",
    b"x\n.png",
    b".hidden.png",
    b"manifest.json",
    b"%2e%2e%2fpasswd",
    b" ",
    b"caf\xc3\xa9.png",
    b"x" * 129,
]


@pytest.mark.parametrize("filename", REFUSED)
def test_a_name_that_is_not_a_plain_file_name_is_refused(api, filename):
    _, client, settings = api
    before = len(uploads(settings))
    answer = raw_upload(client, filename)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["type"] == "RunRequestError" and error["field"] == "file"
    assert len(uploads(settings)) == before


def test_no_name_an_empty_file_or_no_file_is_a_422_naming_the_field(api):
    _, client, settings = api
    before = len(uploads(settings))
    nameless = raw_upload(client, b"")
    assert nameless.status_code == 422 and nameless.json()["error"]["field"] == "file"
    empty = client.post("/artifacts", files={"file": ("a.wav", b"", "audio/wav")}, headers=AUTH)
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "file"
    absent = client.post("/artifacts", json={"file": "kf.png"}, headers=AUTH)
    assert absent.status_code == 422 and absent.json()["error"]["field"] == "file"
    assert len(uploads(settings)) == before


def test_a_windows_path_reduces_to_its_file_name_or_is_refused(api):
    _, client, _ = api
    answer = raw_upload(client, b"C:\\Users\\me\\kf.png")
    assert answer.status_code in (201, 422), answer.text
    if answer.status_code == 201:  # the multipart parser keeps the last part only
        assert answer.json()["name"] == "kf.png" and is_segment(answer.json()["name"])


def test_a_body_over_the_cap_is_413_and_stores_nothing(api):
    _, client, settings = api
    before = len(uploads(settings))
    big = b"\0" * (CAP + 1)
    sized = client.post("/artifacts", files={"file": ("big.wav", big, "audio/wav")}, headers=AUTH)
    assert sized.status_code == 413 and sized.json()["error"]["type"] == "PayloadTooLarge"

    def chunks():  # no Content-Length: counted as it arrives
        yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n\r\n'
        for _ in range(4):
            yield b"\0" * (CAP // 2)
        yield b"\r\n--B--\r\n"

    chunked = client.post(
        "/artifacts",
        content=chunks(),
        headers={**AUTH, "Content-Type": "multipart/form-data; boundary=B"},
    )
    assert chunked.status_code == 413
    assert len(uploads(settings)) == before
    fits = client.post(
        "/artifacts", files={"file": ("ok.wav", b"\1" * (CAP // 2), "audio/wav")}, headers=AUTH
    )
    assert fits.status_code == 201


def test_both_routes_need_the_token(api):
    app, client, settings = api
    paths = {(m, r.path) for r in app.routes for m in getattr(r, "methods", ())}
    assert {("POST", "/artifacts"), ("GET", "/artifacts/{artifact_id}")} <= paths
    before = len(uploads(settings))
    for headers in ({}, {"Authorization": "Bearer nope"}):
        posted = client.post("/artifacts", files={"file": ("a.png", png())}, headers=headers)
        assert posted.status_code == 401
        assert client.get("/artifacts/upload-x", headers=headers).status_code == 401
    assert len(uploads(settings)) == before


def test_uploads_need_the_filesystem_store(tmp_path):
    settings = make_settings(home=tmp_path, artifacts_backend="adk")
    client = TestClient(
        create_production_app(settings, token=TOKEN),
        base_url="http://127.0.0.1",
        raise_server_exceptions=False,
    )
    answer = client.post("/artifacts", files={"file": ("a.png", png())}, headers=AUTH)
    assert answer.status_code == 503, answer.text
    assert "ARTIFACTS_BACKEND" in json.dumps(answer.json())
