"""The GPU lease: one holder per host and device, waiters in stage-table order, a dead holder
taken over at once, a hung one (live, stale heartbeat) named in a typed error."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sparkle_motion import config
from sparkle_motion.adapters import gpu
from sparkle_motion.adapters.gpu import GpuLease, process_started
from sparkle_motion.errors import GpuLeaseError, GpuLeaseTimeoutError, PermanentStageError
from tests.conftest import REPO

pytestmark = pytest.mark.timeout(30)

ENV = {**os.environ, "PYTHONPATH": str(REPO), "SPARKLE_DOTENV": ""}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "locks"


@pytest.fixture(autouse=True)
def _let_go():
    yield
    gpu._release_all()


@pytest.fixture
def procs():
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def lease(root: Path, ttl_s: float = 5.0) -> GpuLease:
    return GpuLease("cuda:0", root=root, ttl_s=ttl_s, poll_s=0.05)


def spawn_holder(procs, root: Path, stage: str, ttl_s: float, *extra: str) -> subprocess.Popen:
    """A child that holds the lease for `stage` (heartbeat every ttl_s/4) once this returns."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.gpu_holder", str(root), stage, str(ttl_s), *extra],
        cwd=REPO,
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    procs.append(proc)
    line = proc.stdout.readline()
    assert line == f"held {proc.pid}\n", (line, proc.poll() is not None and proc.stderr.read())
    return proc


def spawn_sleeper(procs) -> subprocess.Popen:
    proc = subprocess.Popen(["sleep", "30"])
    procs.append(proc)
    return proc


def write_holder(root: Path, pid: int, **fields) -> dict:
    """The lease file written by hand, as another process would have left it."""
    now = time.time()
    holder = {
        "pid": pid,
        "started": process_started(pid),
        "host": socket.gethostname(),
        "stage": "video",
        "since": now - 120,
        "heartbeat_at": now,
        "token": "by-hand",
        **fields,
    }
    root.mkdir(parents=True, exist_ok=True)
    (root / "gpu-cuda:0.lease").write_text(
        json.dumps({"device": "cuda:0", "holder": holder, "waiters": []})
    )
    return holder


