"""Path segments are matched whole: a trailing newline, a carriage return, a leading
space, a traversal or a NUL in a session id never reaches another session's artifacts.

The attack: save under session "victim\\n" (a distinct, newline-ended folder), then load or
delete: the store formats a URI from the attacker's row, `urlsplit` strips the newline, and
the URI resolves to session `victim`. Every such id must be refused, typed, up front.
"""

from __future__ import annotations

import asyncio
import re

import pytest
from google.genai import types

from sparkle_motion.errors import ArtifactUriError, StorageError, UnsafePathError
from sparkle_motion.storage import paths
from sparkle_motion.storage.adk_service import FilesystemArtifactService, map_filename
from sparkle_motion.storage.fs_store import FilesystemArtifactStore
from sparkle_motion.storage.uris import parse_fs_uri
from tests.conftest import REPO

APP, USER = "sparkle-motion", "local"
FILENAME = "base_images/kf1/kf.png"
SECRET = b"victim's keyframe"
HOSTILE = [
    "victim\n",
    "victim\r",
    "victim\r\n",
    " victim",
    "victim ",
    "victim/../x",
    "vic\x00tim",
    "victim\t",
    "\nvictim",
    "victim\x0b",
    "victim\x0c",
]


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def service(tmp_path):
    store = FilesystemArtifactStore(tmp_path / "root")
    svc = FilesystemArtifactService(store)
    run(
        svc.save_artifact(
            app_name=APP,
            user_id=USER,
            session_id="victim",
            filename=FILENAME,
            artifact=types.Part(inline_data=types.Blob(data=SECRET, mime_type="image/png")),
        )
    )
    yield svc
    store.close()


def victim_bytes(svc) -> bytes | None:
    part = run(
        svc.load_artifact(app_name=APP, user_id=USER, session_id="victim", filename=FILENAME)
    )
    return None if part is None else part.inline_data.data


@pytest.mark.parametrize("session", HOSTILE)
def test_hostile_session_cannot_save_load_or_delete_victims_artifact(service, session):
    with pytest.raises((UnsafePathError, ArtifactUriError)):
        run(
            service.save_artifact(
                app_name=APP,
                user_id=USER,
                session_id=session,
                filename=FILENAME,
                artifact=types.Part(inline_data=types.Blob(data=b"mine", mime_type="image/png")),
            )
        )
    with pytest.raises((UnsafePathError, ArtifactUriError)):
        run(
            service.load_artifact(app_name=APP, user_id=USER, session_id=session, filename=FILENAME)
        )
    with pytest.raises((UnsafePathError, ArtifactUriError)):
        run(
            service.delete_artifact(
                app_name=APP, user_id=USER, session_id=session, filename=FILENAME
            )
        )
    for call in (service.list_versions, service.list_artifact_versions):
        with pytest.raises((UnsafePathError, ArtifactUriError)):
            run(call(app_name=APP, user_id=USER, session_id=session, filename=FILENAME))
    with pytest.raises((UnsafePathError, ArtifactUriError)):
        run(service.list_artifact_keys(app_name=APP, user_id=USER, session_id=session))
    assert victim_bytes(service) == SECRET


def test_hostile_session_planted_behind_the_validator_still_cannot_reach_victim(service):
    """Defence in depth: even a row already in the index under 'victim\\n' (written by an
    older version, or by hand) gives no access to `victim`: its URI does not parse."""
    store = service.store
    row = dict(store.index.query_one("SELECT * FROM artifacts")) | {"scope": "victim\n"}
    del row["id"]
    row["rel_dir"] += "-planted"
    with store.index.atomic() as conn:
        store._insert_row(conn, row)
    with pytest.raises(StorageError):
        run(
            service.load_artifact(
                app_name=APP, user_id=USER, session_id="victim\n", filename=FILENAME
            )
        )
    with pytest.raises(StorageError):
        run(
            service.delete_artifact(
                app_name=APP, user_id=USER, session_id="victim\n", filename=FILENAME
            )
        )
    assert victim_bytes(service) == SECRET


@pytest.mark.parametrize("user", ["local\n", "local\r", " local", "lo\x00cal"])
def test_hostile_user_id_is_refused(service, user):
    with pytest.raises(UnsafePathError):
        run(
            service.load_artifact(
                app_name=APP, user_id=user, session_id="victim", filename=FILENAME
            )
        )
    with pytest.raises(UnsafePathError):
        run(service.load_artifact(app_name=APP, user_id=user, filename="user:x.png"))


