"""The `wan` adapter on a tiny random-weight Wan 2.1 FLF2V pipeline, through diffusers' real
`from_pretrained(local_dir)` and inference: a clip has exactly the frames the timeline
planned (rendered as 4k+1 and resampled, first and last kept); the same seed gives the
same bytes and another seed other frames; the frames are a direct pipeline call's with
the same seed, first image and last image; one load for the stage; a cancelled run stops
between denoising steps; the frame arithmetic as a property."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest
import torch
from diffusers import WanImageToVideoPipeline
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from sparkle_motion.adapters.video.chunks import resample, wan_frames
from sparkle_motion.adapters.video.wan import WanClips
from sparkle_motion.config import reset_settings_cache, use_settings
from sparkle_motion.media.probe import probe
from sparkle_motion.subprocesses import CancelToken
from tests.conftest import make_settings
from tests.support.media import context, job, small_plan

SIZE = 64


@pytest.fixture
def wan(tiny_models) -> Iterator[None]:
    use_settings(make_settings(videos_wan_model=tiny_models["wan"]))
    yield
    reset_settings_cache()


@pytest.fixture
def frames(tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    Image.new("RGB", (SIZE, SIZE), (220, 40, 40)).save(a)
    Image.new("RGB", (SIZE, SIZE), (40, 40, 220)).save(b)
    return a, b


def clip_job(tmp_path, frames, name="clip", num_frames=7, seed=3, cancel=None):
    plan = small_plan("short.json", width=SIZE, height=SIZE)
    ctx = context(plan)
    step = next(s for s in ctx.plan.steps if s.type == "video")
    step.opts.num_frames, step.opts.seed, step.opts.steps = num_frames, seed, 2
    inputs = {step.start_frames[0]: frames[0]}
    if step.end_frames:
        inputs[step.end_frames[0]] = frames[1]
    extra = {"cancel": cancel} if cancel is not None else {}
    return ctx, step, job(ctx, step.id, inputs, tmp_path / name, **extra)


def decoded(path) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def test_a_clip_has_the_planned_frames_and_the_same_seed_the_same_bytes(wan, frames, tmp_path):
    adapter = WanClips()
    one = clip_job(tmp_path, frames, "one")[2]
    (first,) = adapter.run(one)
    assert probe(first.data).frames == 7 and first.metadata["generated_frames"] == 9
    (again,) = WanClips().run(clip_job(tmp_path, frames, "two")[2])
    assert again.data.read_bytes() == first.data.read_bytes()
    (other,) = adapter.run(clip_job(tmp_path, frames, "three", seed=4)[2])
    assert other.data.read_bytes() != first.data.read_bytes()
    events = [name for name, _ in first.metadata["events"]]
    assert events.count("denoise_step") == 2 and events[0] == "load_start"
    later = [name for name, _ in other.metadata["events"]]
    assert "load_start" not in later  # the pipeline stayed loaded for the stage
    adapter.unload()
    assert not adapter.loaded()


def test_the_frames_are_a_direct_first_and_last_frame_call(wan, frames, tiny_models, tmp_path):
    _, step, one = clip_job(tmp_path, frames, num_frames=9)
    (clip,) = WanClips().run(one)
    pipe = WanImageToVideoPipeline.from_pretrained(str(tiny_models["wan"]), local_files_only=True)
    pipe.set_progress_bar_config(disable=True)
    direct = pipe(
        image=Image.open(frames[0]).convert("RGB"),
        last_image=Image.open(frames[1] if step.end_frames else frames[0]).convert("RGB"),
        prompt=step.prompt,
        height=SIZE,
        width=SIZE,
        num_frames=9,
        num_inference_steps=2,
        guidance_scale=5.0,
        generator=torch.Generator("cpu").manual_seed(3),
        output_type="np",
    ).frames[0]
    expected = np.clip(np.rint(direct * 255), 0, 255).astype(np.uint8)
    got = decoded(clip.data)
    assert got.shape == expected.shape
    # the clip went through H.264 (lossy): each frame stays close to the pipeline's
    assert np.abs(got.astype(int) - expected.astype(int)).mean() < 12


def test_a_cancelled_run_stops_between_denoising_steps(wan, frames, tmp_path):
    cancel = CancelToken("wan-test")
    cancel.cancel()
    with pytest.raises(KeyboardInterrupt):
        WanClips().run(clip_job(tmp_path, frames, cancel=cancel)[2])


@given(st.integers(min_value=1, max_value=400))
def test_frames_are_rendered_as_4k_plus_1_and_resampled_to_the_plan(frames):
    made = wan_frames(frames)
    assert made >= frames and (made - 1) % 4 == 0 and made - frames < 4
    picked = resample(made, frames)
    assert len(picked) == frames and picked[0] == 0
    assert frames == 1 or picked[-1] == made - 1
    assert picked == sorted(picked) and len(set(picked)) == frames


def test_loading_is_serialised_per_adapter(wan, frames, tmp_path):
    adapter = WanClips()
    errors: list[BaseException] = []

    def render(name: str) -> None:
        try:
            adapter.run(clip_job(tmp_path, frames, name)[2])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=render, args=(f"t{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    loads = [n for n, _ in adapter.events if n == "load_start"]
    assert loads == []  # the second step reused the first one's load


# ------------------------------------------------------------------ chunks and the OOM ladder


@pytest.fixture
def chunked(tiny_models) -> Iterator[None]:
    """Chunks of 9 frames sharing 2 (the minimum 5): a 20-frame shot is 3 chunks."""
    use_settings(
        make_settings(
            videos_wan_model=tiny_models["wan"],
            videos_wan_chunk_frames=9,
            videos_wan_chunk_overlap=2,
            videos_wan_min_chunk_frames=5,
        )
    )
    yield
    reset_settings_cache()


def test_a_long_shot_renders_in_chunks_the_last_ending_on_the_end_keyframe(
    chunked, frames, tiny_models, tmp_path
):
    _, step, one = clip_job(tmp_path, frames, num_frames=20)
    adapter = WanClips()
    (clip,) = adapter.run(one)
    layout = clip.metadata["chunks"]
    assert [(c["start"], c["frames"]) for c in layout] == [(0, 9), (7, 9), (11, 9)]
    assert probe(clip.data).frames == 20 and clip.metadata["generated_frames"] == 27
    assert [f["chunk"] for n, f in clip.metadata["events"] if n == "chunk_start"] == [0, 1, 2]
    # the final chunk is a direct call from the previous chunk's tail to the end keyframe
    seen: list[dict] = []
    pipe = adapter._pipe("cpu")
    real = pipe.__class__.__call__

    def spy(self, **kwargs):
        seen.append(kwargs)
        return real(self, **kwargs)

    pipe.__class__.__call__ = spy
    try:
        adapter.run(clip_job(tmp_path, frames, "again", num_frames=20)[2])
    finally:
        pipe.__class__.__call__ = real
    assert [k["last_image"] is None for k in seen] == [True, True, False]
    end = np.asarray(Image.open(frames[1] if step.end_frames else frames[0]).convert("RGB"))
    assert np.array_equal(np.asarray(seen[-1]["last_image"]), end)
    assert [k["num_frames"] for k in seen] == [9, 9, 9]
    assert np.array_equal(np.asarray(seen[0]["image"]), np.asarray(Image.open(frames[0])))
    assert seen[1]["image"].size == (SIZE, SIZE)  # a frame of chunk 0, not a keyframe
    assert not np.array_equal(np.asarray(seen[1]["image"]), np.asarray(Image.open(frames[0])))


@pytest.fixture
def oom(monkeypatch):
    """The tiny pipeline runs out of CUDA memory for calls of more than `limit["frames"]`
    frames (or on any device but the CPU when `limit["cpu_only"]`); `calls` lists them."""
    limit = {"frames": 10_000, "cpu_only": False, "device": "cpu"}
    calls: list[int] = []
    real = WanImageToVideoPipeline.__call__

    def call(self, **kwargs):
        calls.append(kwargs["num_frames"])
        too_big = kwargs["num_frames"] > limit["frames"]
        if too_big or (limit["cpu_only"] and limit["device"] != "cpu"):
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(self, **kwargs)

    monkeypatch.setattr(WanImageToVideoPipeline, "__call__", call)
    return limit, calls


def test_out_of_memory_shrinks_the_chunks_until_they_fit(wan, frames, tmp_path, oom):
    limit, calls = oom
    limit["frames"] = 13
    (clip,) = WanClips().run(clip_job(tmp_path, frames, num_frames=33)[2])
    # 33 frames: one 33-frame call, then chunks of 29 (fitted 64 -> 61 -> 29), then 13
    assert [a["chunk_frames"] for a in clip.metadata["oom_attempts"]] == [61, 29]
    assert max(c["frames"] for c in clip.metadata["chunks"]) <= 13
    assert probe(clip.data).frames == 33 and clip.metadata["device"] == "cpu"
    assert calls[:2] == [33, 29] and all(n <= 13 for n in calls[2:])
    notes = clip.metadata["policy_annotations"]
    assert len(notes) == 2 and all(n.startswith("videos_stage.oom: cpu") for n in notes)


def test_out_of_memory_everywhere_tries_the_next_device_then_the_cpu(
    wan, frames, tmp_path, monkeypatch, oom
):
    from sparkle_motion.errors import ModelOOMExhaustedError

    limit, _ = oom
    limit["cpu_only"] = True
    adapter = WanClips()
    real = adapter._pipe("cpu")
    tried: list[str] = []

    def pipe_on(device):  # this machine has one device: the CPU plays each one
        tried.append(device)
        limit["device"] = device
        return real

    cpu = adapter._generator
    monkeypatch.setattr(adapter, "_devices", lambda device: ["cuda:0", "cuda:1", "cpu"])
    monkeypatch.setattr(adapter, "_pipe", pipe_on)
    monkeypatch.setattr(adapter, "_generator", lambda device, seed: cpu("cpu", seed))
    (clip,) = adapter.run(clip_job(tmp_path, frames, num_frames=7)[2])
    assert clip.metadata["device"] == "cpu"
    # a 7-frame shot is one 9-frame call at any chunk size: one try per device
    assert [(a["device"], a["chunk_frames"]) for a in clip.metadata["oom_attempts"]] == [
        ("cuda:0", 61),
        ("cuda:1", 61),
    ]
    assert tried == ["cuda:0", "cuda:1", "cpu"]
    # nowhere fits: a permanent error listing every attempt (the engine does not retry it)
    limit["frames"] = 0
    with pytest.raises(ModelOOMExhaustedError) as caught:
        adapter.run(clip_job(tmp_path, frames, "none", num_frames=7)[2])
    assert not caught.value.transient
    assert caught.value.context["attempts"] == [
        "cuda:0 chunk 61",
        "cuda:1 chunk 61",
        "cpu chunk 61",
    ]


def test_a_model_call_past_its_timeout_fails_naming_the_setting(tiny_models, frames, tmp_path):
    from sparkle_motion.errors import StageTimeoutError

    use_settings(make_settings(videos_wan_model=tiny_models["wan"], model_timeout_s=1e-6))
    try:
        with pytest.raises(StageTimeoutError, match="SPARKLE_MODEL_TIMEOUT_S") as caught:
            WanClips().run(clip_job(tmp_path, frames)[2])
        assert caught.value.transient and "step 1 of 2" in str(caught.value)
    finally:
        reset_settings_cache()


def test_a_sampler_swap_lasts_one_step(wan, frames, tmp_path):
    from sparkle_motion.errors import PermanentStageError

    adapter = WanClips()
    (plain,) = adapter.run(clip_job(tmp_path, frames, "plain")[2])
    _, step, swapped_job = clip_job(tmp_path, frames, "dpm")
    step.opts.sampler = "dpmpp_2m"
    (swapped,) = adapter.run(swapped_job)
    assert swapped.metadata["sampler"] == "DPMSolverMultistepScheduler"
    own = type(adapter._pipe("cpu")._sparkle_own_scheduler).__name__
    assert plain.metadata["sampler"] == own != "DPMSolverMultistepScheduler"  # the weights' own
    assert swapped.data.read_bytes() != plain.data.read_bytes()
    (again,) = adapter.run(clip_job(tmp_path, frames, "again")[2])  # the same held pipeline
    assert again.data.read_bytes() == plain.data.read_bytes()
    step.opts.sampler = "heun"
    with pytest.raises(PermanentStageError, match=r"opts.sampler: 'heun' is not one of unipc"):
        adapter.run(swapped_job)