def in_thread(fn):
    """Run `fn` in a thread; returns (thread, box) where box gets 'value' or 'error'."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc
        box["at"] = time.time()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def wait_until(predicate, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


# --------------------------------------------------------------------------- one process


def test_acquire_release_and_reenter(root):
    g = lease(root)
    first = g.acquire("video")
    holder = g.state()["holder"]
    assert holder["pid"] == os.getpid() and holder["stage"] == "video"
    assert holder["started"] == process_started(os.getpid())

    again = g.acquire("video", timeout_s=0)  # re-entrant: no wait, same holder
    assert g.state()["holder"]["token"] == holder["token"]
    assert again.release() is True
    assert again.release() is False  # a handle gives back once
    assert first.held and g.state()["holder"]["token"] == holder["token"]
    assert first.release() is True
    assert not first.held and g.state()["holder"] is None

    with g.hold("base_images") as held:
        assert held.held and g.state()["holder"]["stage"] == "base_images"
    assert not held.held and g.state()["holder"] is None


def test_release_of_a_stage_drops_every_reentry(root):
    g = lease(root)
    a, b = g.acquire("video"), g.acquire("video")
    assert g.release("video") is True  # POST /release: the stage is over
    assert g.state()["holder"] is None and not a.held and not b.held
    assert a.release() is False and g.release("video") is False


def test_holder_heartbeats_until_released(root):
    g = lease(root, ttl_s=0.4)  # a beat every 0.1 s
    held = g.acquire("video")
    first = g.state()["holder"]["heartbeat_at"]
    wait_until(lambda: g.state()["holder"]["heartbeat_at"] > first, 2.0)
    held.release()
    wait_until(
        lambda: not any(t.name.startswith("sparkle-gpu-lease") for t in threading.enumerate()),
        2.0,
    )


def test_other_stage_of_the_same_process_waits(root):
    g = lease(root)
    held = g.acquire("base_images")
    with pytest.raises(GpuLeaseTimeoutError):
        g.acquire("video", timeout_s=0.2)
    held.release()
    g.acquire("video", timeout_s=0).release()


# --------------------------------------------------------------------------- two processes


def test_waiter_gets_it_right_after_the_child_releases(root, procs):
    child = spawn_holder(procs, root, "base_images", 2.0, "--hold-s", "1.5")
    g = lease(root, ttl_s=5.0)
    beat = g.state()["holder"]
    assert beat["pid"] == child.pid
    wait_until(lambda: g.state()["holder"]["heartbeat_at"] > beat["heartbeat_at"], 2.0)

    held = g.acquire("video", timeout_s=10)
    got_at = time.time()
    released_at = float(child.stdout.readline().split()[1])
    assert released_at <= got_at < released_at + 1.0
    assert g.state()["holder"]["pid"] == os.getpid()
    held.release()


def test_sigkilled_holder_is_taken_over_at_once(root, procs):
    child = spawn_holder(procs, root, "base_images", 30.0)  # heartbeat fresh all along
    g = lease(root, ttl_s=30.0)
    thread, box = in_thread(lambda: g.acquire("video", timeout_s=10))
    time.sleep(0.3)
    assert "value" not in box and "error" not in box  # waiting: the holder lives
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    killed_at = time.time()
    thread.join(5)
    assert "value" in box, box
    assert box["at"] - killed_at < 1.0
    assert g.state()["holder"]["pid"] == os.getpid()
    box["value"].release()


def test_reused_pid_counts_as_gone(root, procs):
    sleeper = spawn_sleeper(procs)
    write_holder(root, sleeper.pid, started=(process_started(sleeper.pid) or 0) + 1)
    t0 = time.monotonic()
    lease(root).acquire("video", timeout_s=5).release()
    assert time.monotonic() - t0 < 1.0


def test_live_holder_with_stale_heartbeat_fails_naming_it(root, procs):
    sleeper = spawn_sleeper(procs)  # alive, and never beats
    write_holder(root, sleeper.pid, heartbeat_at=time.time() - 60)
    t0 = time.monotonic()
    with pytest.raises(GpuLeaseError) as caught:
        lease(root, ttl_s=5).acquire("lipsync", timeout_s=10)
    assert time.monotonic() - t0 < 1.0  # at once, not after the timeout
    err = caught.value
    assert not isinstance(err, GpuLeaseTimeoutError) and isinstance(err, PermanentStageError)
    assert f"pid {sleeper.pid}" in err.message and "'video'" in err.message
    assert "since 2.0min" in err.message and "heartbeat 60.0s ago" in err.message
    assert f"kill {sleeper.pid}" in err.message
    assert err.stage == "lipsync" and err.context["reason"] == "stale"
    assert err.context["holder"]["pid"] == sleeper.pid
    state = lease(root).state()
    assert state["holder"]["pid"] == sleeper.pid and state["waiters"] == []


def test_hung_child_is_named_once_its_heartbeat_goes_stale(root, procs):
    child = spawn_holder(procs, root, "video", 1.0)
    os.kill(child.pid, signal.SIGSTOP)  # alive, but its heartbeat thread stops
    try:
        time.sleep(1.3)
        with pytest.raises(GpuLeaseError) as caught:
            lease(root, ttl_s=1.0).acquire("lipsync", timeout_s=10)
        assert f"pid {child.pid}" in caught.value.message
    finally:
        os.kill(child.pid, signal.SIGCONT)


def test_timeout_names_the_holder(root, procs):
    sleeper = spawn_sleeper(procs)
    write_holder(root, sleeper.pid)  # alive, heartbeat fresh
    g = lease(root, ttl_s=30)
    t0 = time.monotonic()
    with pytest.raises(GpuLeaseTimeoutError) as caught:
        g.acquire("lipsync", timeout_s=0.5)
    assert 0.45 <= time.monotonic() - t0 < 1.5
    assert f"pid {sleeper.pid}" in caught.value.message and "'video'" in caught.value.message
    assert caught.value.context["reason"] == "timeout"
    assert g.state()["waiters"] == []  # a waiter that gave up leaves the line


def test_gpu_stages_take_it_in_stage_table_order(root, procs):
    child = spawn_holder(procs, root, "dialogue_audio", 5.0)
    g = lease(root)
    order: list[str] = []

    def work(stage):
        with g.hold(stage, timeout_s=10):
            order.append(stage)
            time.sleep(0.2)

    def waiting():
        return [w["stage"] for w in g.state()["waiters"]]

    video, _ = in_thread(lambda: work("video"))  # asks first
    wait_until(lambda: waiting() == ["video"])
    images, _ = in_thread(lambda: work("base_images"))
    wait_until(lambda: sorted(waiting()) == ["base_images", "video"])
    child.stdin.write("release\n")
    child.stdin.flush()
    video.join(10)
    images.join(10)
    assert order == ["base_images", "video"]
    assert g.state() == {"device": "cuda:0", "holder": None, "waiters": []}


def test_a_non_holder_cannot_free_anothers_lease(root, procs):
    child = spawn_holder(procs, root, "video", 5.0)
    g = lease(root)
    assert g.release("video") is False and g.release() is False
    assert g.state()["holder"]["pid"] == child.pid

    # our own handle, after the lease went to someone else, frees nothing either
    child.stdin.write("release\n")
    child.stdin.flush()
    child.wait(5)
    ours = g.acquire("video", timeout_s=5)
    sleeper = spawn_sleeper(procs)
    write_holder(root, sleeper.pid)
    assert ours.release() is False
    assert g.state()["holder"]["pid"] == sleeper.pid


def test_normal_exit_gives_the_lease_back(root, procs):
    child = spawn_holder(procs, root, "video", 5.0, "--exit-holding")
    assert child.wait(5) == 0
    assert lease(root).state()["holder"] is None


# --------------------------------------------------------------------------- where, what


def test_lock_file_lives_in_the_state_home_and_holds_no_secrets(monkeypatch, _sparkle_home):
    monkeypatch.setenv("SPARKLE_API_TOKEN", "sekrit-token-123456789")
    monkeypatch.setenv("GOOGLE_API_KEY", "sekrit-google-key")
    monkeypatch.setenv("SPARKLE_GPU_LEASE_TTL_S", "7")
    config.reset_settings_cache()
    try:
        g = GpuLease()
    finally:
        config.reset_settings_cache()
    assert g.ttl_s == 7.0
    assert g.path == _sparkle_home / "locks" / "gpu-cuda:0.lease"
    with g.hold("video"):
        text = g.path.read_text()
    assert "sekrit" not in text and "sekrit" not in g.lock_path.read_text()
    assert set(json.loads(text)) == {"device", "holder", "waiters"}
    assert set(json.loads(text)["holder"]) == {
        "pid", "started", "host", "stage", "since", "heartbeat_at", "token",
    }  # fmt: skip
    assert not list(g.root.glob("*.tmp"))


@pytest.mark.parametrize(
    "kwargs",
    [{"device": "../x"}, {"device": ""}, {"ttl_s": 0}, {"ttl_s": 1, "poll_s": 1}, {"poll_s": 0}],
)
def test_bad_arguments_are_refused(root, kwargs):
    with pytest.raises(ValueError):
        GpuLease(root=root, **kwargs)


def test_bad_stage_or_timeout_is_refused(root):
    with pytest.raises(ValueError, match="stage"):
        lease(root).acquire("../video")
    with pytest.raises(ValueError, match="timeout_s"):
        lease(root).acquire("video", timeout_s=-1)
