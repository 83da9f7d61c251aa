"""Per-stage backends over HTTP: POST /invoke and /resume take `adapters` ({"tts": "espeak"}),
the CLI's `--adapter tts=espeak`. A dry run reports the named backend; a run keeps it in
its row (`tts=espeak`, as the CLI stores it), estimates with it, renders with it (step
records, the film's manifest) and keeps it through a resume; a resume that names others
renders those stages again with them. A key that is not a stage's profile key, or a name
that is not a registered adapter of that kind, is a 422 naming `adapters.<key>`, before an
idea is written out."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from sparkle_motion.adapters.registry import BUILTIN
from sparkle_motion.config import ADAPTER_OVERRIDE
from sparkle_motion.production_agent.launch import open_runs
from sparkle_motion.production_agent.overrides import PROFILE_KEYS, backend_kind
from sparkle_motion.server.app import create_production_app
from tests.conftest import make_settings
from tests.support.media import small_plan
from tests.unit.server.test_app import AUTH, TOKEN, _wait

ESPEAK = {"tts": "espeak"}  # the preview profile's tts is piper: espeak is its alternative


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    home = tmp_path_factory.mktemp("adapters-home")
    settings = make_settings(home=home, runs_dir=home / "runs", db_path=home / "s.db")
    app = create_production_app(settings, token=TOKEN)
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    return app, client, home


def kept(app, run_id: str) -> list[str]:
    with open_runs(app.state.settings) as runs:
        return runs.get(run_id).metadata["adapters"]


def dry(client, **extra) -> dict:
    body = {"plan": small_plan("short.json"), "mode": "dry", **extra}
    answer = client.post("/invoke", json=body, headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.json()["report"]


def tts_adapters(steps: list[dict]) -> set[str]:
    return {s["adapter"] for s in steps if s["stage"] == "dialogue_audio"}


def test_the_cli_and_the_api_check_the_same_kinds():
    """`--adapter` is first checked by the settings pattern (config.py, below the stage
    table): its kinds are the stage table's profile keys; every built-in has a kind."""
    match = re.match(r"\^\(([a-z|]+)\)=", ADAPTER_OVERRIDE)
    assert match is not None and sorted(match.group(1).split("|")) == sorted(PROFILE_KEYS)
    assert all(backend_kind(name) for name in BUILTIN), BUILTIN


def test_a_dry_run_reports_the_named_backend(api):
    _, client, _ = api
    assert tts_adapters(dry(client)["steps"]) == {"piper"}
    assert tts_adapters(dry(client, adapters=ESPEAK)["steps"]) == {"espeak"}
    assert tts_adapters(dry(client, adapters={})["steps"]) == {"piper"}  # empty: none


@pytest.mark.parametrize(
    ("adapters", "field", "words"),
    [
        ({"voice": "piper"}, "adapters.voice", ("profile key", "tts, images", "'voice'")),
        ({"video": "painter"}, "adapters.video", ("registered video adapter", "'painter'")),
        (
            {"tts": "ffmpeg"},
            "adapters.tts",
            ("registered tts adapter (chatterbox, espeak, piper, tts_stage)", "'ffmpeg'"),
        ),
        ({"lipsync": "video_final"}, "adapters.lipsync", ("registered lipsync adapter",)),
        ({"tts": 3}, "adapters.tts", ("string",)),
    ],
)
def test_a_bad_override_is_a_422_naming_its_key(api, adapters, field, words):
    _, client, home = api
    for route, body in (
        ("/invoke", {"plan": small_plan("short.json"), "mode": "dry"}),
        ("/invoke", {"idea": "a cat", "run_id": "no-plan-written"}),
        ("/resume", {"run_id": "no-such-run"}),
    ):
        answer = client.post(route, json={**body, "adapters": adapters}, headers=AUTH)
        assert answer.status_code == 422, (route, answer.text)
        error = answer.json()["error"]
        assert error["field"] == field and error["message"].startswith(f"{field}: "), error
        assert all(w in error["message"] for w in words), error["message"]
    assert not (home / "runs" / "no-plan-written").exists()  # refused before the idea ran


