"""A stage's backends in order: when the profile's one fails for good, the next capable one.

Where the order lives: the render profile's `adapters:` names a stage's backend and its
optional `fallbacks:` the ones after it (configs/render_profiles.yaml); the run's
`--fallback kind=name` (SPARKLE_FALLBACKS) adds more after those. A candidate is skipped,
with the reason in the step record, when it:

- is not registered (or its tool does not answer when it is resolved);
- does not `supports()` the stage's capability (stages.py; a backend that declares no
  `supports` counts as having its stage's: only a declared set rules one out);
- is a preview backend after a `full` one (a backend's `tier`, adapters/base.py; one that
  does not say is preview) and the run did not ask for it by `--fallback`.

Each backend gets the retries the speech stage gives a voice (tts/stage.py, the same loop:
`run_in_order`): a transient error again after 0.5 s and 1 s; then, transient or permanent,
the next candidate. When one after the first renders the step, its outputs say so
(`fallback`: which failed with what, which rendered) and so does the step record (its
`adapter` and `model_id` name the backend that rendered, its policy annotations the
failure); they are stored under the first backend's key for this run alone (`reuse_scope:
run`), as a fallback voice is: a resume keeps them, another run asks the first one again.
When every one fails, the last error is raised, its context naming what was tried.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import StageError, is_transient
from ..schemas import RenderProfile, Step
from .base import Adapter, Estimate, Output, StepJob, capable, estimate_cost, tier_of

BACKOFF_S = (0.5, 1.0)


@dataclass
class Ran:
    """Who rendered the step, and every attempt that failed before it."""

    provider: str
    outputs: list[Output]
    failed: list[dict[str, Any]] = field(default_factory=list)


def run_in_order(
    names: Sequence[str],
    adapter_of: Callable[[str], Adapter],
    job: StepJob,
    sleep: Callable[[float], None],
    *,
    next_on_permanent: bool,
) -> Ran:
    """The first of `names` that renders the job, each tried again after BACKOFF_S on a
    transient error. A permanent error moves on when `next_on_permanent`, else raises
    (the speech stage: a line a voice refuses is the line's failure). All fail: the last
    error is raised."""
    failed: list[dict[str, Any]] = []
    last: StageError | None = None
    for name in names:
        for attempt, pause in enumerate((0.0, *BACKOFF_S)):
            if pause:
                sleep(pause)
            try:
                outputs = adapter_of(name).run(job)
            except StageError as exc:
                failed.append(
                    {
                        "provider": name,
                        "attempt": attempt + 1,
                        "error": str(exc),
                        "error_type": type(exc).__name__,
                        "transient": is_transient(exc),
                    }
                )
                last = exc
                if is_transient(exc):
                    continue
                if not next_on_permanent:
                    raise
                break
            return Ran(name, outputs, failed)
    if last is None:
        raise ValueError("run_in_order: no backend to run")
    raise last


def unload_each(names: Sequence[str], adapter_of: Callable[[str], Adapter]) -> None:
    """The stage is over: every backend named drops what it holds. A wrapper is made per
    step, so each is asked, not only those this one ran; one that cannot be resolved holds
    nothing here."""
    for name in names:
        try:
            unload = getattr(adapter_of(name), "unload", None)
        except StageError:
            continue
        if callable(unload):
            unload()


class Fallback:
    """The stage's first backend (whose name, version and model id the step key uses),
    with the candidates after it. `declared(name)` is the backend's code here, which says
    what it supports and its tier also when it renders in a tool (None: not importable)."""

    def __init__(
        self,
        primary: Adapter,
        candidates: Sequence[str],
        resolve: Callable[[str], Adapter],
        *,
        kind: str,
        capability: str | None,
        asked: Sequence[str] = (),
        declared: Callable[[str], object | None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.primary, self.resolve = primary, resolve
        self.candidates = [c for c in dict.fromkeys(candidates) if c != primary.name]
        self.kind, self.capability, self.asked = kind, capability, set(asked)
        self.declared = declared or (lambda name: None)
        self.sleep = sleep
        self.name = primary.name
        self.concurrent = getattr(primary, "concurrent", False)
        self._resolved: dict[str, Adapter] = {primary.name: primary}

    def __repr__(self) -> str:
        return f"Fallback({self.name!r} then {self.candidates})"

    # what the step key, the dry run and the stage's other hooks ask: the first backend's
    @property
    def version(self) -> str:
        return self.primary.version

    @property
    def model_id(self) -> str | None:
        return self.primary.model_id

    @property
    def served_by(self) -> str | None:
        return getattr(self.primary, "served_by", None)

    @property
    def tier(self) -> str:
        return self._tier(self.name, self.primary)

    def supports(self, capability: str) -> bool:
        return capable(self.declared(self.name) or self.primary, capability)

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        return self.primary.estimate(step, profile)

    def estimate_cost(
        self, step: Step, profile: RenderProfile, rates: Any, attempts: int = 1
    ) -> Any:
        return estimate_cost(self.primary, step, profile, rates, attempts)

    def preflight(self, profile: RenderProfile) -> None:
        """Before anything renders: the first backend can run, or else a candidate the run
        may use can (the first one's weights missing, `--fallback` asked for another);
        neither: the first one's own error."""
        try:
            _preflight(self.primary, profile)
        except StageError:
            for name in self.order()[0][1:]:
                try:
                    _preflight(self._adapter(name), profile)
                    return
                except StageError:
                    continue
            raise

    def unload(self) -> None:
        unload_each([self.name, *self.candidates], self._adapter)

    # ------------------------------------------------------------------ the order

    def _tier(self, name: str, adapter: object) -> str:
        return tier_of(self.declared(name) or adapter)

    def _adapter(self, name: str) -> Adapter:
        if name not in self._resolved:
            self._resolved[name] = self.resolve(name)
        return self._resolved[name]

    def order(self) -> tuple[list[str], list[str]]:
        """The backends to try, first one first, and each candidate skipped with why."""
        usable, skipped = [self.name], []
        full = self.tier == "full"
        for name in self.candidates:
            try:
                adapter = self._adapter(name)
            except StageError as exc:
                skipped.append(f"{name}: not available ({exc.message})")
                continue
            own = self.declared(name) or adapter
            if not capable(own, self.capability):
                skipped.append(f"{name}: does not support {self.capability}")
            elif full and tier_of(own) != "full" and name not in self.asked:
                skipped.append(
                    f"{name}: a preview backend after full {self.name} "
                    f"(`--fallback {self.kind}={name}` allows it)"
                )
            else:
                usable.append(name)
        return usable, skipped

    def run(self, job: StepJob) -> list[Output]:
        usable, skipped = self.order()
        try:
            ran = run_in_order(usable, self._adapter, job, self.sleep, next_on_permanent=True)
        except StageError as exc:
            exc.context["fallback_tried"] = ", ".join(usable)
            if skipped:
                exc.context["fallback_skipped"] = "; ".join(skipped)
            raise
        if ran.provider == self.name:
            return ran.outputs
        return [self._record(out, ran, skipped) for out in ran.outputs]

    def _record(self, out: Output, ran: Ran, skipped: list[str]) -> Output:
        adapter = self._adapter(ran.provider)
        first = next((f for f in ran.failed if f["provider"] == self.name), None)
        why = f"{first['error_type']}: {first['error']}" if first else "failed"
        tries = sum(1 for f in ran.failed if f["provider"] == self.name)
        notes = [
            f"fallback: {self.name} failed ({tries} attempt(s), {why}); "
            f"{ran.provider} rendered the step",
            *(f"fallback skipped {s}" for s in skipped),
        ]
        meta = {
            "backend": ran.provider,
            "model_id": adapter.model_id,
            **out.metadata,
            "fallback": {
                "from": self.name,
                "to": ran.provider,
                "version": adapter.version,
                "model_id": adapter.model_id,
                "failed": ran.failed,
                "skipped": skipped,
            },
            "policy_annotations": [*notes, *(out.metadata.get("policy_annotations") or [])],
            "reuse_scope": "run",  # under the first backend's key: this run's alone
        }
        served = getattr(adapter, "served_by", None)
        if served is not None:
            meta["served_by"] = served
        return Output(out.name, out.data, out.mime_type, out.artifact_type, meta)


def _preflight(adapter: object, profile: RenderProfile) -> None:
    check = getattr(adapter, "preflight", None)
    if callable(check):
        check(profile)
