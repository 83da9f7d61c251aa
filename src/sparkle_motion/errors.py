"""Every error Sparkle Motion raises, in one tree.

    SparkleMotionError                  base; .context is a machine-readable dict
    ├── ConfigError                     a setting, env var or config file is invalid
    ├── PlanError                       a MoviePlan was rejected; .issues name field path + rule
    │   ├── PlanParseError              not JSON/YAML, or not an object
    │   ├── PlanSchemaError             shape, types, ranges, cross-field consistency
    │   ├── PlanPolicyViolation         the content / input policy forbids it
    │   └── PlanResourceError           over a configured resource cap
    ├── SchemaRegistryError             configs/schema_artifacts.yaml or an exported schema is bad
    ├── StorageError
    │   ├── ArtifactPublishError        an artifact could not be written durably
    │   ├── ArtifactNotFoundError
    │   ├── ArtifactUriError            not a URI this store can resolve
    │   ├── ArtifactIntegrityError      stored bytes do not match the recorded checksum
    │   ├── UnsafePathError             a path segment is invalid or escapes the root
    │   ├── MemoryWriteError            a memory event could not be appended
    │   ├── StorageBusyError            a database stayed locked past its timeout: transient
    │   ├── DatabaseCorruptError        a SQLite file is damaged or emptied; names the file and the fix
    │   └── DatabaseIOError             SQLite could not read or write it: disk full, I/O error
    ├── AdkError
    │   ├── MissingAdkSdkError          google-adk (or credentials) missing and no fixture allowed
    │   ├── AdkAgentCreationError
    │   ├── AdkAgentLifecycleError
    │   └── HumanInputRequestError
    ├── StageError                      one step of a stage failed; .stage, .step_id, .transient
    │   ├── TransientStageError         worth retrying with backoff
    │   │   ├── ModelOOMError           out of (V)RAM; callers may shrink and retry
    │   │   ├── StageTimeoutError
    │   │   └── TTSRetryableError
    │   │       ├── TTSProviderUnavailable
    │   │       └── TTSServerError
    │   └── PermanentStageError         retrying cannot help: one attempt only
    │       ├── MissingDependencyError  an optional extra or binary is not installed
    │       ├── MissingWeightsError     a model path named by an env var holds no weights
    │       ├── CommandError            a subprocess (ffmpeg, ...) exited non-zero
    │       ├── ModelOOMExhaustedError  out of memory at every chunk size and device tried
    │       ├── ImagePolicyViolation    a keyframe prompt refused by the moderation hook
    │       ├── TTSInvalidInputError
    │       ├── TTSPolicyViolation
    │       ├── TTSQuotaExceeded
    │       └── GpuLeaseError           the GPU lease's holder lives but is hung (stale heartbeat)
    │           └── GpuLeaseTimeoutError  waited `timeout_s` for the GPU lease; names the holder
    ├── RunRequestError                 a request to the run service is invalid (.field, the rule)
    └── RunError                        about a whole run; .run_id
        ├── RunFailedError              a step raised and the run ended in `failed`
        ├── RunCrashedError             the process running it died (found `running`, no live owner)
        ├── RunLockedError              another live process owns the run
        ├── RunBusyError                the state home already has its active run(s) (one job)
        └── RunNotFoundError            no run has that id

A *failed* run is one whose code raised and recorded the failure; a *crashed*
run is one whose process vanished without recording anything (SIGKILL, power
loss). They are distinct states (see `schemas.runs.RunStatus`) and distinct
errors here. Prefect draws the same line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class SparkleMotionError(Exception):
    """Base of every error we raise. `context` is JSON-friendly detail for logs and APIs."""

    def __init__(self, message: str, *, context: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.context: dict[str, Any] = dict(context or {})

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": self.message, **self.context}

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled without calling __init__ (subclasses take other arguments), so an error
        # raised in a run's child process reaches its parent whole
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[SparkleMotionError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


class ConfigError(SparkleMotionError):
    """A setting is invalid; the message names the source (env var, file key, option)."""


# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class PlanIssue:
    """One reason a plan was rejected: where (`path`), which rule, and what was found."""

    path: str
    rule: str
    got: Any = None
    has_got: bool = False

    def __str__(self) -> str:
        text = f"{self.path}: {self.rule}"
        if self.has_got:
            text += f", got {_short_repr(self.got)}"
        return text

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "rule": self.rule}
        if self.has_got:
            data["got"] = self.got
        return data


def issue(path: str, rule: str, *args: Any) -> PlanIssue:
    """Build a PlanIssue; pass the offending value as a third argument to show it."""
    if len(args) > 1:
        raise TypeError("issue() takes at most one offending value")
    return PlanIssue(path=path, rule=rule, got=args[0] if args else None, has_got=bool(args))


def _short_repr(value: Any, limit: int = 80) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class PlanError(SparkleMotionError):
    """A rejected plan. `issues` holds every problem found at this validation phase."""

    def __init__(self, issues: Iterable[PlanIssue], *, source: str | None = None) -> None:
        self.issues: list[PlanIssue] = list(issues)
        if not self.issues:
            raise ValueError(f"{type(self).__name__} needs at least one issue")
        self.source = source
        first = str(self.issues[0])
        more = len(self.issues) - 1
        message = first + (f" (and {more} more)" if more else "")
        if source:
            message = f"{source}: {message}"
        super().__init__(
            message,
            context={"source": source, "issues": [i.to_dict() for i in self.issues]},
        )

    @property
    def path(self) -> str:
        """Field path of the first issue, e.g. ``shots[3].duration_s``."""
        return self.issues[0].path

    @property
    def rule(self) -> str:
        return self.issues[0].rule

    @property
    def paths(self) -> list[str]:
        return [i.path for i in self.issues]


class PlanParseError(PlanError):
    pass


class PlanSchemaError(PlanError):
    pass


class PlanPolicyViolation(PlanError):
    pass


class PlanResourceError(PlanError):
    pass


class SchemaRegistryError(SparkleMotionError):
    pass


# --------------------------------------------------------------------------- storage


class StorageError(SparkleMotionError):
    pass


class ArtifactPublishError(StorageError):
    pass


class ArtifactNotFoundError(StorageError):
    pass


class ArtifactUriError(StorageError):
    pass


class ArtifactIntegrityError(StorageError):
    pass


class UnsafePathError(StorageError):
    pass


class MemoryWriteError(StorageError):
    pass


class StorageBusyError(StorageError):
    """A database stayed locked past its busy timeout (another writer, maintenance). Worth
    retrying: `transient` is True, which `is_transient` honours."""

    transient = True


class DatabaseCorruptError(StorageError):
    """A SQLite file is not a database, is malformed, or was emptied (0 bytes). The
    message names the file and what to do (move it aside; for the artifact index,
    `sparkle-motion artifacts check --repair` rebuilds it)."""


class DatabaseIOError(StorageError):
    """SQLite could not write or read a database: disk full, I/O error, read-only or
    unopenable file. Permanent for the step: retrying at once does not free a disk."""


# --------------------------------------------------------------------------- ADK


class AdkError(SparkleMotionError):
    """ADK-layer failure; context carries tool_name, model_spec and the cause's text."""

    def __init__(
        self,
        message: str,
        *,
        tool_name: str | None = None,
        model_spec: Any = None,
        cause: BaseException | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        ctx = dict(context or {})
        ctx.update(
            tool_name=tool_name,
            model_spec=None if model_spec is None else str(model_spec),
            cause=None if cause is None else f"{type(cause).__name__}: {cause}",
        )
        super().__init__(message, context=ctx)
        self.tool_name = tool_name
        self.model_spec = model_spec
        self.cause = cause


class MissingAdkSdkError(AdkError):
    pass


class AdkAgentCreationError(AdkError):
    pass


class AdkAgentLifecycleError(AdkError):
    pass


class HumanInputRequestError(AdkError):
    pass


# --------------------------------------------------------------------------- stages


class StageError(SparkleMotionError):
    """A step of a stage failed. `transient` tells the retry policy what to do."""

    transient: bool = False

    def __init__(
        self,
        message: str,
        *,
        stage: str | None = None,
        step_id: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        ctx = dict(context or {})
        ctx.update(stage=stage, step_id=step_id, transient=self.transient)
        super().__init__(message, context=ctx)
        self.stage = stage
        self.step_id = step_id


class TransientStageError(StageError):
    transient = True


class PermanentStageError(StageError):
    transient = False


class ModelOOMError(TransientStageError):
    pass


class ModelOOMExhaustedError(PermanentStageError):
    """Out of memory at every size and on every device the stage's policy tried (each
    attempt in `context["attempts"]`): retrying the same step would fail the same way."""


class StageTimeoutError(TransientStageError):
    pass


class TTSRetryableError(TransientStageError):
    pass


class TTSProviderUnavailable(TTSRetryableError):
    pass


class TTSServerError(TTSRetryableError):
    pass


class MissingDependencyError(PermanentStageError):
    """An optional dependency is absent; the message names the `pip install` that fixes it."""


class MissingWeightsError(PermanentStageError):
    """Weights were expected at a local path and are not there; names the path and files."""


class CommandError(PermanentStageError):
    pass


class TTSInvalidInputError(PermanentStageError):
    pass


class ImagePolicyViolation(PermanentStageError):
    """A keyframe prompt (as enriched for the model) was refused by the moderation hook
    (`SPARKLE_IMAGES_MODERATION`); names the hook and the reason."""


class TTSPolicyViolation(PermanentStageError):
    pass


class TTSQuotaExceeded(PermanentStageError):
    pass


class GpuLeaseError(PermanentStageError):
    """The GPU lease could not be taken: its holder's process lives but its heartbeat is
    stale (hung). The message names the holder (pid, host, stage, since, heartbeat age) and
    what to do; `context["holder"]` carries the same."""


class GpuLeaseTimeoutError(GpuLeaseError):
    """The wait for the GPU lease outlasted `timeout_s`; names the holder and the waiters
    ahead."""


def interrupted(exc: BaseException) -> bool:
    """`exc` is an interrupt (Ctrl-C, SIGTERM) or was caused by one: Python wraps a
    KeyboardInterrupt raised in some places (a class body's `__set_name__` during an import)
    in another exception, which must still end the run as interrupted, not as a bug."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        if _flattened_interrupt(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _flattened_interrupt(exc: BaseException) -> bool:
    """pydantic-core builds a model's validator in Rust: a Ctrl-C landing then (while ADK's
    models are imported) comes back as a SchemaError whose text, not whose cause, is the
    KeyboardInterrupt."""
    return type(exc).__module__.startswith("pydantic_core") and "KeyboardInterrupt" in str(exc)


def is_transient(exc: BaseException) -> bool:
    """True when a retry may help: one of our errors whose `transient` attribute is True
    (TransientStageError and its kin, StorageBusyError). Unknown exceptions are permanent."""
    return isinstance(exc, SparkleMotionError) and getattr(exc, "transient", False) is True


# --------------------------------------------------------------------------- runs


class RunRequestError(SparkleMotionError):
    """A request to the run service is invalid: `field` names what, the message the rule."""

    def __init__(
        self, message: str, *, field: str, context: Mapping[str, Any] | None = None
    ) -> None:
        named = message if message.startswith(field) else f"{field}: {message}"
        super().__init__(named, context={**dict(context or {}), "field": field})
        self.field = field


class RunError(SparkleMotionError):
    def __init__(
        self, message: str, *, run_id: str, context: Mapping[str, Any] | None = None
    ) -> None:
        ctx = dict(context or {})
        ctx["run_id"] = run_id
        super().__init__(message, context=ctx)
        self.run_id = run_id


class RunFailedError(RunError):
    pass


class RunCrashedError(RunError):
    pass


class RunLockedError(RunError):
    pass


class RunBusyError(RunError):
    """One job at a time: `run_id` names the active run (HTTP 409)."""


class RunNotFoundError(RunError):
    pass
