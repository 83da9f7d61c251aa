"""Each tab's files from a recorded /artifacts answer, and the Final Video cell: a player
and a link on the signed URL outside Colab; in Colab (its module faked) the film fetched,
checked, saved, embedded and handed to files.download."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import types
from pathlib import Path

import pytest
from IPython.display import HTML, Video

from sparkle_motion.dashboard import final
from sparkle_motion.dashboard.assets import keyframe_thumbnails, tab_items
from sparkle_motion.dashboard.state import TABS
from sparkle_motion.errors import ArtifactIntegrityError, ArtifactNotFoundError

DATA = Path(__file__).resolve().parents[2] / "data" / "dashboard"
FILM = b"\x00\x00\x00\x18ftypmp42 a small film"


def recorded(kind: str, state: str):
    return json.loads((DATA / kind / f"{state}.json").read_text())


def test_each_tab_lists_its_roles_in_order():
    listed = recorded("artifacts", "succeeded")
    by_tab = {tab: [(i.kind, i.title) for i in tab_items(listed, tab)] for tab in TABS}
    assert by_tab == {
        "plan_intake": [],
        "dialogue_audio": [("audio", "launch-l1")],
        "base_images": [("image", "kf-000"), ("image", "kf-001"), ("image", "kf-002")],
        "video": [("video", "drift"), ("video", "launch")],
        "lipsync": [("video", "launch")],
        "assemble": [("video", "assembled"), ("link", "subtitles")],
        "finalize": [("link", "final")],
    }
    image = tab_items(listed, "base_images")[0]
    ref = listed["assets"]["base_images"]["kf-000"]
    assert (image.url, image.checksum, image.size_bytes) == (
        ref["download_url"],
        ref["checksum_sha256"],
        ref["size_bytes"],
    )
    assert tab_items(None, "video") == []


def test_a_custom_step_s_outputs_show_with_the_assembly():
    listed = recorded("artifacts", "succeeded")
    clip = listed["assets"]["shot_videos"]["launch"]
    listed["assets"]["custom"] = {"grade": [clip, {**clip, "mime_type": "text/plain"}]}
    titles = [(i.kind, i.title) for i in tab_items(listed, "assemble")]
    assert titles[:2] == [("video", "grade [0]"), ("link", "grade [1]")]


def test_thumbnails_of_the_reviewed_keyframes():
    listed = recorded("artifacts", "awaiting_review_keyframes")
    thumbs = keyframe_thumbnails(listed, ("kf-002", "kf-009"))
    assert list(thumbs) == ["kf-002"] and thumbs["kf-002"].kind == "image"


class FilmApi:
    """The succeeded run's answers; the film's bytes are FILM (its checksum made so)."""

    def __init__(self, film: bool = True) -> None:
        self.payload = recorded("status", "succeeded")
        if film:
            self.payload["film"]["checksum_sha256"] = hashlib.sha256(FILM).hexdigest()
        else:
            self.payload["film"] = None
        self.fetched: list[str] = []

    def status(self, run_id):
        return self.payload

    def artifacts(self, run_id):
        return {"video_final": None}

    def url(self, path):
        return "http://127.0.0.1:7860" + path

    def fetch(self, url, *, sha256=None):
        self.fetched.append(url)
        if sha256 != hashlib.sha256(FILM).hexdigest():
            raise ArtifactIntegrityError("not the film")
        return FILM


@pytest.fixture
def shown(monkeypatch):
    found: list[object] = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: found.extend(objs))
    return found


def test_outside_colab_a_player_and_a_link_on_the_signed_url(shown, tmp_path, monkeypatch):
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    api = FilmApi()
    film = final.show_final_video(api, "rec-succeeded", folder=tmp_path)
    url = "http://127.0.0.1:7860" + api.payload["film"]["download_url"]
    player, link = shown
    assert isinstance(player, Video) and player.url == url
    assert isinstance(link, HTML) and 'download="rec-succeeded-film.mp4"' in link.data
    assert (film.url, film.path) == (url, None) and api.fetched == []  # the browser fetches it
    saved = final.show_final_video(api, "rec-succeeded", folder=tmp_path, save=True)
    assert saved.path == tmp_path / "rec-succeeded-film.mp4" and saved.path.read_bytes() == FILM


def test_in_colab_the_film_is_embedded_and_downloaded(shown, tmp_path, monkeypatch):
    downloads: list[str] = []
    files = types.ModuleType("google.colab.files")
    files.download = downloads.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setitem(sys.modules, "google.colab.files", files)
    assert final.in_colab()
    film = final.show_final_video(FilmApi(), "rec-succeeded", folder=tmp_path)
    (player,) = shown
    assert isinstance(player, Video) and player.embed  # the bytes in the page, base64
    assert base64.b64encode(FILM).decode() in player._repr_html_()
    assert downloads == [str(tmp_path / "rec-succeeded-film.mp4")] and film.path is not None
    assert film.path.read_bytes() == FILM


def test_a_run_without_a_film_says_so():
    with pytest.raises(ArtifactNotFoundError, match="run rec-succeeded has no film") as missing:
        final.film_of(FilmApi(film=False), "rec-succeeded")
    assert missing.value.context["status"] == "succeeded"
