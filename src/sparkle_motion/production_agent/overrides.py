"""Per-stage backend overrides: `--adapter tts=piper` (or SPARKLE_ADAPTERS) on the CLI, the
`adapters` field of POST /invoke and /resume; and the fallbacks tried after a stage's
backend fails for good, `--fallback lipsync=audio_mux` (SPARKLE_FALLBACKS), the `fallbacks`
field. One check for every front door, made by the run service before anything is recorded:

    key    a render profile `adapters:` key of the stage table (images, video, tts, ...)
    value  a registered adapter of that kind: a built-in's kind is its folder under
           adapters/ (adapters/tts/preview.py renders tts); one registered at run time
           from elsewhere (`registry.register`) has no folder, and any kind may name it

A bad one is a RunRequestError naming `adapters.<key>` or `fallbacks.<key>` (CLI exit 2,
HTTP 422).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..adapters.registry import BUILTIN, registered
from ..errors import RunRequestError
from ..stages import PROFILE_KEY_OF_STEP

PROFILE_KEYS: tuple[str, ...] = tuple(dict.fromkeys(PROFILE_KEY_OF_STEP.values()))
_PACKAGE = "sparkle_motion.adapters."


def backend_kind(name: str) -> str | None:
    """The folder under adapters/ of the built-in `name` (`tts` for piper); None for a
    name that is not built in."""
    module = BUILTIN.get(name, "").partition(":")[0]
    if not module.startswith(_PACKAGE):
        return None
    return module[len(_PACKAGE) :].partition(".")[0]


def backends_of(key: str) -> list[str]:
    """The registered adapters a `key` override may name."""
    return [n for n in registered() if backend_kind(n) in (key, None)]


def _check(field: str, key: str, name: str) -> None:
    if key not in PROFILE_KEYS:
        raise RunRequestError(
            f"must be a stage's profile key ({', '.join(PROFILE_KEYS)}), got {key!r}",
            field=field,
        )
    if name not in backends_of(key):
        raise RunRequestError(
            f"must be a registered {key} adapter ({', '.join(backends_of(key))}), got {name!r}",
            field=field,
        )


def check_adapters(overrides: Mapping[str, str]) -> list[str]:
    """{profile key: adapter} as the `kind=name` list a run keeps (settings `adapters`, the
    run row's metadata); RunRequestError naming `adapters.<key>` and the rule."""
    for key, name in overrides.items():
        _check(f"adapters.{key}", key, name)
    return [f"{key}={name}" for key, name in overrides.items()]


def check_fallbacks(overrides: Mapping[str, Sequence[str]]) -> list[str]:
    """{profile key: [adapter, ...]} as the `kind=name` list a run keeps (settings
    `fallbacks`, the run row's metadata), in order; RunRequestError naming
    `fallbacks.<key>` and the rule."""
    for key, names in overrides.items():
        for name in names:
            _check(f"fallbacks.{key}", key, name)
    return [f"{key}={name}" for key, names in overrides.items() for name in names]
