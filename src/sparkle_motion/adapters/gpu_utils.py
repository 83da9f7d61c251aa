"""`model_context`: load a model, use it, always unload it; what it cost, as events.

    with model_context("sdxl", weights, loader=StableDiffusionXLPipeline.from_pretrained,
                       device="cuda", dtype=torch.float16, variant="fp16",
                       on_event=say) as pipe:
        with inference("sdxl", "cuda", say):      # inference_start / inference_end
            images = pipe(...)

Events (name, fields): `load_start`, `load_complete` (load_s, peak_memory_mb, and on CUDA
peak_vram_mb), `inference_start`, `inference_end` (inference_s, peak memory), `cleanup`
(held_s). Peak memory is `torch.cuda.max_memory_allocated` on CUDA, the process's peak
RSS on CPU. A CUDA out-of-memory error, at load or inference, becomes ModelOOMError
(transient: a retry may fit once something else let go of the GPU). Unloading deletes
the model, runs `gc.collect()` and, when CUDA is present, `torch.cuda.empty_cache()`.

torch is imported only inside these functions: the preview never loads it.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import MissingWeightsError, ModelOOMError, StageTimeoutError

Event = Callable[[str, dict[str, Any]], None]


def _torch() -> Any:
    return sys.modules.get("torch")


def _cuda(device: str) -> bool:
    torch = _torch()
    return bool(torch is not None and device.startswith("cuda") and torch.cuda.is_available())


def peak_memory(device: str) -> dict[str, float]:
    """Peak memory so far: VRAM on CUDA (MB), and the process's peak RSS (MB)."""
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Linux: KiB
    found = {"peak_memory_mb": round(rss_kb / 1024, 1)}
    if _cuda(device):
        found["peak_vram_mb"] = round(_torch().cuda.max_memory_allocated() / 2**20, 1)
    return found


def is_oom(exc: BaseException) -> bool:
    torch = _torch()
    kind = getattr(getattr(torch, "cuda", None), "OutOfMemoryError", None) if torch else None
    if (kind is not None and isinstance(exc, kind)) or isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()  # CUDA's, and the CPU allocator's ("can't allocate memory")
    return isinstance(exc, RuntimeError) and (
        "out of memory" in text or "can't allocate memory" in text
    )


def free(device: str) -> None:
    gc.collect()
    if _cuda(device):
        _torch().cuda.empty_cache()


@contextlib.contextmanager
def model_context(
    name: str,
    weights: Any,
    *,
    loader: Callable[..., Any],
    device: str = "cpu",
    dtype: Any = None,
    offload: bool = False,
    max_memory: dict[Any, str] | None = None,
    low_cpu_mem_usage: bool = True,
    variant: str | None = None,
    on_event: Event | None = None,
) -> Iterator[Any]:
    """`loader(weights, ...)` (a `from_pretrained`, from the local folder only: never the
    hub) on `device`, yielded, and unloaded however the block ends. `offload` on CUDA
    keeps the model in CPU memory and moves each part to the GPU as it runs."""
    say = on_event or (lambda _name, _fields: None)

    def load() -> Any:
        options: dict[str, Any] = {"local_files_only": True, "low_cpu_mem_usage": low_cpu_mem_usage}
        if dtype is not None:
            options["dtype"] = dtype  # diffusers >= 0.42 (torch_dtype is deprecated)
        if max_memory:
            options["max_memory"] = max_memory
        if variant:
            options["variant"] = variant
        model = loader(str(weights), **options)
        if offload and _cuda(device):
            model.enable_model_cpu_offload()
        elif hasattr(model, "to"):
            model = model.to(device)
        return model

    if _cuda(device):
        _torch().cuda.reset_peak_memory_stats()
    say("load_start", {"model": name, "device": device})
    started = time.perf_counter()
    try:
        model = load()
    except Exception as exc:
        free(device)
        if is_oom(exc):
            raise ModelOOMError(f"{name}: out of memory loading on {device}: {exc}") from exc
        raise
    loaded = time.perf_counter()
    say(
        "load_complete",
        {"model": name, "device": device, "load_s": round(loaded - started, 3)}
        | peak_memory(device),
    )
    try:
        yield model
    finally:
        del model
        free(device)
        say(
            "cleanup",
            {"model": name, "device": device, "held_s": round(time.perf_counter() - loaded, 3)},
        )


