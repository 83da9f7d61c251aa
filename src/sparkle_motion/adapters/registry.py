"""name -> adapter factory. A new backend is one module plus one line in `BUILTIN` (or a
`register` call); the render profile (configs/render_profiles.yaml, `adapters:`) picks one
per stage kind. Built-ins are named by import path and imported on first use, so
`import sparkle_motion` stays light and a missing extra only fails the stage that needs it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping

from ..errors import MissingDependencyError, StageError
from ..schemas import RenderProfile, Step
from ..stages import CAPABILITY_OF_STEP, FIXED_ADAPTER, PROFILE_KEY_OF_STEP
from .base import Adapter, capable

BUILTIN: dict[str, str] = {
    "procedural_keyframes": "sparkle_motion.adapters.images.procedural:ProceduralKeyframes",
    "sdxl": "sparkle_motion.adapters.images.sdxl:SdxlKeyframes",
    "piper": "sparkle_motion.adapters.tts.preview:PreviewTTS",
    "espeak": "sparkle_motion.adapters.tts.preview:EspeakTTS",
    "chatterbox": "sparkle_motion.adapters.tts.chatterbox:Chatterbox",
    "tts_stage": "sparkle_motion.adapters.tts.stage:TtsStage",
    "ffmpeg_motion": "sparkle_motion.adapters.video.ffmpeg_motion:FfmpegMotion",
    "wan": "sparkle_motion.adapters.video.wan:WanClips",
    "audio_mux": "sparkle_motion.adapters.lipsync.audio_mux:AudioMux",
    "wav2lip": "sparkle_motion.adapters.lipsync.wav2lip:Wav2Lip",
    "ffmpeg": "sparkle_motion.adapters.assemble.ffmpeg:AssembleFfmpeg",
    "video_final": "sparkle_motion.adapters.finish.video_final:VideoFinal",
    "custom_handlers": "sparkle_motion.adapters.custom.handlers:CustomHandlers",
}

_FACTORIES: dict[str, Callable[[], Adapter]] = {}
_INSTANCES: dict[str, Adapter] = {}
_LOCK = threading.Lock()


def register(name: str, factory: Callable[[], Adapter]) -> None:
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)


def registered() -> list[str]:
    return sorted(set(_FACTORIES) | set(BUILTIN))


def _builtin(name: str) -> Callable[[], Adapter] | None:
    target = BUILTIN.get(name)
    if target is None:
        return None
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def adapter_named(name: str) -> Adapter:
    """One instance per name and process: adapters may hold a loaded model or voice."""
    with _LOCK:
        if name in _INSTANCES:
            return _INSTANCES[name]
        factory = _FACTORIES.get(name) or _builtin(name)
        if factory is None:
            raise MissingDependencyError(
                f"adapter {name!r} is not registered; known: {registered()}"
            )
        _INSTANCES[name] = adapter = factory()
        return adapter


def adapter_name_for(step: Step, profile: RenderProfile) -> str:
    """The backend that renders `step` under `profile` (fixed for custom and finalize
    steps); MissingDependencyError when the profile names none."""
    name = FIXED_ADAPTER.get(step.type)
    if name is not None:
        return name
    kind = PROFILE_KEY_OF_STEP.get(step.type)
    if kind is None:
        raise MissingDependencyError(f"{step.type} steps are not run by adapters", step_id=step.id)
    name = profile.adapters.get(kind)
    if name is None:
        raise MissingDependencyError(
            f"profile {profile.name!r} names no adapter for {kind}",
            step_id=step.id,
            context={"profile": profile.name, "profile_key": kind, "adapter": None},
        )
    return name


def named_for(name: str, step: Step, profile: RenderProfile) -> Adapter:
    """`adapter_named(name)`, its error naming the profile and the step."""
    try:
        return adapter_named(name)
    except MissingDependencyError as exc:
        raise MissingDependencyError(
            f"{exc.message} (profile {profile.name!r}, step {step.id})",
            step_id=step.id,
            context={
                "profile": profile.name,
                "profile_key": PROFILE_KEY_OF_STEP.get(step.type),
                "adapter": name,
            },
        ) from None


def adapter_for(step: Step, profile: RenderProfile) -> Adapter:
    """The in-process adapter for `step` (the catalog may place it in a tool instead:
    catalog.adapter_for)."""
    return named_for(adapter_name_for(step, profile), step, profile)


def declared(name: str) -> object | None:
    """Backend `name`'s code here (what it supports, its tier), None when it is not
    registered or does not import here (it renders in its tool)."""
    try:
        return adapter_named(name)
    except (StageError, ImportError):
        return None


def check_capable(adapter: Adapter, step: Step, profile: RenderProfile) -> None:
    """MissingDependencyError naming the profile key when the stage's backend says it does
    not support the stage's capability (one that declares nothing is trusted)."""
    capability = CAPABILITY_OF_STEP.get(step.type)
    if capable(declared(adapter.name) or adapter, capability):
        return
    kind = PROFILE_KEY_OF_STEP.get(step.type)
    raise MissingDependencyError(
        f"adapter {adapter.name!r} does not support {capability} (profile {profile.name!r}, "
        f"step {step.id})",
        step_id=step.id,
        context={"profile": profile.name, "profile_key": kind, "adapter": adapter.name},
    )


def fallback_names(
    step: Step, profile: RenderProfile, asked: Mapping[str, list[str]]
) -> tuple[str | None, list[str]]:
    """The step's profile key and the backends after its first: the profile's `fallbacks`
    for that key, then the run's `--fallback` ones (none for fixed-adapter steps)."""
    kind = PROFILE_KEY_OF_STEP.get(step.type)
    if kind is None or step.type in FIXED_ADAPTER:
        return None, []
    return kind, list(dict.fromkeys([*profile.fallbacks.get(kind, []), *asked.get(kind, [])]))


def with_fallbacks(
    adapter: Adapter,
    step: Step,
    profile: RenderProfile,
    resolve: Callable[[str], Adapter],
    asked: Mapping[str, list[str]] | None = None,
) -> Adapter:
    """`adapter`, with the stage's fallback backends after it (adapters/fallback.py) when
    the profile or the run names any; else `adapter` itself. MissingDependencyError when
    `adapter` declares it cannot do what the stage needs (`--adapter images=audio_mux`)."""
    check_capable(adapter, step, profile)
    asked = asked or {}
    kind, names = fallback_names(step, profile, asked)
    names = [n for n in names if n != adapter.name]
    if kind is None or not names:
        return adapter
    from .fallback import Fallback

    return Fallback(
        adapter,
        names,
        resolve,
        kind=kind,
        capability=CAPABILITY_OF_STEP.get(step.type),
        asked=asked.get(kind, []),
        declared=declared,
    )