def test_a_run_keeps_its_backends_through_resume(api):
    """Paused at its script review, the run has its backend in its row and its estimate is
    the dry report's with that backend; resumed without naming any, it renders with it; a
    resume that names piper renders the voices (and what follows them) again with piper."""
    app, client, _ = api
    plan = small_plan("short.json")
    body = {"plan": plan, "run_id": "mix1", "review": ["script"], "adapters": ESPEAK}
    started = client.post("/invoke", json=body, headers=AUTH)
    assert started.status_code == 202, started.text
    waiting = _wait(client, "mix1", done=("awaiting_review",))
    assert kept(app, "mix1") == ["tts=espeak"]
    report = dry(client, adapters=ESPEAK)
    assert waiting["eta_s"] == pytest.approx(report["est_total_time_s"], abs=0.01)

    client.post("/review", json={"run_id": "mix1", "decision": "approve"}, headers=AUTH)
    assert client.post("/resume", json={"run_id": "mix1"}, headers=AUTH).status_code == 202
    done = _wait(client, "mix1")
    assert done["status"] == "succeeded", done["failures"]
    assert tts_adapters(done["steps"]) == {"espeak"}
    assert done["film"]["backends"]["dialogue_audio"] == "espeak"
    assert kept(app, "mix1") == ["tts=espeak"]

    again = client.post(
        "/resume", json={"run_id": "mix1", "adapters": {"tts": "piper"}}, headers=AUTH
    )
    assert again.status_code == 202, again.text
    redone = _wait(client, "mix1")
    assert redone["status"] == "succeeded", redone["failures"]
    assert kept(app, "mix1") == ["tts=piper"]
    latest = {s["step_id"]: s["adapter"] for s in redone["steps"] if s["stage"] == "dialogue_audio"}
    assert set(latest.values()) == {"piper"}
    assert redone["film"]["backends"]["dialogue_audio"] == "piper"


def test_a_resume_keeps_the_runs_backends_over_the_servers_defaults():
    """Per key: what the resume names > what the run started with > SPARKLE_ADAPTERS."""
    from types import SimpleNamespace

    from sparkle_motion.config import load_settings
    from sparkle_motion.production_agent import resumed_adapters
    from sparkle_motion.server.app import with_adapters

    row = SimpleNamespace(metadata={"adapters": ["tts=espeak"]})
    server = load_settings(
        {}, env={"SPARKLE_DOTENV": "", "SPARKLE_ADAPTERS": "tts=piper,lipsync=audio_mux"}
    )
    assert sorted(resumed_adapters(server, row)) == ["lipsync=audio_mux", "tts=espeak"]
    asked = with_adapters(server, {"tts": "piper"})
    assert sorted(resumed_adapters(asked, row)) == ["lipsync=audio_mux", "tts=piper"]
    assert server.source_of("adapters") == "env:SPARKLE_ADAPTERS"  # the server's untouched
    cli = load_settings({"adapters": ["tts=piper"]}, env={"SPARKLE_DOTENV": ""})
    assert resumed_adapters(cli, row) == ["tts=piper"]
    assert resumed_adapters(load_settings({}, env={"SPARKLE_DOTENV": ""}), row) == ["tts=espeak"]
    other_key = with_adapters(server, {"lipsync": "wav2lip"})  # the server's tts stays under
    assert sorted(resumed_adapters(other_key, row)) == ["lipsync=wav2lip", "tts=espeak"]


@pytest.mark.parametrize(
    ("fallbacks", "field", "words"),
    [
        ({"voice": ["piper"]}, "fallbacks.voice", ("profile key", "'voice'")),
        ({"tts": ["espeak", "nope"]}, "fallbacks.tts", ("registered tts adapter", "'nope'")),
        ({"tts": "espeak"}, "fallbacks.tts", ("list",)),
    ],
)
def test_a_bad_fallback_is_a_422_naming_its_key(api, fallbacks, field, words):
    _, client, _ = api
    for route, body in (
        ("/invoke", {"plan": small_plan("short.json"), "mode": "dry"}),
        ("/resume", {"run_id": "no-such-run"}),
    ):
        answer = client.post(route, json={**body, "fallbacks": fallbacks}, headers=AUTH)
        assert answer.status_code == 422, (route, answer.text)
        error = answer.json()["error"]
        assert error["field"] == field and all(w in error["message"] for w in words), error