@pytest.mark.parametrize("bad", [s for s in HOSTILE if "/" not in s])
def test_segment_checks_match_the_whole_string(bad):
    with pytest.raises(UnsafePathError):
        paths.check_segment(bad, "run_id")
    with pytest.raises(UnsafePathError):
        paths.check_scope(bad)
    with pytest.raises(UnsafePathError):
        paths.check_scope("user~" + bad)


def test_direct_filename_mapping_needs_whole_segments():
    with pytest.raises(UnsafePathError):  # control characters: refused outright
        map_filename("s/a\n/kf.png")
    stage, artifact_id, _ = map_filename("s/a b/kf.png")
    assert (stage, artifact_id[:2]) == ("adk", "f-")  # hashed, never the direct mapping


@pytest.mark.parametrize(
    "uri",
    [
        "artifact+fs://victim\n/kf1",
        "artifact+fs://victim/kf1\n",
        "artifact+fs://vic\ntim/kf1",
        "artifact+fs://victim/k\tf1",
        "artifact+fs://victim\r/kf1",
        "artifact+fs://victim/kf1?version=0\n",
        "artifact+fs://victim/kf1?version=\n0",
        "artifact+fs:// victim/kf1",
        "artifact+fs://victim/kf1 ",
        "artifact+fs://victim/kf1#x",
        "artifact+fs://user@victim/kf1",
        "artifact+fs://victim:80/kf1",
        "artifact+fs://victim/kf1?version=1&version=2",
        "artifact+fs://victim/kf1?version=-1",
        "artifact+fs://victim/kf1?version=٣",
    ],
)
def test_fs_uri_parser_refuses_what_urlsplit_would_rewrite(uri):
    with pytest.raises((ArtifactUriError, UnsafePathError)):
        parse_fs_uri(uri)


def test_fs_uri_parser_still_parses_good_uris():
    assert parse_fs_uri("artifact+fs://run-1/kf.a_b") == ("run-1", "kf.a_b", None)
    assert parse_fs_uri("artifact+fs://user~bob/x?version=12") == ("user~bob", "x", 12)


@pytest.mark.parametrize(
    "uri",
    [
        "artifact://apps/sparkle-motion/users/local/sessions/victim\n/artifacts/s/a/n/versions/0",
        "artifact://apps/sparkle-motion/users/local\n/sessions/victim/artifacts/s/a/n/versions/0",
        "artifact://apps/sparkle-motion/users/lo cal/sessions/victim/artifacts/s/a/n/versions/0",
        "artifact://apps/sparkle-motion/users/local/sessions/victim/artifacts/s/a/n\n/versions/0",
        "artifact://apps/sparkle-motion/users/../sessions/victim/artifacts/s/a/n/versions/0",
    ],
)
def test_adk_store_uri_parser_refuses_hostile_segments(tmp_path, uri):
    from google.adk.artifacts import InMemoryArtifactService

    from sparkle_motion.storage.adk_store import AdkArtifactStore

    store = AdkArtifactStore(InMemoryArtifactService())
    with pytest.raises((ArtifactUriError, UnsafePathError)):
        store.ref(uri)
    with pytest.raises((ArtifactUriError, UnsafePathError)):
        store.delete(uri)


def test_no_validator_in_the_package_uses_match_with_a_dollar_anchor():
    """re.match(...$) accepts a trailing newline; every whole-string check uses fullmatch.
    (A pattern ending in `\\s*$` allows trailing whitespace on purpose: units.py.)"""
    offenders = []
    for path in (REPO / "src" / "sparkle_motion").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name, pattern in re.findall(r"(\w+)\s*=\s*re\.compile\(\s*r?[\"'](.*?)[\"']", text):
            if (
                pattern.endswith("$")
                and not pattern.endswith(r"\s*$")
                and re.search(rf"\b{name}\.match\(", text)
            ):
                offenders.append(f"{path.name}: {name}")
        offenders += [
            f"{path.name}: re.match(...$)"
            for _ in re.findall(r"re\.match\(\s*r?[\"'][^\"']*\$[\"']", text)
        ]
    assert offenders == []


def test_the_segment_pattern_in_docs_is_the_one_the_code_uses():
    doc = (REPO / "docs" / "STORAGE.md").read_text(encoding="utf-8")
    found = re.search(r"must match\s+`([^`]+)`", doc)
    assert found, "docs/STORAGE.md states the segment pattern as: must match `PATTERN`"
    assert found.group(1) == paths.SEGMENT_PATTERN
    assert paths._SEGMENT.pattern == paths.SEGMENT_PATTERN
