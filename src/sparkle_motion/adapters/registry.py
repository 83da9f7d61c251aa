"""name -> adapter factory. A new backend is one module plus one `register` line; the render
profile (configs/render_profiles.yaml, `adapters:`) picks one per stage kind."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import MissingDependencyError
from ..schemas import RenderProfile, Step
from .base import Adapter

STAGE_KIND_OF_STEP = {"image": "images", "video": "video", "tts": "tts", "lipsync": "lipsync"}

_FACTORIES: dict[str, Callable[[], Adapter]] = {}


def register(name: str, factory: Callable[[], Adapter]) -> None:
    _FACTORIES[name] = factory


def registered() -> list[str]:
    return sorted(_FACTORIES)


def adapter_for(step: Step, profile: RenderProfile) -> Adapter:
    kind = STAGE_KIND_OF_STEP.get(step.type)
    if kind is None:
        raise MissingDependencyError(f"{step.type} steps are not run by adapters", step_id=step.id)
    name = profile.adapters.get(kind)
    if name is None:
        raise MissingDependencyError(
            f"profile {profile.name!r} names no adapter for {kind}", step_id=step.id
        )
    factory = _FACTORIES.get(name)
    if factory is None:
        raise MissingDependencyError(
            f"adapter {name!r} (profile {profile.name!r}, {kind}) is not registered; known: {registered()}",
            step_id=step.id,
        )
    return factory()