@contextlib.contextmanager
def inference(name: str, device: str = "cpu", on_event: Event | None = None) -> Iterator[None]:
    """Around one model call: `inference_start` / `inference_end` with its time and peak
    memory; CUDA out-of-memory becomes ModelOOMError."""
    say = on_event or (lambda _name, _fields: None)
    say("inference_start", {"model": name, "device": device})
    started = time.perf_counter()
    try:
        yield
    except Exception as exc:
        if is_oom(exc):
            free(device)
            raise ModelOOMError(f"{name}: out of memory on {device}: {exc}") from exc
        raise
    say(
        "inference_end",
        {"model": name, "device": device, "inference_s": round(time.perf_counter() - started, 3)}
        | peak_memory(device),
    )


class Held:
    """Models kept loaded from one step to the next (every step of a stage), each inside its
    `model_context`, until `unload()` (the stage's end, a tool's POST /release) or until
    asked for under another key (other weights, another device)."""

    def __init__(self) -> None:
        self._stack: contextlib.ExitStack | None = None
        self._key: Any = None
        self.models: dict[str, Any] = {}

    def ensure(
        self, key: Any, enter: Callable[[contextlib.ExitStack], dict[str, Any]]
    ) -> dict[str, Any]:
        """The models for `key`: those held, or `enter(stack)`'s (each `model_context` it
        enters on the stack is unloaded with it)."""
        if self._stack is not None and self._key == key:
            return self.models
        self.unload()
        stack = contextlib.ExitStack()
        try:
            models = enter(stack)
        except BaseException:
            stack.close()
            raise
        self._stack, self._key, self.models = stack, key, models
        return models

    def loaded(self) -> bool:
        return self._stack is not None

    def unload(self) -> None:
        stack, self._stack, self._key, self.models = self._stack, None, None, {}
        if stack is not None:
            stack.close()


