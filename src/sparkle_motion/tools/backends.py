"""The backends one FunctionTool serves: which exist, which are ready, one instance each.

A backend is an adapter registry name (`adapters/registry.py`) listed in the tool's
tool.yaml. Its state is honest: registered (a backend that is not built yet is not),
importable (`adapter_named` builds it), weights present (each Settings path the tool.yaml
names is set and exists), loaded (when the adapter says so). Asked for one that is not
ready, the tool raises a typed error (MissingDependencyError, MissingWeightsError: 503),
never a fake result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from ..adapters.base import Adapter
from ..adapters.registry import adapter_named, registered
from ..catalog.tool_specs import BackendSpec, ToolSpec
from ..config import ENV_TABLE, Settings
from ..errors import MissingDependencyError, MissingWeightsError, RunRequestError
from ..stages import STAGE_TABLE, Stage
from .lease import GpuLeaseSeam
from .models import BackendState

ENV_OF: dict[str, str] = {var.setting: var.names[0] for var in ENV_TABLE}


def tool_stage(spec: ToolSpec) -> Stage:
    return next(s for s in STAGE_TABLE if s.name == spec.stage and s.tool_id == spec.id)


def backend_spec(spec: ToolSpec, name: str | None) -> BackendSpec:
    """The backend `name` of the tool (None: its default); RunRequestError (422) naming
    `backend` for one it does not list."""
    if name is None:
        return spec.default_backend
    found = spec.backend(name)
    if found is None:
        names = ", ".join(b.name for b in spec.backends)
        raise RunRequestError(f"backend: {spec.id} serves {names}, not {name!r}", field="backend")
    return found


def missing_weights(backend: BackendSpec, settings: Settings) -> list[str]:
    """What is missing of the local weights `backend` needs, each naming its env var."""
    missing = []
    for setting in backend.weights:
        env = ENV_OF.get(setting, setting.upper())
        value = getattr(settings, setting)
        if value is None:
            missing.append(f"{env} is not set (local weights; never downloaded)")
        elif not Path(value).exists():
            missing.append(f"{env}={value}: no such file or folder")
    return missing


def weights_lacking(adapter: Any) -> list[str]:
    """What the adapter's own check (`check_weights()`: SDXL, Wan, Chatterbox, Wav2Lip)
    says its weights folder lacks, file by file, in one line naming the env var."""
    check = getattr(adapter, "check_weights", None)
    if not callable(check):
        return []
    try:
        check()
    except MissingWeightsError as exc:
        return [exc.message]
    return []


def not_built(backend: BackendSpec) -> str:
    how = f"; it comes with {backend.install}" if backend.install else ""
    return (
        f"backend {backend.name!r} is not built yet: no adapter is registered under that name{how}"
    )


def loaded_state(adapter: Any) -> bool | None:
    value = getattr(adapter, "loaded", None)
    if callable(value):
        value = value()
    return value if isinstance(value, bool) else None


class Backends:
    """The tool's adapter backends: state, one instance each, a lock for those that may
    not run two steps at once, and the GPU lease seam."""

    def __init__(self, spec: ToolSpec, settings: Settings) -> None:
        self.spec, self.settings = spec, settings
        self.stage = tool_stage(spec)
        self.lease = GpuLeaseSeam(spec.id, self.stage.name, settings)
        self._instances: dict[str, Adapter] = {}
        self._locks: dict[str, threading.Lock] = {b.name: threading.Lock() for b in spec.backends}

    def spec_of(self, name: str | None) -> BackendSpec:
        return backend_spec(self.spec, name)

    def _instance(self, backend: BackendSpec) -> Adapter:
        if backend.name not in registered():
            raise MissingDependencyError(not_built(backend), context={"backend": backend.name})
        adapter = adapter_named(backend.name)
        self._instances[backend.name] = adapter
        return adapter

    def adapter(self, name: str | None) -> tuple[BackendSpec, Adapter]:
        """The ready adapter for `name`: 422 unknown, 503 not built, not importable or
        without its weights."""
        backend = self.spec_of(name)
        missing = missing_weights(backend, self.settings)
        if backend.name in registered() and missing:
            raise MissingWeightsError(
                f"backend {backend.name!r}: {'; '.join(missing)}", context={"backend": backend.name}
            )
        try:
            instance = self._instance(backend)
        except ImportError as exc:
            raise MissingDependencyError(
                f"backend {backend.name!r} does not import: {exc}"
                + (f" ({backend.install})" if backend.install else ""),
                context={"backend": backend.name},
            ) from None
        lacking = weights_lacking(instance)
        if lacking:
            raise MissingWeightsError(lacking[0], context={"backend": backend.name})
        return backend, instance

    def state(self, backend: BackendSpec) -> BackendState:
        missing: list[str] = []
        is_registered = backend.name in registered()
        importable, loaded, adapter = False, None, None
        if is_registered:
            try:
                adapter = self._instance(backend)
                importable, loaded = True, loaded_state(adapter)
            except (MissingDependencyError, ImportError) as exc:
                missing.append(getattr(exc, "message", None) or str(exc))
        else:
            missing.append(not_built(backend))
        weights = missing_weights(backend, self.settings)
        if not weights and adapter is not None:
            weights = weights_lacking(adapter)  # the folder is there: has it the files?
        missing += weights
        return BackendState(
            name=backend.name,
            default=backend.default,
            gpu=backend.gpu,
            planned=backend.planned,
            registered=is_registered,
            importable=importable,
            weights_present=not weights,
            loaded=loaded,
            version=adapter.version if adapter is not None else None,
            model_id=adapter.model_id if adapter is not None else None,
            concurrent=bool(getattr(adapter, "concurrent", False)),
            ready=is_registered and importable and not weights,
            missing=missing,
        )

    @contextmanager
    def running(self, backend: BackendSpec, adapter: Adapter) -> Iterator[None]:
        """Around one step: the backend's lock (unless it may run steps at once) and, for a
        GPU backend, the lease (kept until POST /release)."""
        guard = (
            nullcontext() if getattr(adapter, "concurrent", False) else self._locks[backend.name]
        )
        with guard:
            if backend.gpu:
                self.lease.take(backend.name)
            yield

    def release(self, name: str | None) -> tuple[list[str], list[str]]:
        """Drop the loaded state of `name` (None: every backend) where the adapter has an
        `unload()`; returns (asked, unloaded)."""
        asked = (
            [self.spec_of(name).name] if name is not None else [b.name for b in self.spec.backends]
        )
        unloaded = []
        for each in asked:
            adapter = self._instances.get(each)
            unload: Callable[[], Any] | None = getattr(adapter, "unload", None)
            if adapter is not None and callable(unload):
                with self._locks[each]:  # not while it renders
                    unload()
                unloaded.append(each)
        return asked, unloaded
