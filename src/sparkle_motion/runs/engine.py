"""The step engine: runs a RunContext's steps in order, each at most once per content key.

For every step: if an upstream step did not succeed, it is skipped with the reason; its
key is computed from its content, its upstream artifacts' checksums, its adapter and
version, model and seed; a key already completed (in any run) whose artifacts are still
readable is reused, not executed; otherwise the adapter runs, with our retry policy
(exponential backoff for transient errors, one attempt for permanent ones), and its
outputs are published to the artifact store before the step is recorded as succeeded.
Every state a step passes through is a StepExecutionRecord in the database.

The ADK workflow graph drives this per stage (graph/nodes.py); this module knows no ADK.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..adapters.base import Adapter, StepJob, estimate_cost
from ..config import Settings, get_settings
from ..dedupe import perceptual, semantic
from ..errors import (
    ArtifactIntegrityError,
    ArtifactNotFoundError,
    ArtifactUriError,
    PermanentStageError,
    SparkleMotionError,
    StageError,
    StorageError,
    UnsafePathError,
    interrupted,
    is_transient,
)
from ..plans.policy import ARTIFACT_SCHEMES
from ..schemas import (
    ArtifactRef,
    ErrorAnnotation,
    PolicyWarning,
    RunContext,
    RunStatus,
    SimulatedStep,
    SimulateExecutionReport,
    Step,
    StepExecutionRecord,
    StepStatus,
)
from ..schemas.artifacts import ReusedStep
from ..schemas.common import STEP_REF_PREFIX
from ..schemas.report import ModelCost
from ..schemas.steps import step_input_refs
from ..stages import STAGE_OF_STEP_TYPE, TELEMETRY_OF_STEP, forced_stages
from ..storage.base import ArtifactStore
from ..storage.fs_store import sha256_file
from ..storage.memory_log import MemoryLog
from ..storage.uris import format_fs_uri
from ..subprocesses import CancelToken, default_token
from .cost import Rates, actual_cost, over_budget, step_device
from .records import StepRecords, run_scoped
from .scratch import process_folder
from .step_keys import step_key

SKIPPABLE = {StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.INTERRUPTED}


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0

    def delay(self, attempt: int) -> float:
        """Wait before attempt `attempt + 1` (attempt counts from 1)."""
        return min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))


@dataclass
class RunResult:
    run_id: str
    status: RunStatus
    records: dict[str, StepExecutionRecord] = field(default_factory=dict)
    executed: list[str] = field(default_factory=list)  # steps whose adapter ran this time
    cached: list[str] = field(default_factory=list)  # steps reused from a completed key


def _stage_batches(steps: list[Step]) -> list[list[Step]]:
    """Consecutive steps of the same stage, in plan order."""
    batches: list[list[Step]] = []
    for step in steps:
        stage = STAGE_OF_STEP_TYPE[step.type]
        if batches and STAGE_OF_STEP_TYPE[batches[-1][0].type] == stage:
            batches[-1].append(step)
        else:
            batches.append([step])
    return batches


def preflight(ctx: RunContext, adapter_for: Callable[[Step, RunContext], Adapter]) -> None:
    """Before anything renders: each backend the run's steps use that can tell (a
    `preflight(profile)`: its weights are there, its tool says it is ready) is asked once;
    the first that cannot run raises its typed error (MissingWeightsError naming the env
    var, the path and the files). A step whose adapter is not even registered is left to
    fail on its own, as it does today."""
    asked: set[str] = set()
    for step in ctx.plan.steps:
        try:
            adapter = adapter_for(step, ctx)
        except StageError:
            continue
        if adapter.name in asked:
            continue
        asked.add(adapter.name)
        check = getattr(adapter, "preflight", None)
        if callable(check):
            check(ctx.render_profile)


def release_models(
    ctx: RunContext, stage: str, adapter_for: Callable[[Step, RunContext], Adapter]
) -> list[str]:
    """The stage is over: each backend its steps used that holds a model (`unload()`) drops
    it, so the next GPU stage can load (a tool's backend: its POST /release, which also
    gives the GPU lease back). Returns the backends released; a failure to release is not
    the run's failure."""
    released: list[str] = []
    for step in ctx.plan.steps:
        if STAGE_OF_STEP_TYPE[step.type] != stage:
            continue
        try:
            adapter = adapter_for(step, ctx)
        except StageError:
            continue
        unload = getattr(adapter, "unload", None)
        if adapter.name in released or not callable(unload):
            continue
        released.append(adapter.name)
        with contextlib.suppress(Exception):
            unload()
    return released


