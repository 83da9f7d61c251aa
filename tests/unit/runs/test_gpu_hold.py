"""A GPU stage whose backend loads a model in the run's own process holds the host's GPU
lease while it renders (and gives it back after); a preview backend, a CPU profile or a
stage that is not a GPU stage takes none."""

from __future__ import annotations

import os

import pytest

from sparkle_motion.adapters import gpu
from sparkle_motion.adapters.gpu import GpuLease
from sparkle_motion.adapters.gpu_utils import ModelAdapter
from sparkle_motion.adapters.registry import adapter_named
from sparkle_motion.runs.gpu_hold import gpu_lease, needs_lease
from tests.conftest import make_settings
from tests.support.media import context


class FakeModel(ModelAdapter):
    name = "fake-model"
    version = "1"
    model_id = None


@pytest.fixture(autouse=True)
def _let_go():
    yield
    gpu._release_all()


def on(device: str | None):
    ctx = context()
    return ctx.model_copy(
        update={"render_profile": ctx.render_profile.model_copy(update={"device": device})}
    )


@pytest.fixture
def a_gpu(monkeypatch):
    """This machine has no CUDA: pretend it has, for the lease's decision."""
    from sparkle_motion.runs import gpu_hold

    monkeypatch.setattr(gpu_hold, "on_gpu", lambda device: True)


def test_a_local_model_stage_holds_the_lease_while_it_renders(tmp_path, a_gpu):
    settings = make_settings(home=tmp_path / "home")
    ctx = on("cuda")
    model = FakeModel()
    with gpu_lease(ctx, "base_images", lambda step, _ctx: model, settings) as held:
        assert held is not None and held.stage == "base_images"
        holder = GpuLease(root=settings.home / "locks").state()["holder"]
        assert holder["pid"] == os.getpid() and holder["stage"] == "base_images"
    assert GpuLease(root=settings.home / "locks").state()["holder"] is None


def test_a_profile_asking_for_cuda_on_a_host_without_it_takes_no_lease():
    assert not needs_lease(on("cuda"), "base_images", lambda step, _ctx: FakeModel())


def test_no_lease_without_a_local_model_a_gpu_device_or_a_gpu_stage(a_gpu):
    model = FakeModel()
    preview = adapter_named("procedural_keyframes")
    assert needs_lease(on("cuda:0"), "video", lambda step, _ctx: model)
    assert not needs_lease(on("cuda:0"), "base_images", lambda step, _ctx: preview)
    assert not needs_lease(on("cpu"), "base_images", lambda step, _ctx: model)
    assert not needs_lease(on(None), "base_images", lambda step, _ctx: model)
    assert not needs_lease(on("cuda:0"), "assemble", lambda step, _ctx: model)
