"""How each stage did: successes, failures, retries, time, reuse and cost, for one run (from
its step records: `status`, `/status`) and for every run of the state home (one grouped
query: Prometheus text at the production server's `/metrics`).

    stage_metrics(records)  -> {stage: StageMetrics}     one run
    home_metrics(db)        -> [MetricRow]               every run, by stage and status
    prometheus(rows, runs)  -> text/plain; version=0.0.4

A step's record is its latest (a retried step's `attempts` says how many tries it took;
retries are the tries beyond the first). Reuse: `cached` (the same step key done before),
and the reuse the dedupe paths record in a step's metrics (`phash_reuse`: a keyframe or
clip frame that is a perceptual duplicate of an earlier one; `semantic_reuse`: an earlier
artifact whose prompt means the same), counted where they are recorded. Fallbacks: steps a
stage's later backend rendered after its first one failed for good (`metrics.fallback`,
adapters/fallback.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from .table import Runs

if TYPE_CHECKING:
    from ..schemas import StepExecutionRecord
    from ..storage.db import Database

REUSE_KINDS = ("phash_reuse", "semantic_reuse")


@dataclass
class StageMetrics:
    succeeded: int = 0
    failed: int = 0
    cached: int = 0  # reused by step key
    skipped: int = 0
    retries: int = 0  # tries beyond the first, over the stage's steps
    seconds: float = 0.0  # the steps' own time (a reused step takes none)
    max_seconds: float = 0.0
    cost_usd: float = 0.0
    phash_reuse: int = 0
    semantic_reuse: int = 0
    fallbacks: int = 0  # rendered by a fallback backend

    @property
    def ran(self) -> int:
        return self.succeeded + self.failed

    def view(self) -> dict[str, Any]:
        """As /status shows it: the counts, the mean step time and the cache hit rate."""
        done = self.succeeded + self.cached
        return {
            **asdict(self),
            "seconds": round(self.seconds, 3),
            "cost_usd": round(self.cost_usd, 6),
            "mean_seconds": round(self.seconds / self.ran, 3) if self.ran else None,
            "cache_hit_rate": round(self.cached / done, 3) if done else None,
            "success_rate": round(self.succeeded / self.ran, 3) if self.ran else None,
        }


def stage_metrics(records: Iterable[StepExecutionRecord]) -> dict[str, StageMetrics]:
    found: dict[str, StageMetrics] = {}
    for r in records:
        m = found.setdefault(r.stage, StageMetrics())
        status = r.status.value
        if status in ("succeeded", "failed", "cached", "skipped"):
            setattr(m, status, getattr(m, status) + 1)
        if status in ("succeeded", "failed"):
            m.retries += max(0, r.attempts - 1)
            took = r.duration_s or 0.0
            m.seconds += took
            m.max_seconds = max(m.max_seconds, round(took, 3))
        m.cost_usd += r.metrics.get("cost_usd", 0.0)
        m.phash_reuse += int(r.metrics.get("phash_reuse", 0) > 0)
        m.semantic_reuse += int(r.metrics.get("semantic_reuse", 0) > 0)
        m.fallbacks += int(r.metrics.get("fallback", 0) > 0)
    return found


@dataclass(frozen=True)
class MetricRow:
    stage: str
    status: str
    steps: int
    retries: int
    seconds: float
    cost_usd: float
    phash_reuse: int
    semantic_reuse: int
    fallbacks: int = 0


def home_metrics(
    db: Database,
) -> tuple[list[MetricRow], dict[str, int], dict[tuple[str, str], int]]:
    """Every run's step records by stage and status; runs by status; failures by stage and
    error type (one query each, in SQLite)."""
    rows = [
        MetricRow(
            stage=r[0],
            status=r[1],
            steps=int(r[2]),
            retries=int(r[3] or 0),
            seconds=float(r[4] or 0.0),
            cost_usd=float(r[5] or 0.0),
            phash_reuse=int(r[6] or 0),
            semantic_reuse=int(r[7] or 0),
            fallbacks=int(r[8] or 0),
        )
        for r in db.query(
            "SELECT stage, status, COUNT(*), "
            "SUM(CASE WHEN status IN ('succeeded', 'failed') THEN MAX(attempts - 1, 0) END), "
            "SUM(CASE WHEN status IN ('succeeded', 'failed') "
            "THEN json_extract(record, '$.duration_s') END), "
            "SUM(json_extract(record, '$.metrics.cost_usd')), "
            "SUM(json_extract(record, '$.metrics.phash_reuse') > 0), "
            "SUM(json_extract(record, '$.metrics.semantic_reuse') > 0), "
            "SUM(json_extract(record, '$.metrics.fallback') > 0) "
            "FROM step_records GROUP BY stage, status ORDER BY stage, status"
        )
    ]
    runs: dict[str, int] = {}
    for row in Runs(db).list(limit=1_000_000):  # as `status` sees them: a dead owner crashed
        runs[row["status"]] = runs.get(row["status"], 0) + 1
    errors = {
        (str(r[0]), str(r[1])): int(r[2])
        for r in db.query(
            "SELECT stage, json_extract(record, '$.error.error_type'), COUNT(*) FROM step_records "
            "WHERE status = 'failed' GROUP BY 1, 2"
        )
    }
    return rows, runs, errors


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def prometheus(
    rows: list[MetricRow], runs: dict[str, int], errors: dict[tuple[str, str], int]
) -> str:
    """The Prometheus text exposition format (version 0.0.4). Gauges, not counters: each
    step's latest record is counted (a retake replaces it), so a figure may go down."""
    out: list[str] = []

    def family(name: str, kind: str, what: str, samples: Sequence[tuple[str, float]]) -> None:
        out.append(f"# HELP {name} {what}")
        out.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            shown = repr(float(value))
            out.append(f"{name}{{{labels}}} {shown}" if labels else f"{name} {shown}")

    def by_stage(pick: str) -> list[tuple[str, float]]:
        totals: dict[str, float] = {}
        for r in rows:
            totals[r.stage] = totals.get(r.stage, 0.0) + getattr(r, pick)
        return [(f'stage="{_label(s)}"', v) for s, v in sorted(totals.items())]

    family(
        "sparkle_steps_total",
        "gauge",
        "Steps recorded (each step's latest record), by stage and status.",
        [(f'stage="{_label(r.stage)}",status="{_label(r.status)}"', r.steps) for r in rows],
    )
    family(
        "sparkle_step_retries_total", "gauge", "Tries beyond a step's first.", by_stage("retries")
    )
    family(
        "sparkle_step_seconds_total",
        "gauge",
        "Seconds the steps that ran took.",
        by_stage("seconds"),
    )
    family(
        "sparkle_cost_usd_total",
        "gauge",
        "What the steps cost (docs/COST.md).",
        by_stage("cost_usd"),
    )
    hits: list[tuple[str, float]] = [
        (f'stage="{_label(r.stage)}",kind="step_key"', float(r.steps))
        for r in rows
        if r.status == "cached"
    ]
    for kind in REUSE_KINDS:
        hits += [(f'{labels},kind="{kind.split("_")[0]}"', v) for labels, v in by_stage(kind) if v]
    family("sparkle_reuse_hits_total", "gauge", "Work reused instead of rendered, by kind.", hits)
    family(
        "sparkle_step_fallbacks_total",
        "gauge",
        "Steps a later backend rendered after the stage's first failed for good.",
        [(labels, v) for labels, v in by_stage("fallbacks") if v],
    )
    family(
        "sparkle_step_errors_total",
        "gauge",
        "Failed steps by stage and error type.",
        [
            (f'stage="{_label(stage)}",error_type="{_label(kind or "unknown")}"', n)
            for (stage, kind), n in sorted(errors.items())
        ],
    )
    family(
        "sparkle_runs",
        "gauge",
        "Runs of this state home by status.",
        [(f'status="{_label(s)}"', n) for s, n in sorted(runs.items())],
    )
    return "\n".join(out) + "\n"
