"""The HTTP transport against a real tool app on loopback: it renders what the in-process
adapter renders; a backend the tool cannot run comes back as the same typed error; a wrong
token is a permanent error naming the 401; a tool that never answers is a transient error
after SPARKLE_TOOL_WAIT_S; a cancelled run stops waiting at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from sparkle_motion.adapters.images.procedural import ProceduralKeyframes
from sparkle_motion.catalog.remote import RemoteAdapter
from sparkle_motion.catalog.where import Placement
from sparkle_motion.errors import (
    MissingDependencyError,
    MissingWeightsError,
    PermanentStageError,
    TransientStageError,
)
from sparkle_motion.subprocesses import CancelToken
from sparkle_motion.tools import images_sdxl
from tests.conftest import make_settings
from tests.support.media import context, job, small_plan
from tests.support.served import Served

TOKEN = "remote-test-token-0123"


@pytest.fixture(scope="module")
def tool(tmp_path_factory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("remote-tool")
    settings = make_settings(home=home, runs_dir=home / "runs")
    served = Served(images_sdxl.create_app(settings, token=TOKEN))
    yield served
    served.stop()


def remote(url: str, backend: str = "procedural_keyframes", token: str = TOKEN, wait=5.0):
    settings = make_settings(tool_wait_s=wait, api_token=TOKEN)
    return RemoteAdapter(Placement(backend, "images_sdxl", url), settings, token)


def test_a_keyframe_over_the_transport_is_the_in_process_one(tool, tmp_path):
    ctx = context(small_plan("short.json"))
    adapter = remote(tool.url)
    assert adapter.version == ProceduralKeyframes.version and adapter.model_id is None
    there = adapter.run(job(ctx, "image.kf-000", {}, tmp_path / "remote"))
    here = ProceduralKeyframes().run(job(ctx, "image.kf-000", {}, tmp_path / "local"))
    assert [o.name for o in there] == [o.name for o in here]
    local = here[0].data if isinstance(here[0].data, bytes) else here[0].data.read_bytes()
    assert there[0].data.read_bytes() == local


def test_a_backend_the_tool_cannot_run_is_the_same_typed_error(tool, tmp_path):
    ctx = context(small_plan("short.json"))
    with pytest.raises(MissingWeightsError, match="IMAGES_SDXL_MODEL is not set"):
        remote(tool.url, backend="sdxl").run(job(ctx, "image.kf-000", {}, tmp_path))
    with pytest.raises(MissingDependencyError, match="cannot run"):  # asked before it renders
        remote(tool.url, backend="sdxl").preflight(ctx.render_profile)


def test_a_wrong_token_is_a_permanent_error_naming_the_401(tool, tmp_path):
    with pytest.raises(PermanentStageError, match="401"):
        remote(tool.url, token="not-the-token-0123456").info()


def test_a_tool_that_never_answers_is_transient_after_the_wait(tmp_path):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    started = time.monotonic()
    with pytest.raises(TransientStageError, match="does not answer"):
        remote(url, wait=0.6).info()
    assert 0.5 < time.monotonic() - started < 5


def test_a_cancelled_run_stops_waiting_at_once(tool, tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    ctx = context(small_plan("short.json"))
    adapter = remote(url, wait=60)
    adapter._info = {"name": "procedural_keyframes", "ready": True, "version": "1"}
    cancel = CancelToken("test")
    threading.Timer(0.5, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        adapter.run(job(ctx, "image.kf-000", {}, tmp_path, cancel=cancel))
    assert time.monotonic() - started < 3


def test_a_tool_found_down_is_not_waited_for_again_at_once(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    adapter = remote(url, wait=0.4)
    with pytest.raises(TransientStageError):
        adapter.info()
    started = time.monotonic()
    with pytest.raises(TransientStageError, match="does not answer"):
        adapter.version  # noqa: B018 - the property asks the tool
    assert time.monotonic() - started < 0.2  # remembered, not waited for again


def test_a_dry_run_reports_a_tool_that_is_down_instead_of_failing(tmp_path):
    import shutil
    import socket

    import yaml

    from sparkle_motion.production_agent.dry import dry_report
    from sparkle_motion.resources import configs_dir

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    configs = tmp_path / "configs"
    shutil.copytree(configs_dir(), configs)
    catalog = yaml.safe_load((configs / "tool_registry.yaml").read_text())
    catalog["tools"]["videos_wan"] = f"http://127.0.0.1:{port}"
    catalog["backends"]["ffmpeg_motion"] = "remote"
    (configs / "tool_registry.yaml").write_text(yaml.safe_dump(catalog))
    settings = make_settings(
        home=tmp_path / "home", configs_dir=configs, tool_wait_s=0.3, api_token=TOKEN
    )
    report = dry_report(small_plan("short.json"), "dry-down", settings)
    assert [s.stage for s in report.steps if s.stage == "video"] == []
    assert any("does not answer" in b.message for b in report.blockers), report.blockers


def test_a_tool_whose_backend_changed_since_the_key_is_refused(tool, tmp_path):
    ctx = context(small_plan("short.json"))
    adapter = remote(tool.url)
    adapter._info = {"name": "procedural_keyframes", "ready": True, "version": "0-old"}
    with pytest.raises(PermanentStageError, match="changed under the run"):
        adapter.run(job(ctx, "image.kf-000", {}, tmp_path))
    assert adapter.version == ProceduralKeyframes.version  # asked again afterwards
