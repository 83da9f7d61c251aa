"""gpu_utils without a model: what counts as out of memory (CUDA's error, the CPU
allocator's, MemoryError), and which speed table a dry run uses for a device."""

from __future__ import annotations

import torch

from sparkle_motion.adapters import gpu_utils
from sparkle_motion.adapters.gpu_utils import estimate_device, is_oom


def test_out_of_memory_on_cuda_and_on_the_cpu_is_recognised():
    assert is_oom(torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB"))
    cpu = "[enforce fail at alloc_cpu.cpp:119] DefaultCPUAllocator: can't allocate memory"
    assert is_oom(RuntimeError(cpu)) and is_oom(MemoryError())
    assert not is_oom(RuntimeError("shape '[-1, 2050, 4]' is invalid for input of size 4100"))


def test_a_dry_run_estimates_cuda_only_where_there_is_one(monkeypatch):
    monkeypatch.setattr(gpu_utils, "host_has_cuda", lambda: False)
    assert estimate_device("cuda") == "cpu" and estimate_device(None) == "cpu"
    monkeypatch.setattr(gpu_utils, "host_has_cuda", lambda: True)
    assert estimate_device("cuda:1") == "cuda" and estimate_device("cpu") == "cpu"
