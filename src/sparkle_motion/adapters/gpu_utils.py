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
import gc
import resource
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import ModelOOMError

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
    if kind is not None and isinstance(exc, kind):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


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
