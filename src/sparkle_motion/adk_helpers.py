"""The seed's helper façade over storage: one way for every tool and agent to publish
artifacts, write memory events and load schemas.

    publish_artifact(local_path=, artifact_type=, metadata=, run_id=, stage=) -> ArtifactRef
    publish_local(payload=, suffix=, metadata=, run_id=) -> ArtifactRef      (fixture helper)
    write_memory_event(run_id, event_type, payload, ts=None) -> event id
    ensure_schema_artifacts(schema_config_path) -> SchemaRegistry
    adk_memory_service(settings) -> an ADK memory service over the memory log
    request_human_input(run_id=, reason=, artifact_uri=, metadata=) -> RequestInput
    set_backend(HelperBackend(...))                                         (tests)

Departures from the seed, kept minimal: `publish_artifact` takes an optional `stage`
(default: the artifact type) because the store's layout is per stage; `publish_local`
takes the `run_id` its path needs (the seed's signature names no run). Without a run_id,
artifacts go to run `adhoc`. In ADK 2.x a human-input request is an interrupt inside a
running workflow, so `request_human_input` returns the `RequestInput` a workflow node
yields (its `interrupt_id` is the task id) instead of a queue's task id; it takes the
gate in `metadata["gate"]` (default `review`) and the shot in `metadata["shot"]`.

Nothing stays open between calls: each helper opens the store or database it needs from
the settings and closes it, unless `set_backend` (tests, embedding) or `backend(settings)`
(several calls on one connection) provides one.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .config import Settings, get_settings
from .errors import ArtifactPublishError, HumanInputRequestError, SparkleMotionError
from .schemas import ArtifactRef
from .schemas.registry import SchemaRegistry
from .schemas.registry import ensure_schema_artifacts as _ensure_schema_artifacts

ADHOC_RUN = "adhoc"


@dataclass
class HelperBackend:
    """What the helpers write to. Tests swap it with `set_backend`."""

    store: Any = None  # an artifact store (storage.open_artifact_store)
    memory: Any = None  # a storage.MemoryLog
    settings: Settings | None = None


_backend: HelperBackend | None = None  # set by set_backend: wins over any settings


@contextlib.contextmanager
def backend(settings: Settings | None = None) -> Iterator[HelperBackend]:
    """The backend set with `set_backend`, else one opened from `settings` (default: the
    process settings) for the block and closed after it."""
    if _backend is not None:
        yield _backend
        return
    from .storage import MemoryLog, open_artifact_store, open_database

    wanted = settings or get_settings()
    db = open_database(wanted)
    try:
        store = open_artifact_store(wanted, scan=False)
    except BaseException:
        db.close()
        raise
    try:
        yield HelperBackend(store, MemoryLog(db), wanted)
    finally:
        store.close()
        db.close()


@contextlib.contextmanager
def memory_log(settings: Settings | None = None) -> Iterator[Any]:
    """Just the memory log, for the block (no artifact store is opened for an event)."""
    if _backend is not None:
        yield _backend.memory
        return
    from .storage import MemoryLog, open_database

    db = open_database(settings or get_settings())
    try:
        yield MemoryLog(db)
    finally:
        db.close()


@contextlib.contextmanager
def set_backend(backend: HelperBackend) -> Iterator[HelperBackend]:
    """Route the helpers to `backend` inside the block (for tests and embedding)."""
    global _backend
    previous, _backend = _backend, backend
    try:
        yield backend
    finally:
        _backend = previous


def write_memory_event(
    run_id: str | None, event_type: str, payload: Mapping[str, Any], *, ts: datetime | None = None
) -> int:
    """Append an event to the memory log; MemoryWriteError on any failure."""
    with memory_log() as memory:
        return memory.write(run_id, event_type, payload, ts=ts)


def publish_artifact(
    *,
    local_path: Path,
    artifact_type: str,
    metadata: Mapping[str, Any] | None = None,
    run_id: str | None = None,
    stage: str | None = None,
) -> ArtifactRef:
    """Store the file at `local_path` in the configured artifact store."""
    path = Path(local_path)
    if not path.is_file():
        raise ArtifactPublishError(
            f"{path}: no such file to publish", context={"local_path": str(path)}
        )
    try:
        with backend() as opened:
            return opened.store.publish(
                run_id=run_id or ADHOC_RUN,
                stage=stage or artifact_type,
                name=path.name,
                data=path,
                artifact_type=artifact_type,
                metadata=dict(metadata or {}),
            )
    except SparkleMotionError:
        raise
    except Exception as exc:
        raise ArtifactPublishError(
            f"cannot publish {path}: {exc}", context={"local_path": str(path)}
        ) from exc


def publish_local(
    *, payload: bytes | str, suffix: str, run_id: str, metadata: Mapping[str, Any] | None = None
) -> ArtifactRef:
    """Write `payload` under runs/<run_id>/fixtures/ (named by its hash, so deterministic),
    mark it `fixture: true`, and log a memory event that it bypassed the artifact store."""
    from .storage.paths import check_segment, safe_join

    check_segment(run_id, "run_id")
    data = payload.encode() if isinstance(payload, str) else bytes(payload)
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest[:16]}{suffix if suffix.startswith('.') else '.' + suffix}"
    check_segment(name, "suffix")
    runs_dir = ((_backend.settings if _backend else None) or get_settings()).runs_dir
    runs_dir.mkdir(parents=True, exist_ok=True)
    target = safe_join(runs_dir, run_id, "fixtures", name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError as exc:
        raise ArtifactPublishError(f"cannot write {target}: {exc}") from exc
    import mimetypes

    ref = ArtifactRef(
        uri=target.resolve().as_uri(),
        artifact_type="fixture",
        mime_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        checksum_sha256=digest,
        size_bytes=len(data),
        run_id=run_id,
        name=name,
        local_path=str(target),
        metadata={**dict(metadata or {}), "fixture": True},
    )
    write_memory_event(
        run_id, "artifact_local_fallback", {"uri": ref.uri, "reason": "publish_local"}
    )
    return ref


def request_review(
    *,
    run_id: str,
    gate: str,
    reason: str,
    artifact_uri: str | None,
    shot: int | None = None,
    payload: Mapping[str, Any] | None = None,
    keyframes: list[int] | None = None,
    retaken: list[int] | None = None,
    kept: list[int] | None = None,
    memory: Any = None,
) -> Any:  # -> google.adk.events.RequestInput
    """Record a `review_requested` memory event and return the RequestInput a workflow node
    yields to pause; its interrupt id is the request's task id. `keyframes` lists the items
    of a review over several keyframes (a rejection may name some of them); `retaken`, those
    of them rendered again since a rejection (new); `kept`, keyframes approved earlier and
    not asked about again."""
    from google.adk.events.request_input import RequestInput

    from .runs.reviews import REQUESTED, interrupt_id

    key = interrupt_id(gate, shot)
    event = {
        "gate": gate,
        "shot": shot,
        "interrupt_id": key,
        "artifact_uri": artifact_uri,
        "message": reason,
        "keyframes": keyframes or [],
        "retaken": retaken or [],
        "kept": kept or [],
    }
    try:
        if memory is not None:
            memory.write(run_id, REQUESTED, event)
        else:
            write_memory_event(run_id, REQUESTED, event)
    except Exception as exc:
        raise HumanInputRequestError(
            f"{key}: cannot record the review request: {exc}", context={"run_id": run_id}
        ) from exc
    return RequestInput(
        interrupt_id=key, message=reason, payload=dict(payload or {"artifact_uri": artifact_uri})
    )


def request_human_input(
    *, run_id: str, reason: str, artifact_uri: str | None, metadata: Mapping[str, Any] | None = None
) -> Any:  # -> google.adk.events.RequestInput
    """The RequestInput for a workflow node to yield; HumanInputRequestError on failure."""
    meta = dict(metadata or {})
    return request_review(
        run_id=run_id,
        gate=str(meta.pop("gate", "review")),
        shot=meta.pop("shot", None),
        reason=reason,
        artifact_uri=artifact_uri,
        payload={"artifact_uri": artifact_uri, **meta},
    )


def current_memory(settings: Settings | None = None) -> Any:
    """A memory log for callers that keep it (the set backend's, else one on a database
    of its own, closed with `memory.db.close()`)."""
    if _backend is not None:
        return _backend.memory
    from .storage import MemoryLog, open_database

    return MemoryLog(open_database(settings or get_settings()))


def adk_memory_service(settings: Settings | None = None):  # -> SparkleMemoryService
    """ADK memory service for a Runner: agents' `load_memory` searches our memory log."""
    from .storage.adk_memory import SparkleMemoryService

    wanted = settings or (_backend.settings if _backend else None) or get_settings()
    return SparkleMemoryService(
        current_memory(wanted), wanted.adk_memory_path, user_id=wanted.user_id
    )


def ensure_schema_artifacts(schema_config_path: Path | None = None) -> SchemaRegistry:
    """configs/schema_artifacts.yaml -> the registry (SchemaRegistryError if it is bad)."""
    from .schemas.registry import CONFIG_NAME

    path = (
        schema_config_path
        or (_backend.settings if _backend and _backend.settings else get_settings()).configs_dir
        / CONFIG_NAME
    )
    return _ensure_schema_artifacts(Path(path))