def measured(artifacts: list[ArtifactRef]) -> dict[str, Any]:
    """What a model step's outputs say about its run, for its record: `device` and
    `metrics` (load and inference seconds summed, peak memory the largest), and the
    stage policy's notes (`policy_annotations`: out-of-memory retries, CPU fallback)."""
    metrics: dict[str, float] = {}
    device = None
    notes: list[str] = []
    for ref in artifacts:
        device = device or ref.metadata.get("device")
        given_notes = ref.metadata.get("policy_annotations")
        if isinstance(given_notes, list):
            notes += [n for n in given_notes if isinstance(n, str) and n not in notes]
        given = ref.metadata.get("metrics")
        for key, value in given.items() if isinstance(given, dict) else ():
            if not isinstance(value, int | float):
                continue
            if key.startswith("peak_"):
                metrics[key] = max(metrics.get(key, 0.0), float(value))
            else:
                metrics[key] = round(metrics.get(key, 0.0) + float(value), 3)
    found: dict[str, Any] = {}
    if metrics:
        found["metrics"] = metrics
    if isinstance(device, str):
        found["device"] = device
    if notes:
        found["policy_annotations"] = notes
    return found


def step_log(step: Step, artifacts: list[ArtifactRef]) -> bytes | None:
    """A model step's log (its backend's events, out-of-memory attempts, encoder runs) as
    JSON, from what its outputs carry; None for a step whose outputs carry none."""
    events: list[Any] = []
    found: dict[str, Any] = {}
    for ref in artifacts:
        given = ref.metadata.get("events")
        if isinstance(given, list) and len(given) > len(events):
            events = given  # a step's later outputs carry its earlier events too
        for key in ("oom_attempts", "chunks"):  # not the encoder's command: server paths
            if ref.metadata.get(key):
                found.setdefault(key, ref.metadata[key])
    if not events:  # not a model step
        return None
    body = {"step_id": step.id, "events": events, **found}
    return json.dumps(body, indent=1, sort_keys=True, default=str).encode()


def upstream_ids(step: Step) -> list[str]:
    """The step ids a step's `@refs` name."""
    return [
        r[len(STEP_REF_PREFIX) :] for _, r in step_input_refs(step) if r.startswith(STEP_REF_PREFIX)
    ]


def _context_inputs(ctx: RunContext, step: Step, films: dict[str, list[str]]) -> dict[str, Any]:
    """What an adapter reads from the run rather than the step: a lip-sync clip places its
    lines by the dialogue schedule; the video_final manifest names the film's stored
    version (its URI and local path), so a film rendered again after its file was lost
    gets a manifest of its own instead of the one naming the lost file. (A manifest reused
    in another run names the run that made the film, as the film's own URI does.)"""
    if step.type == "finalize":
        return {"film_versions": films}
    if step.type == "lipsync":
        shot = getattr(step, "shot_id", None)
        return {
            "schedule": [
                [line.line_id, line.shot_offset_s]
                for line in ctx.dialogue_schedule
                if line.shot_id == shot
            ]
        }
    return {}


