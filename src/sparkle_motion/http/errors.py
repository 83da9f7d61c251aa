"""Every error an HTTP service answers with: `{"error": {"type", "message", "field"}}` and
a fitting status. Our typed errors keep their name; anything else is a 500 that says only
its request id (the traceback goes to the log)."""

from __future__ import annotations

from typing import Any

from ..errors import (
    ArtifactNotFoundError,
    ArtifactUriError,
    GpuLeaseError,
    GpuLeaseTimeoutError,
    HumanInputRequestError,
    MissingAdkSdkError,
    MissingDependencyError,
    MissingWeightsError,
    PlanError,
    RunBusyError,
    RunLockedError,
    RunNotFoundError,
    RunRequestError,
    SparkleMotionError,
    StageError,
    StorageBusyError,
    TransientStageError,
    UnsafePathError,
)

# the first class that matches decides
STATUS_OF: tuple[tuple[type[SparkleMotionError], int], ...] = (
    (RunNotFoundError, 404),
    (ArtifactNotFoundError, 404),
    (ArtifactUriError, 404),
    (RunBusyError, 409),
    (RunLockedError, 409),
    (HumanInputRequestError, 409),
    (RunRequestError, 422),
    (PlanError, 422),
    (UnsafePathError, 400),
    (StorageBusyError, 503),
    # a FunctionTool's backend: not built, not installed or without weights; busy (OOM, ...)
    (GpuLeaseTimeoutError, 503),  # the GPU is busy with another stage: try again
    (GpuLeaseError, 503),  # its holder hangs: the message names it
    (MissingDependencyError, 503),
    (MissingWeightsError, 503),
    (MissingAdkSdkError, 503),
    (TransientStageError, 503),
    (StageError, 502),  # the backend failed the step
)


def status_of(exc: SparkleMotionError) -> int:
    for kind, status in STATUS_OF:
        if isinstance(exc, kind):
            return status
    return 500


def body(kind: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message, "field": field, **extra}}


def body_of(exc: SparkleMotionError) -> dict[str, Any]:
    field = exc.context.get("field")
    if isinstance(exc, PlanError):
        field = exc.path
        return body(type(exc).__name__, exc.message, field, issues=exc.context.get("issues"))
    extra = {"run_id": exc.context["run_id"]} if "run_id" in exc.context else {}
    return body(type(exc).__name__, exc.message, field, **extra)