def test_a_run_keeps_the_fallbacks_it_started_with(api):
    """Kept in the run's row from the moment it is claimed, as its backends are."""
    app, client, _ = api
    body = {
        "plan": small_plan("short.json"),
        "run_id": "fb1",
        "review": ["script"],
        "fallbacks": {"tts": ["espeak"], "lipsync": ["audio_mux"]},
    }
    started = client.post("/invoke", json=body, headers=AUTH)
    assert started.status_code == 202, started.text
    _wait(client, "fb1", done=("awaiting_review",))
    with open_runs(app.state.settings) as runs:
        assert runs.get("fb1").metadata["fallbacks"] == ["tts=espeak", "lipsync=audio_mux"]


def test_a_resume_keeps_the_runs_fallbacks_over_the_servers_defaults():
    """Per key, resumed_adapters' rule: the resume's > the run's > SPARKLE_FALLBACKS."""
    from types import SimpleNamespace

    from sparkle_motion.config import load_settings
    from sparkle_motion.production_agent import resumed_fallbacks
    from sparkle_motion.server.app import with_fallbacks

    row = SimpleNamespace(metadata={"fallbacks": ["tts=espeak", "tts=piper"]})
    env = {"SPARKLE_DOTENV": "", "SPARKLE_FALLBACKS": "tts=chatterbox,lipsync=audio_mux"}
    server = load_settings({}, env=env)
    assert resumed_fallbacks(server, row) == ["tts=espeak", "tts=piper", "lipsync=audio_mux"]
    asked = with_fallbacks(server, {"tts": ["chatterbox"]})
    assert resumed_fallbacks(asked, row) == ["tts=chatterbox", "lipsync=audio_mux"]
    other_key = with_fallbacks(server, {"lipsync": ["wav2lip"]})
    assert resumed_fallbacks(other_key, row) == ["tts=espeak", "tts=piper", "lipsync=wav2lip"]
    cli = load_settings({"fallbacks": ["tts=piper"]}, env={"SPARKLE_DOTENV": ""})
    assert resumed_fallbacks(cli, row) == ["tts=piper"]
    assert (
        resumed_fallbacks(
            load_settings({}, env={"SPARKLE_DOTENV": ""}), SimpleNamespace(metadata={})
        )
        == []
    )


def test_a_pause_lifted_in_its_live_process_refuses_other_backends():
    """That process goes on with the backends it has: naming others is refused, naming the
    same ones (or none) lifts the pause."""
    from types import SimpleNamespace

    from sparkle_motion.config import load_settings
    from sparkle_motion.errors import RunRequestError
    from sparkle_motion.production_agent import _same_backends
    from sparkle_motion.server.app import with_adapters, with_fallbacks

    row = SimpleNamespace(
        metadata={"adapters": ["tts=espeak"], "fallbacks": ["lipsync=audio_mux"]}, owner_pid=42
    )
    server = load_settings({}, env={"SPARKLE_DOTENV": ""})
    _same_backends(server, row, "r1")
    _same_backends(with_adapters(server, {"tts": "espeak"}), row, "r1")
    env = {"SPARKLE_DOTENV": "", "SPARKLE_ADAPTERS": "lipsync=wav2lip"}  # only named keys count
    _same_backends(with_adapters(load_settings({}, env=env), {"tts": "espeak"}), row, "r1")
    for asked, field in (
        (with_adapters(server, {"tts": "piper"}), "adapters"),
        (with_fallbacks(server, {"tts": ["piper"]}), "fallbacks"),
    ):
        with pytest.raises(RunRequestError) as refused:
            _same_backends(asked, row, "r1")
        assert refused.value.field == field and "paused in its live process" in str(refused.value)
