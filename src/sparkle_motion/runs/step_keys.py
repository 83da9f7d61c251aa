"""Step keys: a content hash of everything a step's output depends on.

    key = sha256(canonical JSON of {step content with each @ref replaced by the checksum of
          the artifact it names, adapter, adapter version, model id, seed})

The step's `id` and `title` are not content: renaming a shot does not redo its work.
Editing a shot's prompt, an upstream keyframe's bytes, the adapter's version or the seed
does. A key that is already completed is never executed again (Prefect's cache keys,
ComfyUI's ancestor-aware node keys, but persisted).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..schemas import Step
from ..schemas.common import STEP_REF_PREFIX
from ..schemas.steps import step_input_refs

KEY_VERSION = 1  # bump when the recipe below changes


class MissingUpstreamError(KeyError):
    """A step's @ref names a step whose output checksum is not known yet."""


def _resolve(value: Any, checksums: Mapping[str, str]) -> Any:
    if isinstance(value, str) and value.startswith(STEP_REF_PREFIX):
        ref = value[len(STEP_REF_PREFIX) :]
        if ref not in checksums:
            raise MissingUpstreamError(ref)
        return f"sha256:{checksums[ref]}"
    if isinstance(value, list):
        return [_resolve(v, checksums) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, checksums) for k, v in value.items()}
    return value


def step_key(
    step: Step,
    *,
    upstream: Mapping[str, str],
    adapter: str,
    adapter_version: str,
    model_id: str | None = None,
    seed: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """`upstream` maps step id -> checksum(s) of its output (for every @ref of `step`);
    `extra` carries what else the output depends on (the render profile's fingerprint,
    the checksums of local input files)."""
    content = step.model_dump(mode="json", exclude={"id", "title"})
    refs = {ref for _, ref in step_input_refs(step) if ref.startswith(STEP_REF_PREFIX)}
    needed = {r[len(STEP_REF_PREFIX) :] for r in refs}
    missing = needed - set(upstream)
    if missing:
        raise MissingUpstreamError(", ".join(sorted(missing)))
    payload = {
        "v": KEY_VERSION,
        "step": _resolve(content, upstream),
        "adapter": adapter,
        "adapter_version": adapter_version,
        "model_id": model_id,
        "seed": seed,
        "extra": dict(extra or {}),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