def profile_fingerprint(ctx: RunContext) -> str:
    """What of the render profile can change an adapter's output besides the step's own
    opts: models, device, encoding, geometry."""
    p = ctx.render_profile
    data = {
        "name": p.name,
        "models": p.models,
        "device": p.device,
        "encode": p.encode_preset,
        "fps": p.fps,
        "size": [p.width, p.height],
        "frames_multiple": p.frames_multiple,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def output_checksum(refs: list[ArtifactRef]) -> str:
    """One checksum for all of a step's outputs (a step may produce several files)."""
    return ",".join(r.checksum_sha256 for r in refs)


def _now() -> datetime:
    return datetime.now(UTC)


def _error(exc: BaseException) -> ErrorAnnotation:
    context = exc.context if isinstance(exc, SparkleMotionError) else {}
    command = context.get("command") if isinstance(context.get("command"), list) else None

    def plain(value: Any) -> bool:
        return isinstance(value, str | int | float | bool) or value is None

    safe = {  # scalars, and lists of them (the attempts of an out-of-memory ladder)
        k: v
        for k, v in context.items()
        if plain(v) or (isinstance(v, list) and k != "command" and all(plain(i) for i in v))
    }
    return ErrorAnnotation(
        error_type=type(exc).__name__,
        message=str(exc),
        transient=is_transient(exc),
        command=command,
        context=safe,
    )


class Engine:
    def __init__(
        self,
        *,
        store: ArtifactStore,
        records: StepRecords,
        adapter_for: Callable[[Step, RunContext], Adapter],
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        memory: MemoryLog | None = None,
        workdir: Path | None = None,
        base_dir: Path | None = None,
        workers: int = 1,
        cancel: CancelToken | None = None,
        rates: Rates | None = None,
        budget_usd: float | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.store = store
        self.records = records
        self.adapter_for = adapter_for
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.memory = memory
        # absolute: adapters run tools with the scratch folder as their cwd
        self.workdir = workdir.resolve() if workdir is not None else None
        self.base_dir = base_dir  # where plan-relative input paths are resolved
        self.workers = max(1, workers)  # steps of one stage run at once (adapters permitting)
        # the run's interrupt (subprocesses.run_token): every step's commands run under it,
        # and no step starts once it is cancelled. Default: the process's default token.
        self.cancel = cancel if cancel is not None else default_token()
        # what a machine-hour costs (each step's actual cost is recorded) and the run's
        # budget: once what the run has spent reaches it, no further step starts
        self.rates = rates or Rates(0.0, 0.0)
        self.budget_usd = budget_usd
        # run id -> step id -> what its record says the step cost (one record a step)
        self._step_costs: dict[str, dict[str, float]] = {}
        self.stop_reason: dict[str, Any] | None = None
        # the run's settings (its RunEnv's: `--no-reuse`, a resume's kept choice); the
        # dedupe paths read theirs from here. None: the process's, read when a step asks
        self._settings = settings

    @property
    def settings(self) -> Settings:
        return self._settings or get_settings()

    def spent(self, run_id: str) -> float:
        """What the run's recorded steps cost so far, every session of it."""
        if run_id not in self._step_costs:
            self._step_costs[run_id] = {
                r.step_id: r.metrics.get("cost_usd", 0.0) for r in self.records.list(run_id)
            }
        return round(sum(self._step_costs[run_id].values()), 6)

    def _stopping(self, gate: Callable[[], str | None] | None, run_id: str = "") -> bool:
        """Asked before each step: an interrupt (the run's token), a stop request, or the
        run's budget reached by what it has spent."""
        if self.cancel.cancelled or (gate is not None and gate() == "stop"):
            return True
        if self.budget_usd is not None and run_id and self.spent(run_id) >= self.budget_usd:
            used = self.spent(run_id)
            self.stop_reason = {
                "reason": "budget",
                "spent_usd": round(used, 6),
                "limit_usd": self.budget_usd,
                "message": f"the run has spent ${used:.4f} of its ${self.budget_usd:.4f} "
                "budget; resume with a higher one (SPARKLE_MAX_COST_USD)",
            }
            return True
        return False

    def check_budget(self, ctx: RunContext) -> SimulateExecutionReport | None:
        """Before a run (or a resume) starts: PlanResourceError naming `max_cost_usd` when
        what it has spent plus its estimate's minimum (steps already done cost nothing) is
        over its budget. Returns the estimate it checked (None without a budget)."""
        if self.budget_usd is None:
            return None
        report = self.simulate(ctx, max_cost_usd=self.budget_usd)
        refused = over_budget(report)
        if refused is not None:
            raise refused
        return report

    def _local_inputs(self, step: Step) -> dict[str, Path]:
        """Non-@ inputs (a keyframe's `source`, a reference voice clip) as regular files.
        An artifact URI (an upload, another run's output) is read through the store,
        checksum-verified. A relative path must stay inside `base_dir` once symlinks are
        resolved (a link in the plan's folder to a file elsewhere is refused); an absolute
        one is there only because the plan policy allowed it. PermanentStageError
        otherwise, or when absent."""
        found = {}
        root = (self.base_dir or Path.cwd()).resolve()
        for _, ref in step_input_refs(step):
            if ref.startswith(ARTIFACT_SCHEMES):
                found[ref] = self._stored_input(step, ref)
                continue
            if ref.startswith(STEP_REF_PREFIX) or ("://" in ref and not ref.startswith("file://")):
                continue
            given = Path(ref.removeprefix("file://"))
            path = (given if given.is_absolute() else root / given).resolve()
            if not given.is_absolute() and not path.is_relative_to(root):
                raise PermanentStageError(
                    f"{step.id}: input {ref!r} resolves to {path}, outside the plan's folder "
                    f"{root} (through a symlink or '..'); inputs stay inside it",
                    step_id=step.id,
                )
            if not path.is_file():
                raise PermanentStageError(
                    f"{step.id}: input {ref!r} not found at {path}"
                    + (" (not a regular file)" if path.exists() else ""),
                    step_id=step.id,
                )
            found[ref] = path
        return found

    def _stored_input(self, step: Step, uri: str) -> Path:
        try:
            return self.store.local_path(uri)
        except (
            ArtifactNotFoundError,
            ArtifactUriError,
            ArtifactIntegrityError,
            UnsafePathError,
        ) as exc:
            raise PermanentStageError(
                f"{step.id}: input {uri!r}: {exc.message}", step_id=step.id
            ) from None

    # ------------------------------------------------------------------ public

    def execute(
        self,
        ctx: RunContext,
        *,
        from_stage: str | None = None,
        gate: Callable[[], str | None] | None = None,
        stages: set[str] | None = None,
        outputs: dict[str, list[ArtifactRef]] | None = None,
    ) -> RunResult:
        """Run every step (or those of `stages`, reading earlier stages' results from
        `outputs`, which is updated in place). `from_stage` re-runs that stage and all later
        ones even where a completed key exists. `gate` is asked between steps (it may block
        while the run is paused); when it answers "stop" the run ends STOPPED."""
        forced = forced_stages(from_stage)
        result = RunResult(ctx.run_id, RunStatus.RUNNING)
        outputs = {} if outputs is None else outputs
        chosen = [
            s for s in ctx.plan.steps if stages is None or STAGE_OF_STEP_TYPE[s.type] in stages
        ]
        for batch in _stage_batches(chosen):
            force = STAGE_OF_STEP_TYPE[batch[0].type] in forced
            if self.workers > 1 and len(batch) > 1 and self._concurrent(ctx, batch):
                stopped_at = self._run_parallel(ctx, batch, outputs, result, force, gate)
            else:
                stopped_at = self._run_sequential(ctx, batch, outputs, result, force, gate)
            if stopped_at is not None:
                result.status = RunStatus.STOPPED
                why = self.stop_reason or {}
                self._event(ctx.run_id, "run_stopped", {"before_step": stopped_at, **why})
                return result
        failed = any(r.status in SKIPPABLE for r in result.records.values())
        result.status = RunStatus.FAILED if failed else RunStatus.SUCCEEDED
        self._event(
            ctx.run_id,
            "run_finished" if stages is None else "stage_finished",
            {
                "stages": sorted(stages or []),
                "status": result.status.value,
                "executed": len(result.executed),
                "cached": len(result.cached),
            },
        )
        return result

    def _concurrent(self, ctx: RunContext, batch: list[Step]) -> bool:
        """Steps of one stage may overlap when every adapter says it is safe to."""
        try:
            return all(getattr(self.adapter_for(s, ctx), "concurrent", False) for s in batch)
        except StageError:
            return False  # the sequential path records the missing adapter per step

    def _finish_step(
        self, step: Step, record: StepExecutionRecord, outputs: dict, result: RunResult
    ) -> None:
        result.records[step.id] = record
        if record.run_id in self._step_costs:  # its record replaced the step's earlier one
            self._step_costs[record.run_id][record.step_id] = record.metrics.get("cost_usd", 0.0)
        if record.status in (StepStatus.SUCCEEDED, StepStatus.CACHED):
            outputs[step.id] = record.artifacts

    def _run_sequential(self, ctx, batch, outputs, result, force, gate) -> str | None:
        for step in batch:
            if self._stopping(gate, ctx.run_id):
                return step.id
            self._finish_step(
                step, self._run_step(ctx, step, outputs, result, force=force), outputs, result
            )
        return None

    def _run_parallel(self, ctx, batch, outputs, result, force, gate) -> str | None:
        """Up to `workers` steps at once, each started only when the steps it reads have
        ended; the gate is asked before each start (a pause lets running steps drain)."""
        waiting = list(batch)
        running: dict[Future, Step] = {}
        stopped_at = None
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="step") as pool:
            while waiting or running:
                unfinished = {s.id for s in waiting} | {s.id for s in running.values()}
                ready = [s for s in waiting if not set(upstream_ids(s)) & unfinished]
                while ready and len(running) < self.workers and stopped_at is None:
                    step = ready.pop(0)
                    if self._stopping(gate, ctx.run_id):
                        stopped_at = step.id
                        break
                    waiting.remove(step)
                    running[
                        pool.submit(self._run_step, ctx, step, outputs, result, force=force)
                    ] = step
                if stopped_at is not None:
                    waiting.clear()
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    step = running.pop(future)
                    self._finish_step(step, future.result(), outputs, result)
        return stopped_at

    def simulate(
        self,
        ctx: RunContext,
        *,
        warnings: list[PolicyWarning] | None = None,
        max_cost_usd: float | None = None,
    ) -> SimulateExecutionReport:
        """Dry run: the same steps, no adapter calls. Estimates come from the adapters; a
        step whose key is already completed (upstream outputs known) is marked cached."""
        steps: list[SimulatedStep] = []
        known: dict[str, list[ArtifactRef]] = {}  # step id -> its reused outputs, when known
        warnings = list(warnings or [])
        blockers: dict[tuple[str, str], PolicyWarning] = {}  # one per missing adapter
        ready: dict[str, StageError | None] = {}  # adapter name -> its preflight's error
        for step in ctx.plan.steps:
            try:
                adapter = self.adapter_for(step, ctx)
                model_id = adapter.model_id  # a tool's backend: asked of the tool
                if adapter.name not in ready:
                    ready[adapter.name] = None
                    check = getattr(adapter, "preflight", None)
                    try:
                        if callable(check):
                            check(ctx.render_profile)
                    except StageError as exc:
                        ready[adapter.name] = exc
                if ready[adapter.name] is not None:
                    raise ready[adapter.name]  # type: ignore[misc]
            except StageError as exc:  # report it; a dry run answers rather than fails
                kind = str(exc.context.get("profile_key") or step.type)
                name = str(exc.context.get("adapter") or "")
                stage = STAGE_OF_STEP_TYPE[step.type]
                blockers.setdefault(
                    (kind, name),
                    PolicyWarning(
                        path=f"render_profile.adapters.{kind}",
                        rule="adapter registered",
                        message=f"{stage}: {exc.message.split(' (profile ')[0]} "
                        f"(profile {ctx.render_profile.name!r})",
                    ),
                )
                continue
            estimate = adapter.estimate(step, ctx.render_profile)
            # the adapter's own figure (a hosted backend's prices), else its seconds at the rate
            cost = estimate_cost(
                adapter, step, ctx.render_profile, self.rates, self.retry.max_attempts
            )
            upstream = upstream_ids(step)
            cached = False
            if all(u in known for u in upstream):
                try:
                    key = self._key(
                        ctx,
                        step,
                        adapter,
                        {u: output_checksum(known[u]) for u in upstream},
                        {u: [a.uri for a in known[u]] for u in upstream},
                    )
                except StageError:
                    key = None  # a local input is missing: the real run will say so
                reused = self._reuse(key, ctx.run_id) if key else None
                if reused:
                    known[step.id] = reused
                    cached = True
            steps.append(
                SimulatedStep(
                    step_id=step.id,
                    stage=STAGE_OF_STEP_TYPE[step.type],
                    step_type=step.type,
                    adapter=adapter.name,
                    model_id=model_id,
                    cached=cached,
                    est_time_s=0.0 if cached else estimate.time_s,
                    est_peak_memory_mb=estimate.peak_memory_mb,
                    est_peak_vram_mb=estimate.peak_vram_mb,
                    est_cost_usd=0.0 if cached else cost.min_usd,
                    est_cost_max_usd=0.0 if cached else cost.max_usd,
                    device=step_device(step, ctx.render_profile),
                    simulated_artifact_uris=[format_fs_uri(ctx.run_id, f"{step.id}-dryrun")],
                )
            )
        cost_by_stage: dict[str, float] = {}
        time_by_stage: dict[str, float] = {}
        by_model: dict[tuple[str, str, str | None], ModelCost] = {}
        for sim in steps:
            cost_by_stage[sim.stage] = cost_by_stage.get(sim.stage, 0.0) + sim.est_cost_usd
            time_by_stage[sim.stage] = time_by_stage.get(sim.stage, 0.0) + sim.est_time_s
            row = by_model.setdefault(
                (sim.stage, sim.adapter, sim.model_id),
                ModelCost(stage=sim.stage, adapter=sim.adapter, model_id=sim.model_id, steps=0,
                          min_usd=0.0, max_usd=0.0),
            )  # fmt: skip
            row.steps += 1
            row.min_usd = round(row.min_usd + sim.est_cost_usd, 6)
            row.max_usd = round(row.max_usd + sim.est_cost_max_usd, 6)
        total_cost = round(sum(cost_by_stage.values()), 6)
        already = self.spent(ctx.run_id)
        return SimulateExecutionReport(
            plan_id=ctx.plan.id,
            run_id=ctx.run_id,
            render_profile=ctx.render_profile.name,
            steps=steps,
            est_total_time_s=sum(time_by_stage.values()),
            est_peak_memory_mb=max((s.est_peak_memory_mb for s in steps), default=0.0),
            est_peak_vram_mb=max((s.est_peak_vram_mb for s in steps), default=0.0),
            est_cost_usd=total_cost,
            est_cost_max_usd=round(sum(s.est_cost_max_usd for s in steps), 6),
            cost_by_stage=cost_by_stage,
            cost_by_model=list(by_model.values()),
            spent_usd=already,
            rates_usd_per_hour={
                "cpu": self.rates.cpu_usd_per_hour,
                "gpu": self.rates.gpu_usd_per_hour,
            },
            time_by_stage=time_by_stage,
            max_cost_usd=max_cost_usd,
            within_budget=max_cost_usd is None or already + total_cost <= max_cost_usd,
            policy_warnings=warnings,
            blockers=list(blockers.values()),
        )

    # ------------------------------------------------------------------ one step

    def _base(self, ctx: RunContext, step: Step, key: str, **fields: Any) -> StepExecutionRecord:
        return StepExecutionRecord(
            run_id=ctx.run_id,
            plan_id=ctx.plan.id,
            step_id=step.id,
            stage=STAGE_OF_STEP_TYPE[step.type],
            step_type=step.type,
            step_key=key,
            **fields,
        )

    def _paid(self, ctx: RunContext, step: Step) -> float:
        """What this run has already paid for the step (its record's cost: a record is
        replaced by the next session's, a retake's or a skip's, which carry it on)."""
        earlier = self.records.get(ctx.run_id, step.id)
        return float(earlier.metrics.get("cost_usd", 0.0)) if earlier is not None else 0.0

    def _unkeyed(self, ctx: RunContext, step: Step, **fields: Any) -> StepExecutionRecord:
        """Record a step that ended before it had a key (skipped, or unrunnable)."""
        paid = self._paid(ctx, step)
        if paid:
            fields["metrics"] = {**(fields.get("metrics") or {}), "cost_usd": paid}
        record = self._base(ctx, step, "0" * 64, **fields)
        self.records.put(record)
        return record

    def _run_step(
        self,
        ctx: RunContext,
        step: Step,
        outputs: dict[str, list[ArtifactRef]],
        result: RunResult,
        *,
        force: bool = False,
    ) -> StepExecutionRecord:
        upstream = upstream_ids(step)
        missing = [u for u in upstream if u not in outputs]
        if missing:
            reason = f"upstream step(s) {', '.join(missing)} did not succeed"
            self._event(ctx.run_id, "step_skipped", {"step_id": step.id, "reason": reason})
            return self._unkeyed(ctx, step, status=StepStatus.SKIPPED, skip_reason=reason)
        seed = getattr(getattr(step, "opts", None), "seed", None)
        try:
            adapter = self.adapter_for(step, ctx)
            key = self._key(
                ctx,
                step,
                adapter,
                {u: output_checksum(outputs[u]) for u in upstream},
                {u: [a.uri for a in outputs[u]] for u in upstream},
            )
        except StageError as exc:  # no adapter, or a local input is missing: nothing ran
            self._event(ctx.run_id, "step_failed", {"step_id": step.id, "error": str(exc)})
            return self._unkeyed(ctx, step, status=StepStatus.FAILED, error=_error(exc), attempts=0)
        meta = {
            "adapter": adapter.name,
            "adapter_version": adapter.version,
            "model_id": adapter.model_id,
            "seed": seed,
        }
        # semantic prompt reuse (dedupe/semantic.py): an image step whose prompt says what
        # another run's keyframe said is that keyframe (a resume replays the decision)
        served = None if force else self._semantic(ctx, step, key, adapter)
        if served is not None:
            record = self._base(
                ctx,
                step,
                key,
                status=StepStatus.SUCCEEDED,
                started_at=_now(),
                finished_at=_now(),
                duration_s=0.0,
                **served,
                **meta,
            )
            self.records.put(record)
            result.cached.append(step.id)
            uris = [a.uri for a in record.artifacts]
            self._event(ctx.run_id, "step_completed", {"step_id": step.id, "artifacts": uris})
            return record
        reused = None if force else self._reuse(key, ctx.run_id)
        if reused is not None:
            done = self.records.completed(key)
            found = measured(reused)
            paid = self._paid(ctx, step)  # this run's earlier sessions of the step, if any
            if paid:
                found["metrics"] = {**found.get("metrics", {}), "cost_usd": paid}
            record = self._base(
                ctx,
                step,
                key,
                status=StepStatus.CACHED,
                artifacts=reused,
                started_at=_now(),
                finished_at=_now(),
                duration_s=0.0,
                logs_uri=done.logs_uri if done is not None else None,
                **found,
                **meta,
            )
            self.records.put(record)
            result.cached.append(step.id)
            self._event(ctx.run_id, "step_cached", {"step_id": step.id})
            return record
        result.executed.append(step.id)
        served_by = getattr(adapter, "served_by", None)
        record = self._attempts(ctx, step, key, adapter, outputs, {**meta, "served_by": served_by})
        profile = profile_fingerprint(ctx)
        semantic.remember(
            ctx,
            step,
            record,
            profile=profile,
            db=self.records.db,
            memory=self.memory,
            settings=self.settings,
        )
        return record

    def _semantic(
        self, ctx: RunContext, step: Step, key: str, adapter: Adapter
    ) -> dict[str, Any] | None:
        """The record's fields when the step reuses another run's keyframe by its prompt."""
        served = semantic.before_render(
            ctx,
            step,
            key,
            adapter=adapter.name,
            adapter_version=adapter.version,
            model_id=adapter.model_id,
            profile=profile_fingerprint(ctx),
            db=self.records.db,
            store=self.store,
            records=self.records,
            memory=self.memory,
            settings=self.settings,
        )
        paid = self._paid(ctx, step) if served is not None else 0.0
        if paid and served is not None:
            served["metrics"] = {**served["metrics"], "cost_usd": paid}
        return served

    def _key(
        self,
        ctx: RunContext,
        step: Step,
        adapter: Adapter,
        upstream: dict[str, str],
        uris: dict[str, list[str]],
    ) -> str:
        """`upstream`: each upstream step's output checksum; `uris`: its outputs' URIs."""
        local = {ref: sha256_file(path)[0] for ref, path in self._local_inputs(step).items()}
        return step_key(
            step,
            upstream=upstream,
            adapter=adapter.name,
            adapter_version=adapter.version,
            model_id=adapter.model_id,
            seed=getattr(getattr(step, "opts", None), "seed", None),
            extra={
                "profile": profile_fingerprint(ctx),
                "local_inputs": local,
                **_context_inputs(ctx, step, uris),
                # a run whose keyframes were reused says so in a manifest of its own
                **self._reused_key(ctx, step),
            },
        )

    def _reused_key(self, ctx: RunContext, step: Step) -> dict[str, Any]:
        reused = self._reused(ctx, step)
        return {"reused": [r.model_dump(mode="json") for r in reused]} if reused else {}

    def _reuse(self, key: str, run_id: str) -> list[ArtifactRef] | None:
        """The completed key's artifacts, if every one is still on disk at its recorded size
        (full checksums are verified when a later step reads them). Outputs their run alone
        may reuse (`reuse_scope: run`: a fallback voice stored under the first choice's
        key) are reused by a resume of that run, never by another run."""
        done = self.records.completed(key)
        if done is None or not done.artifacts:
            return None
        if done.run_id != run_id and run_scoped(done):
            return None
        try:
            refs = [self.store.ref(ref.uri) for ref in done.artifacts]
            for ref in refs:
                path = self.store.local_path(ref.uri, verify=False)
                if path.stat().st_size != ref.size_bytes:
                    return None
            return refs
        except (StorageError, OSError):
            return None  # gone (pruned, deleted): run it again

    def _attempts(
        self,
        ctx: RunContext,
        step: Step,
        key: str,
        adapter: Adapter,
        outputs: dict[str, list[ArtifactRef]],
        meta: dict[str, Any],
    ) -> StepExecutionRecord:
        started = _now()
        attempt = 0
        paid = self._paid(ctx, step)  # read before this session's first record replaces it

        def finish(status: StepStatus, **fields: Any) -> StepExecutionRecord:
            finished = _now()
            took = (finished - started).total_seconds()
            given = {**meta, **fields}
            # what the work cost: every attempt's seconds at the rate of the device it ran on
            # (the one it reported, else where its stage runs under the profile), on top of
            # what this run already paid for the step (an earlier session, a retake)
            device = given.get("device") or step_device(step, ctx.render_profile)
            cost = round(paid + actual_cost(took, device, self.rates), 6)
            given["metrics"] = {**(given.get("metrics") or {}), "cost_usd": cost}
            record = self._base(
                ctx,
                step,
                key,
                status=status,
                attempts=attempt,
                started_at=started,
                finished_at=finished,
                duration_s=took,
                **given,
            )
            self.records.put(record)
            return record

        while True:
            attempt += 1
            self.records.put(
                self._base(
                    ctx,
                    step,
                    key,
                    status=StepStatus.RUNNING,
                    attempts=attempt,
                    started_at=started,
                    **meta,
                )
            )
            self._event(ctx.run_id, "step_started", {"step_id": step.id, "attempt": attempt})
            try:
                artifacts = self._execute_once(ctx, step, key, adapter, outputs)
            except BaseException as exc:
                if isinstance(exc, SystemExit) or interrupted(exc):
                    # cut off: say so, then let it go (as the interrupt it is, also when
                    # Python wrapped it in another exception during an import)
                    cut = ErrorAnnotation(
                        error_type=type(exc).__name__, message="interrupted", transient=True
                    )
                    finish(StepStatus.INTERRUPTED, error=cut)
                    if isinstance(exc, KeyboardInterrupt | SystemExit):
                        raise
                    raise KeyboardInterrupt(str(exc)) from exc
                if not isinstance(exc, Exception):
                    raise
                if is_transient(exc) and attempt < self.retry.max_attempts:
                    self._event(
                        ctx.run_id,
                        "step_retry",
                        {"step_id": step.id, "attempt": attempt, "error": str(exc)},
                    )
                    self.sleep(self.retry.delay(attempt))
                    continue
                record = finish(StepStatus.FAILED, error=_error(exc))
                self._event(ctx.run_id, "step_failed", {"step_id": step.id, "error": str(exc)})
                return record
            # a stage policy names the backend it chose in its outputs (tts_stage)
            chosen = next(
                (a.metadata["served_by"] for a in artifacts if a.metadata.get("served_by")), None
            )
            # perceptual dedupe (dedupe/perceptual.py): what the outputs are near; a
            # keyframe equal to an earlier one of its adapter becomes that one
            kept, found = perceptual.after_render(
                ctx,
                step,
                artifacts,
                measured(artifacts),
                db=self.records.db,
                store=self.store,
                memory=self.memory,
                upstream=[a for u in upstream_ids(step) for a in outputs.get(u, [])],
                settings=self.settings,
            )
            # a stage whose first backend failed for good names the one that rendered it
            # (adapters/fallback.py): the record's adapter and model are that one's
            fell: Any = next(
                (a.metadata["fallback"] for a in artifacts if a.metadata.get("fallback")), None
            )
            producer: dict[str, Any] = {}
            if isinstance(fell, dict):
                producer = {
                    "adapter": fell.get("to"),
                    "adapter_version": fell.get("version"),
                    "model_id": fell.get("model_id"),
                }
                failed = fell.get("failed") or [{}]
                found = {**found, "metrics": {**found.get("metrics", {}), "fallback": 1.0}}
                self._event(
                    ctx.run_id,
                    "step_fallback",
                    {
                        "step_id": step.id,
                        "from": fell.get("from"),
                        "to": fell.get("to"),
                        "error": failed[0].get("error"),
                    },
                )
            record = finish(
                StepStatus.SUCCEEDED,
                artifacts=kept,
                logs_uri=self._publish_log(ctx, step, key, artifacts),
                served_by=chosen or meta.get("served_by"),
                **found,
                **producer,
            )
            self._event(
                ctx.run_id,
                "step_completed",
                {"step_id": step.id, "artifacts": [a.uri for a in kept]},
            )
            return record

    def _execute_once(
        self,
        ctx: RunContext,
        step: Step,
        key: str,
        adapter: Adapter,
        outputs: dict[str, list[ArtifactRef]],
    ) -> list[ArtifactRef]:
        inputs = {
            STEP_REF_PREFIX + u: self.store.local_path(outputs[u][0].uri)
            for u in upstream_ids(step)
        }
        inputs.update(self._local_inputs(step))
        where = process_folder(self.workdir) if self.workdir is not None else None
        scratch = Path(tempfile.mkdtemp(prefix=f"{step.id}-", dir=where))
        try:
            job = StepJob(
                step=step,
                inputs=inputs,
                context=ctx,
                workdir=scratch,
                upstream={u: outputs[u] for u in upstream_ids(step)},
                run_outputs=dict(outputs),
                run_costs=self._costs(ctx, step),
                run_reused=self._reused(ctx, step),
                cancel=self.cancel,
                on_event=self._live(ctx.run_id, step),
            )
            produced = adapter.run(job)
            if not produced:
                raise StageError(
                    f"{step.id}: adapter {adapter.name} produced no output", step_id=step.id
                )
            return [
                self.store.publish(
                    run_id=ctx.run_id,
                    stage=STAGE_OF_STEP_TYPE[step.type],
                    name=out.name,
                    data=out.data,
                    mime_type=out.mime_type,
                    artifact_type=out.artifact_type,
                    # what made it (a stage policy's outputs name the backend they chose)
                    metadata={
                        "backend": adapter.name,
                        "model_id": adapter.model_id,
                        **out.metadata,
                        "step_id": step.id,
                        "step_key": key,
                    },
                    artifact_id=f"{step.id}-{key[:12]}-{i}",
                )
                for i, out in enumerate(produced)
            ]
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _costs(self, ctx: RunContext, step: Step) -> dict[str, float]:
        """For finalize (the film's cost breakdown): each recorded step's cost."""
        if step.type != "finalize":
            return {}
        return {r.step_id: r.metrics.get("cost_usd", 0.0) for r in self.records.list(ctx.run_id)}

    def _reused(self, ctx: RunContext, step: Step) -> list[ReusedStep]:
        """For finalize (the manifest): the run's keyframes reused from earlier renders."""
        if step.type != "finalize":
            return []
        found = []
        for r in self.records.list(ctx.run_id):
            uris = [a.uri for a in r.artifacts]
            if r.metrics.get("semantic_reuse"):
                score = r.metrics.get("semantic_score")
                found.append(ReusedStep(step_id=r.step_id, via="semantic", uris=uris, score=score))
            elif r.metrics.get("phash_reuse"):
                found.append(ReusedStep(step_id=r.step_id, via="perceptual", uris=uris))
        return found

    def _live(self, run_id: str, step: Step) -> Callable[[str, dict[str, Any]], None] | None:
        """A model backend's live events, as `<stage policy>.<name>` run events."""
        prefix = TELEMETRY_OF_STEP.get(step.type)
        if prefix is None or self.memory is None:
            return None

        def say(name: str, fields: dict[str, Any]) -> None:
            self._event(run_id, f"{prefix}.{name}", {"step_id": step.id, **fields})

        return say

    def _publish_log(
        self, ctx: RunContext, step: Step, key: str, artifacts: list[ArtifactRef]
    ) -> str | None:
        """The step's log stored beside its outputs; its URI, or None (no log, or it could
        not be stored: a log is never the step's failure)."""
        body = step_log(step, artifacts)
        if body is None:
            return None
        try:
            ref = self.store.publish(
                run_id=ctx.run_id,
                stage=STAGE_OF_STEP_TYPE[step.type],
                name=f"{step.id}.log.json",
                data=body,
                mime_type="application/json",
                artifact_type="step_log",
                metadata={"step_id": step.id, "step_key": key},
                artifact_id=f"{step.id}-{key[:12]}-log",
            )
        except (StorageError, OSError):
            return None
        return ref.uri

    def _event(self, run_id: str, event_type: str, payload: dict[str, Any]) -> None:
        if self.memory is not None:
            self.memory.write(run_id, event_type, payload)