class ModelAdapter:
    """What an adapter whose backend is a model shares: the models it holds for the stage
    (`held`), a lock so one step renders at a time, and the step's events."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.held = Held()
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._sink: Event | None = None

    def loaded(self) -> bool:
        return self.held.loaded()

    def unload(self) -> None:
        """Drop the models (and their memory); the next step loads them again."""
        self.held.unload()

    def _begin(self, job: Any) -> None:
        """A step starts (under `_lock`): its own events, passed on live to the job's
        `on_event` too."""
        self.events = []
        self._sink = getattr(job, "on_event", None)

    def _end(self) -> None:
        """The step is over: later events (a release's cleanup) belong to no step."""
        self._sink = None

    def _say(self, name: str, fields: dict[str, Any]) -> None:
        self.events.append((name, fields))
        if self._sink is not None:
            with contextlib.suppress(Exception):  # telemetry never fails a render
                self._sink(name, fields)


def quiet_libraries() -> None:
    """No progress bars and no library warnings from diffusers and transformers (what a
    step wants to say goes in its record: a truncated prompt, a fallback)."""
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as transformers_logging

    diffusers_logging.disable_progress_bar()
    diffusers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()


def step_callback(
    say: Event, job: Any, steps: int, extra: dict[str, Any] | None = None
) -> Callable[..., dict[str, Any]]:
    """A diffusers `callback_on_step_end`: each denoising step an event; between steps a
    stopped run stops (KeyboardInterrupt) and a call past `SPARKLE_MODEL_TIMEOUT_S` fails
    (StageTimeoutError naming the setting)."""
    from ..config import get_settings

    limit = get_settings().model_timeout_s
    deadline = time.monotonic() + limit

    def callback(_pipe: Any, index: int, _timestep: Any, kwargs: dict[str, Any]) -> dict:
        say("denoise_step", {"step": index + 1, "of": steps, **(extra or {})})
        if job.cancel.cancelled:
            raise KeyboardInterrupt(f"{job.step.id}: the run was cancelled")
        if time.monotonic() > deadline:
            raise StageTimeoutError(
                f"{job.step.id}: a model call ran past SPARKLE_MODEL_TIMEOUT_S={limit:g}s "
                f"(stopped after denoising step {index + 1} of {steps})",
                step_id=job.step.id,
                context={"setting": "SPARKLE_MODEL_TIMEOUT_S", "timeout_s": limit},
            )
        return kwargs

    return callback


def use_sampler(pipe: Any, sampler: str | None, samplers: dict[str, str], step_id: str) -> str:
    """Give `pipe` the scheduler `sampler` names (a diffusers class in `samplers`), built
    from the weights' own scheduler config; None: the weights' own scheduler, also after an
    earlier step of the stage swapped it (a held pipeline serves many steps). Returns the
    scheduler's class name; PermanentStageError naming `opts.sampler` for an unknown one."""
    import diffusers

    from ..errors import PermanentStageError

    if not hasattr(pipe, "_sparkle_own_scheduler"):
        pipe._sparkle_own_scheduler = pipe.scheduler
    own = pipe._sparkle_own_scheduler
    if not sampler:
        pipe.scheduler = own
        return type(own).__name__
    name = samplers.get(sampler.lower())
    if name is None:
        raise PermanentStageError(
            f"{step_id}: opts.sampler: {sampler!r} is not one of {', '.join(samplers)}",
            step_id=step_id,
            context={"field": "opts.sampler"},
        )
    pipe.scheduler = getattr(diffusers, name).from_config(own.config)
    return name


def missing_files(folder: Path, needed: tuple[str, ...]) -> list[str]:
    return [name for name in needed if not (folder / name).exists()]


def check_weights(what: str, env: str, path: Path | None, needed: tuple[str, ...]) -> Path:
    """The weights folder, or MissingWeightsError naming the env var, the path and the
    files it lacks."""
    if path is None:
        raise MissingWeightsError(
            f"{env} is not set: the {what} weights are a local folder (never downloaded)",
            context={"env": env},
        )
    folder = Path(path)
    if not folder.is_dir():
        raise MissingWeightsError(f"{env}={folder}: no such folder", context={"env": env})
    lacking = missing_files(folder, needed)
    if lacking:
        raise MissingWeightsError(
            f"{env}={folder}: missing {', '.join(lacking)} (the {what} weights folder "
            f"holds {', '.join(needed)})",
            context={"env": env, "missing": lacking},
        )
    return folder


def model_id_of(folder: Path) -> str:
    """`<folder name>@<hash of its configs>`: the weights' identity in step keys (configs,
    not the gigabytes of weights, are hashed). Read once per folder and `model_index.json`
    version: a step asks for it several times (its key, its record, its files)."""
    index = folder / "model_index.json"
    stamp = index.stat().st_mtime_ns if index.exists() else 0
    return _model_id(folder.resolve(), stamp)


@functools.lru_cache(maxsize=32)
def _model_id(folder: Path, _stamp: int) -> str:
    digest = hashlib.sha256()
    for config in sorted(folder.glob("*.json")) + sorted(folder.glob("*/*config*.json")):
        digest.update(config.relative_to(folder).as_posix().encode())
        digest.update(config.read_bytes())
    return f"{folder.name}@{digest.hexdigest()[:12]}"


def host_has_cuda() -> bool:
    """Whether this host has a CUDA GPU, without importing torch when nothing did yet (a
    dry run, `/status`'s estimate): torch's answer if it is loaded, else the NVIDIA
    driver's device list."""
    torch = _torch()
    if torch is not None:
        return bool(torch.cuda.is_available())
    gpus = Path("/proc/driver/nvidia/gpus")
    return gpus.is_dir() and any(gpus.iterdir())


def estimate_device(wanted: str | None) -> str:
    """`cuda` or `cpu`: the speed table a dry run uses for a model asked to run on
    `wanted` here (CUDA asked on a host without it runs on the CPU)."""
    return "cuda" if (wanted or "").startswith("cuda") and host_has_cuda() else "cpu"


def device_for(wanted: str | None) -> tuple[str, bool]:
    """(device, cpu_fallback): the profile's device when it is there, else the CPU."""
    import torch

    wanted = wanted or "cpu"
    if wanted.startswith("cuda") and not torch.cuda.is_available():
        return "cpu", True
    return wanted, False


def metrics_of(events: list[tuple[str, dict[str, Any]]]) -> dict[str, float]:
    """A step's record metrics from its model events: load and inference seconds (summed),
    peak memory and VRAM (the largest seen)."""
    found: dict[str, float] = {}
    for name, fields in events:
        for key in ("load_s", "inference_s"):
            if key in fields and name in ("load_complete", "inference_end"):
                found[key] = round(found.get(key, 0.0) + float(fields[key]), 3)
        for key in ("peak_memory_mb", "peak_vram_mb"):
            if key in fields:
                found[key] = max(found.get(key, 0.0), float(fields[key]))
    return found
