"""Request bodies of the production API: strict (an unknown field is a 422 naming it)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..production_agent.overrides import PROFILE_KEYS
from ..schemas import RunStatus
from ..schemas.common import RUN_ID_PATTERN, NonEmptyText

RUN_ID = f"^{RUN_ID_PATTERN}$"
NAME = Annotated[str, Field(max_length=48)]


def adapters_field() -> Any:
    """The CLI's `--adapter tts=piper,lipsync=audio_mux` as {"tts": "piper", "lipsync":
    "audio_mux"}; the run service checks it (production_agent/overrides.py), a 422 naming
    `adapters.<key>`."""
    return Field(
        None,
        max_length=len(PROFILE_KEYS),
        description=f"Per-stage backends over the render profile's: profile key "
        f"({', '.join(PROFILE_KEYS)}) -> a registered adapter of that kind. They enter the "
        "step keys and the film's manifest; a run keeps them for /resume. Absent or empty: "
        "only the server's own (SPARKLE_ADAPTERS); on /resume, the ones the run started with.",
    )


def fallbacks_field() -> Any:
    """The CLI's `--fallback lipsync=audio_mux` as {"lipsync": ["audio_mux"]}; checked as
    `adapters` is, a 422 naming `fallbacks.<key>`."""
    return Field(
        None,
        max_length=len(PROFILE_KEYS),
        description="Per-stage fallback backends, tried in order after the stage's backend "
        "(and the profile's `fallbacks`) fail for good: profile key -> registered adapters "
        "of that kind. The one way a full backend falls back to a preview one. A run keeps "
        "them for /resume; absent or empty: the server's own (SPARKLE_FALLBACKS), on "
        "/resume the ones the run started with.",
    )


def budget_field() -> Any:
    return Field(
        None,
        ge=0,
        le=1e9,
        description="The run's budget in USD, over the plan's and the server's: a start whose "
        "estimated minimum is over it is a 422 naming `max_cost_usd`; the run stops between "
        "steps once its recorded cost reaches it (resume with a higher one).",
    )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class InvokeRequest(Strict):
    """Start a run from an idea or a plan (exactly one)."""

    # printable and visible, as the plan written from it must be: else a 422 naming `idea`
    idea: NonEmptyText | None = Field(None, min_length=1, max_length=2000)
    plan: dict[str, Any] | None = None
    profile: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,48}$")
    review: list[Literal["script", "keyframes"]] | None = None
    mode: Literal["run", "dry"] = "run"
    run_id: str | None = Field(None, pattern=RUN_ID, max_length=100)
    seed: int | None = Field(None, ge=0, le=2**32 - 1)
    adapters: dict[NAME, NAME] | None = adapters_field()
    fallbacks: dict[NAME, Annotated[list[NAME], Field(max_length=8)]] | None = fallbacks_field()
    max_cost_usd: float | None = budget_field()

    @model_validator(mode="after")
    def _one_source(self) -> InvokeRequest:
        if (self.idea is None) == (self.plan is None):
            raise ValueError("send exactly one of idea and plan")
        return self


class RunRef(Strict):
    run_id: str = Field(pattern=RUN_ID, max_length=100)


class ResumeRequest(RunRef):
    from_stage: str | None = Field(None, max_length=48)
    profile: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,48}$")
    adapters: dict[NAME, NAME] | None = adapters_field()
    fallbacks: dict[NAME, Annotated[list[NAME], Field(max_length=8)]] | None = fallbacks_field()
    max_cost_usd: float | None = budget_field()


class ReviewRequest(RunRef):
    decision: Literal["approve", "reject"]
    gate: Literal["script", "keyframes"] | None = None
    keyframes: list[int] | None = Field(None, max_length=1000)
    note: str | None = Field(None, max_length=2000)


# --------------------------------------------------------------------------- answers


class Answer(BaseModel):
    """An answer's shape, documented in the OpenAPI schema; a field it does not know fails
    the server's own tests (and the dashboards' recorded payloads), not a client."""

    model_config = ConfigDict(extra="forbid")


class Owner(Answer):
    pid: int | None
    host: str | None
    alive: bool


class Review(Answer):
    interrupt_id: str
    request_id: int | None = Field(
        description="the request's event id: a gate asked again after a retake has a new one"
    )
    gate: str
    message: str
    keyframes: list[int]
    keyframe_ids: list[str] = Field(
        description="each reviewed keyframe's id, in the order of `keyframes` (its image is "
        "/artifacts' assets.base_images[id]); empty when the plan no longer says"
    )
    answered: Literal["approve", "reject"] | None = Field(
        description="the decision recorded for it, applied when the run resumes"
    )
    retaken: list[int] = Field(
        default_factory=list, description="of `keyframes`, those rendered again (new)"
    )
    kept: list[int] = Field(
        default_factory=list, description="keyframes approved earlier: not asked about again"
    )


class StepRow(Answer):
    step_id: str
    stage: str
    status: str
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    adapter: str | None
    served_by: str | None
    seed: int | None


class Actions(Answer):
    """What a person may ask of the run now: a dashboard's buttons follow these."""

    pause: bool
    resume: bool
    stop: bool
    review: bool


class Budget(Answer):
    limit_usd: float
    spent_usd: float
    stopped: bool = Field(description="the budget is what stopped the run")
    message: str | None = None


class StatusResponse(Answer):
    run_id: str
    status: RunStatus
    plan_id: str
    render_profile: str | None
    current_stage: str | None
    eta_s: float | None
    elapsed_s: float | None
    steps_left: int | None
    stage_totals: dict[str, int] | None = Field(
        description="stage -> the plan's steps of that stage (each stage's progress bar)"
    )
    control: str | None = Field(description="a pause or stop asked and not yet settled")
    actions: Actions
    events_url: str = Field(description="the run's server-sent events, a signed URL")
    owner: Owner
    steps_by_stage: dict[str, dict[str, int]]
    failures: list[str]
    reviews: list[Review]
    steps: list[StepRow]
    film: dict[str, Any] | None = Field(
        description="the video_final manifest (no host path) with a signed download_url"
    )
    cost_usd: float = Field(0.0, description="what the run's recorded steps cost (docs/COST.md)")
    budget: Budget | None = Field(None, description="the budget the run is held to, if any")
    metrics: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="stage -> succeeded, failed, cached, skipped, retries, seconds, "
        "max_seconds, mean_seconds, cost_usd, phash_reuse, semantic_reuse, cache_hit_rate, "
        "success_rate (runs/metrics.py)",
    )


class RunRow(Answer):
    run_id: str
    plan_id: str
    status: RunStatus
    render_profile: str | None
    owner_pid: int | None
    created_at: float
    updated_at: float
    cost_usd: float | None = Field(None, description="what its recorded steps cost so far")
