"""One Settings object, loaded with an explicit, tested precedence.

    CLI option  >  environment  >  .env file  >  config file  >  built-in default

* Environment: every variable the seed names, in `ENV_TABLE` below (docs/CONFIG.md is
  generated from it). Where the seed has several names for one thing, the first name in
  the row wins and the others are aliases; a conflict between them is reported in
  `Settings.warnings`, never resolved silently.
* `.env`: read from `SPARKLE_DOTENV` (default `./.env`; empty disables). It fills only
  settings the process environment does not set under any of their names.
* Config file: `--config` > `SPARKLE_CONFIG` > `<configs_dir>/settings.yaml` if present;
  a YAML mapping of setting names (the left column of the table) to values.
* Empty environment values count as unset.
* State lives under one home, `home` (`SPARKLE_HOME`, default `$XDG_DATA_HOME/sparkle-motion`,
  i.e. `~/.local/share/sparkle-motion`): the state paths (`STATE_PATHS`: runs, artifacts,
  databases) resolve against it when relative, so every working directory sees the same
  runs. Other relative paths (configs, model weights, ffmpeg) resolve against the cwd.

Every value remembers where it came from (`Settings.source_of(name)`), which
`sparkle-motion config show` prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    model_validator,
)

from .errors import ConfigError
from .resources import configs_dir as _default_configs_dir

# `--adapter` / SPARKLE_ADAPTERS: a render profile `adapters:` key and a backend name
ADAPTER_OVERRIDE = r"^(images|video|tts|lipsync|assemble)=[a-z][a-z0-9_]{0,47}$"

APP_DIR_NAME = "sparkle-motion"

# settings naming state under `home`: relative values resolve against it
STATE_PATHS = ("runs_dir", "artifacts_fs_root", "artifacts_fs_index", "db_path", "adk_memory_db")


def default_home(env: Mapping[str, str] | None = None) -> Path:
    """The per-user data folder: `$XDG_DATA_HOME/sparkle-motion`, else
    `~/.local/share/sparkle-motion` (XDG: a relative XDG_DATA_HOME is ignored)."""
    env = os.environ if env is None else env
    xdg = env.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / APP_DIR_NAME
    user_home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return user_home / ".local" / "share" / APP_DIR_NAME


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # where things are
    home: Path = Field(default_factory=default_home)
    configs_dir: Path = Field(default_factory=_default_configs_dir)
    artifacts_backend: Literal["filesystem", "adk"] = "filesystem"
    artifacts_fs_root: Path = Path("artifacts_fs")
    artifacts_fs_index: Path | None = None
    db_path: Path = Path("artifacts/sparkle.db")
    adk_memory_db: Path | None = None
    runs_dir: Path = Path("runs")
    adk_artifacts_gcs_bucket: str | None = None
    adk_project: str | None = None
    user_id: str = Field("local", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    # rendering
    render_profile: str | None = None
    max_cost_usd: float | None = Field(None, ge=0)
    # what an hour of a machine costs (runs/cost.py; the sources in docs/COST.md)
    cost_cpu_usd_per_hour: float = Field(0.067, ge=0, le=1e6)
    cost_gpu_usd_per_hour: float = Field(0.54, ge=0, le=1e6)
    ffmpeg_path: Path | None = None
    debug: bool = False
    stage_workers: int | None = Field(None, ge=1, le=64)
    review_gates: list[Literal["script", "keyframes"]] = Field(default_factory=list)
    # per-stage backends over the render profile's: "tts=piper", "lipsync=audio_mux"
    adapters: list[Annotated[str, Field(pattern=ADAPTER_OVERRIDE)]] = Field(default_factory=list)
    # per-stage fallback backends asked for, tried after the profile's: "lipsync=audio_mux"
    fallbacks: list[Annotated[str, Field(pattern=ADAPTER_OVERRIDE)]] = Field(default_factory=list)
    # perceptual dedupe of keyframes and clips (dedupe/, docs/DEDUPE.md)
    dedupe: bool = True
    phash_max_distance: int = Field(8, ge=0, le=11)
    phash_index_max_entries: int = Field(100_000, ge=0, le=100_000_000)
    # semantic prompt reuse of keyframes (dedupe/semantic.py, docs/DEDUPE.md)
    dedupe_threshold: float = Field(0.92, ge=0.5, le=1.0)
    lock_ttl_s: float = Field(60.0, ge=0.2, le=86400)
    gpu_lease_ttl_s: float = Field(30.0, ge=0.2, le=86400)
    max_active_runs: int = Field(1, ge=1, le=64)
    # agents
    script_agent_model: str = "sparkle-offline-planner"
    script_agent_seed: int | None = Field(None, ge=0, le=2**32 - 1)
    tool_agent_model: str = "sparkle-tool-caller"
    google_api_key: SecretStr | None = None
    adk_use_fixture: bool = False
    api_token: SecretStr | None = None
    api_allowed_hosts: list[str] = Field(default_factory=list)
    api_max_body_bytes: int = Field(16 * 1024 * 1024, ge=1024, le=2**34)
    api_port: int = Field(7860, ge=1, le=65535)
    use_tools: list[str] = Field(default_factory=list)
    tool_wait_s: float = Field(60.0, ge=0, le=3600)
    tool_max_body_bytes: int = Field(4 * 1024**3, ge=1024, le=2**40)
    # model weights (local paths; never downloaded)
    images_sdxl_model: Path | None = None
    images_sdxl_refiner_model: Path | None = None
    images_sdxl_seed: int | None = Field(None, ge=0, le=2**32 - 1)
    videos_wan_model: Path | None = None
    videos_wan_seed: int | None = Field(None, ge=0, le=2**32 - 1)
    videos_wan_chunk_frames: int = Field(64, ge=1, le=10_000)
    videos_wan_chunk_overlap: int = Field(4, ge=1, le=1000)
    videos_wan_min_chunk_frames: int = Field(8, ge=1, le=10_000)
    images_max_per_call: int = Field(4, ge=1, le=64)
    images_moderation: str = Field("policy", pattern=r"^(policy|off|[\w.]+:[\w.]+)$")
    model_timeout_s: float = Field(1800.0, gt=0, le=7 * 86400)
    tts_chatterbox_model: Path | None = None
    tts_chatterbox_multilingual_model: Path | None = None
    tts_chatterbox_device: Literal["auto", "cpu", "cuda"] = "auto"
    tts_priority_profile: Literal["cost", "latency", "quality", "balanced"] = "balanced"
    tts_provider_allowlist: list[str] = Field(default_factory=list)
    lipsync_wav2lip_model: Path | None = None
    lipsync_face_det_path: Path | None = None
    # smoke-test gates
    smoke_adk: bool = False
    smoke_tts: bool = False
    smoke_lipsync: bool = False
    smoke_adapters: bool = False
    smoke_assemble: bool = False
    # plan resource caps (PlanResourceError above these)
    plan_max_shots: int = Field(64, ge=1)
    plan_max_total_seconds: float = Field(600.0, gt=0)
    plan_max_shot_seconds: float = Field(60.0, gt=0)
    plan_max_frames: int = Field(20_000, ge=1)
    plan_max_dialogue_lines: int = Field(200, ge=0)
    plan_max_characters: int = Field(12, ge=1)
    # dialogue timing: a line that cannot be spoken at max_wps inside its shot is an error;
    # one that needs more than typical_wps is a warning
    plan_speech_typical_wps: float = Field(2.5, gt=0)
    plan_speech_max_wps: float = Field(4.0, gt=0)
    # content / input policy (PlanPolicyViolation)
    plan_blocked_terms: list[str] = Field(
        default_factory=lambda: ["child sexual", "sexual violence", "beheading", "snuff film"]
    )
    plan_allow_absolute_paths: bool = False
    plan_allowed_handlers: list[str] = Field(default_factory=lambda: ["*"])
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)
    _warnings: list[str] = PrivateAttr(default_factory=list)
    # the `kind=name` items a request named itself, per setting, layered over the server's
    _named: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _resolve_state_paths(self) -> Settings:
        """`home` made absolute (against the cwd), then each relative state path made
        absolute against it; consumers only ever see absolute state paths."""
        home = self.home.expanduser()
        home = home if home.is_absolute() else Path.cwd() / home
        object.__setattr__(self, "home", home)  # frozen: set once, while validating
        for name in STATE_PATHS:
            value = getattr(self, name)
            if value is not None:
                value = value.expanduser()
                object.__setattr__(self, name, value if value.is_absolute() else home / value)
        return self

    @model_validator(mode="after")
    def _chunking(self) -> Settings:
        """A later chunk of a long Wan shot starts from a frame of the one before: the
        overlap must be below the minimum chunk (fitted up to 4k+1, as
        adapters/video/chunks.py does)."""
        minimum = 1 + 4 * -(-(self.videos_wan_min_chunk_frames - 1) // 4)
        if self.videos_wan_chunk_overlap >= minimum:
            raise ValueError(
                f"videos_wan_chunk_overlap ({self.videos_wan_chunk_overlap}) must be smaller "
                f"than the minimum chunk ({minimum} frames: videos_wan_min_chunk_frames "
                "fitted to 4k+1)"
            )
        return self

    @property
    def artifacts_index_path(self) -> Path:
        """`ARTIFACTS_FS_INDEX`, or `index.db` inside the artifact root so the root moves whole."""
        return self.artifacts_fs_index or self.artifacts_fs_root / "index.db"

    @property
    def adk_memory_path(self) -> Path:
        """ADK's memory database: its own file, as ADK also names a table memory_events."""
        return self.adk_memory_db or self.db_path.with_name("adk_memory.db")

    @property
    def warnings(self) -> list[str]:
        return list(self._warnings)

    def source_of(self, name: str) -> str:
        return self._sources.get(name, "default")

    def named_items(self, name: str) -> list[str]:
        """The `kind=name` items of `adapters` or `fallbacks` this command or request named
        itself: all of them from the command line; a request's own (not the server's
        defaults it was layered over); none from a file or the environment."""
        source = self.source_of(name)
        if source == "cli":
            return list(getattr(self, name))
        return list(self._named.get(name, [])) if source == "request" else []

    def with_named(self, name: str, items: list[str], named: list[str]) -> Settings:
        """A copy whose `name` is `items` (a request's `named` over the server's own)."""
        given = self.model_copy(update={name: items})
        given._sources = {**self._sources, name: "request"}  # dicts of its own: a copy
        given._named = {**self._named, name: list(named)}  # shares the server's
        return given


@dataclass(frozen=True)
class EnvVar:
    setting: str
    names: tuple[str, ...]  # names[0] wins; the rest are aliases, in priority order
    doc: str


ENV_TABLE: tuple[EnvVar, ...] = (
    EnvVar(
        "home",
        ("SPARKLE_HOME",),
        "Where state lives (runs, artifacts, databases): relative runs_dir, artifacts_fs_root, "
        "artifacts_fs_index, db_path and adk_memory_db resolve against it, so every working "
        "directory sees the same runs. Default `~/.local/share/sparkle-motion` when "
        "XDG_DATA_HOME is unset.",
    ),
    EnvVar(
        "configs_dir",
        ("SPARKLE_CONFIGS_DIR",),
        "Folder with render_profiles.yaml, schema_artifacts.yaml, settings.yaml.",
    ),
    EnvVar(
        "artifacts_backend",
        ("ARTIFACTS_BACKEND",),
        "`filesystem` (our atomic shim) or `adk` (ADK's artifact services).",
    ),
    EnvVar(
        "artifacts_fs_root",
        ("ARTIFACTS_FS_ROOT", "ARTIFACTS_DIR", "ADK_ARTIFACTS_ROOT"),
        "Artifact root. The seed's ARTIFACTS_DIR and ADK_ARTIFACTS_ROOT are aliases.",
    ),
    EnvVar(
        "artifacts_fs_index",
        ("ARTIFACTS_FS_INDEX",),
        "SQLite artifact index; default `<artifacts_fs_root>/index.db`.",
    ),
    EnvVar(
        "db_path",
        ("SPARKLE_DB_PATH",),
        "Our one SQLite database (runs, step records, memory_events, recent_index, "
        "semantic_index).",
    ),
    EnvVar(
        "adk_memory_db",
        ("ADK_MEMORY_SQLITE",),
        "ADK's SqliteMemoryService file, where agents search memory events; default "
        "`adk_memory.db` beside SPARKLE_DB_PATH (not the same file: ADK also has a "
        "`memory_events` table).",
    ),
    EnvVar("runs_dir", ("SPARKLE_RUNS_DIR",), "Where `runs/<run_id>/final.mp4` exports go."),
    EnvVar(
        "adk_artifacts_gcs_bucket",
        ("ADK_ARTIFACTS_GCS_BUCKET",),
        "GCS bucket for ADK's GcsArtifactService.",
    ),
    EnvVar(
        "adk_project",
        ("ADK_PROJECT", "GOOGLE_CLOUD_PROJECT"),
        "Google Cloud project for ADK services.",
    ),
    EnvVar("user_id", ("SPARKLE_USER_ID",), "ADK user_id for sessions and artifacts."),
    EnvVar(
        "render_profile",
        ("SPARKLE_RENDER_PROFILE",),
        "Profile when neither CLI nor plan names one (`preview`, `full`).",
    ),
    EnvVar(
        "max_cost_usd",
        ("SPARKLE_MAX_COST_USD",),
        "Budget per run (over a plan's own `max_cost_usd`): a run whose estimated minimum "
        "is over it does not start; one whose recorded cost reaches it stops between steps "
        "(resume with a higher one). A dry run reports whether a plan fits.",
    ),
    EnvVar(
        "cost_cpu_usd_per_hour",
        ("SPARKLE_COST_CPU_USD_PER_HOUR",),
        "What an hour of a CPU machine costs (a step on the CPU; docs/COST.md says where the "
        "default comes from).",
    ),
    EnvVar(
        "cost_gpu_usd_per_hour",
        ("SPARKLE_COST_GPU_USD_PER_HOUR",),
        "What an hour of a GPU machine costs (a step on a GPU; docs/COST.md).",
    ),
    EnvVar("ffmpeg_path", ("FFMPEG_PATH",), "ffmpeg binary; default the imageio-ffmpeg one."),
    EnvVar(
        "stage_workers",
        ("SPARKLE_STAGE_WORKERS",),
        "Steps of one stage run at once when their adapter allows it (keyframes, clips, "
        "muxes); default min(2, CPU count).",
    ),
    EnvVar(
        "adapters",
        ("SPARKLE_ADAPTERS",),
        "Per-stage backends over the render profile's, comma-separated `kind=name` "
        "(`tts=piper,lipsync=audio_mux`; kinds: images, video, tts, lipsync, assemble). "
        "They enter the step keys and the film's manifest; a run keeps them for `resume`.",
    ),
    EnvVar(
        "fallbacks",
        ("SPARKLE_FALLBACKS",),
        "Per-stage fallback backends, comma-separated `kind=name` (`lipsync=audio_mux`): "
        "tried, in order, after the profile's own when a stage's backend fails for good; the "
        "one way a `full` backend falls back to a preview one (docs/PROFILES.md). A run keeps "
        "them for `resume`.",
    ),
    EnvVar(
        "review_gates",
        ("SPARKLE_REVIEW_GATES",),
        "Review gates a run pauses at for a person's decision, comma-separated: `script` "
        "(the plan, before anything renders), `keyframes` (before clips are made). Default none.",
    ),
    EnvVar(
        "dedupe",
        ("SPARKLE_DEDUPE",),
        "Perceptual dedupe of keyframes and clips and semantic prompt reuse of keyframes "
        "(0: off for every run; `--no-reuse` for one; docs/DEDUPE.md).",
    ),
    EnvVar(
        "phash_max_distance",
        ("SPARKLE_PHASH_MAX_DISTANCE",),
        "Hamming distance (of 64 pHash bits) up to which an image is recorded as near an "
        "earlier one (0..11).",
    ),
    EnvVar(
        "phash_index_max_entries",
        ("SPARKLE_PHASH_INDEX_MAX_ENTRIES",),
        "`artifacts prune` keeps at most this many perceptual index entries.",
    ),
    EnvVar(
        "dedupe_threshold",
        ("SPARKLE_DEDUPE_THRESHOLD",),
        "Cosine similarity (0.5..1) of two keyframe prompts' embeddings from which a keyframe "
        "reuses another run's (semantic prompt reuse; docs/DEDUPE.md).",
    ),
    EnvVar(
        "lock_ttl_s",
        ("SPARKLE_LOCK_TTL_S",),
        "A run's owner on another host counts as dead once its heartbeat (refreshed every "
        "TTL/4 s) is older than this; on this host the owner's process is checked instead.",
    ),
    EnvVar(
        "gpu_lease_ttl_s",
        ("SPARKLE_GPU_LEASE_TTL_S",),
        "The GPU lease (`$SPARKLE_HOME/locks/gpu-<device>.lease`): its holder refreshes its "
        "heartbeat every TTL/4 s; a waiter fails, naming the holder, once a live holder's "
        "heartbeat is older than this (hung); a holder whose process is gone is taken over "
        "at once.",
    ),
    EnvVar(
        "max_active_runs",
        ("SPARKLE_MAX_ACTIVE_RUNS",),
        "Runs one state home drives at once (the seed's single-job rule: 1); a start beyond "
        "it is refused with RunBusyError naming the active run. Raise it for CPU previews.",
    ),
    EnvVar(
        "debug",
        ("SPARKLE_DEBUG",),
        "Keep the temp outputs of assemble (graph, .srt, partial film) under "
        "`<runs_dir>/quarantine/`.",
    ),
    EnvVar(
        "script_agent_model",
        ("SCRIPT_AGENT_MODEL",),
        "Planner model: the offline planner, `gemini-*`, or a LiteLlm id.",
    ),
    EnvVar(
        "tool_agent_model",
        ("SPARKLE_TOOL_AGENT_MODEL",),
        "Model of each FunctionTool's own agent (POST /agent): `sparkle-tool-caller` (offline, "
        "no key), `gemini-*` (GOOGLE_API_KEY) or provider/model (LiteLlm).",
    ),
    EnvVar(
        "script_agent_seed",
        ("SCRIPT_AGENT_SEED",),
        "Seed for the planner (the offline planner is deterministic per seed).",
    ),
    EnvVar("google_api_key", ("GOOGLE_API_KEY",), "Key for `gemini-*` planner models."),
    EnvVar("adk_use_fixture", ("ADK_USE_FIXTURE",), "Select ADK fixture mode explicitly."),
    EnvVar(
        "api_token",
        ("SPARKLE_API_TOKEN",),
        "Bearer token every HTTP route but /health, / and /static/* requires; default the "
        "token in `$SPARKLE_HOME/api_token` (created with mode 0600 on first use).",
    ),
    EnvVar(
        "api_allowed_hosts",
        ("SPARKLE_API_ALLOWED_HOSTS",),
        "Comma-separated Host names the HTTP services answer besides the loopback ones.",
    ),
    EnvVar(
        "api_max_body_bytes",
        ("SPARKLE_API_MAX_BODY_BYTES",),
        "Largest request body the HTTP services read (413 above it).",
    ),
    EnvVar("api_port", ("SPARKLE_API_PORT",), "Port of the production API (127.0.0.1)."),
    EnvVar(
        "use_tools",
        ("SPARKLE_USE_TOOLS",),
        "Comma-separated FunctionTools that are being served: the backends the catalog "
        "(configs/tool_registry.yaml) marks `tool` run in those tools' processes over HTTP. "
        "`sparkle-motion serve` sets it to the tools it started, for its runs.",
    ),
    EnvVar(
        "tool_wait_s",
        ("SPARKLE_TOOL_WAIT_S",),
        "How long a step waits for a tool that does not answer (starting, or being "
        "restarted by `serve`) before it fails as a transient error.",
    ),
    EnvVar(
        "tool_max_body_bytes",
        ("SPARKLE_TOOL_MAX_BODY_BYTES",),
        "Largest step upload a FunctionTool's POST /render reads (its inputs; 413 above it).",
    ),
    EnvVar("images_sdxl_model", ("IMAGES_SDXL_MODEL",), "Local SDXL base weights folder."),
    EnvVar(
        "images_sdxl_refiner_model",
        ("IMAGES_SDXL_REFINER_MODEL",),
        "Local SDXL refiner weights folder (optional).",
    ),
    EnvVar("images_sdxl_seed", ("IMAGES_SDXL_SEED",), "Seed override for keyframes."),
    EnvVar("videos_wan_model", ("VIDEOS_WAN_MODEL",), "Local Wan 2.1 FLF2V/I2V weights folder."),
    EnvVar("videos_wan_seed", ("VIDEOS_WAN_SEED",), "Seed override for clips."),
    EnvVar(
        "videos_wan_chunk_frames",
        ("VIDEOS_WAN_CHUNK_FRAMES",),
        "Longest Wan call in frames (fitted down to 4k+1); a longer shot renders in chunks.",
    ),
    EnvVar(
        "videos_wan_chunk_overlap",
        ("VIDEOS_WAN_CHUNK_OVERLAP",),
        "Frames two chunks of a shot share (cross-faded); below the minimum chunk.",
    ),
    EnvVar(
        "videos_wan_min_chunk_frames",
        ("VIDEOS_WAN_MIN_CHUNK_FRAMES",),
        "Shortest chunk (fitted up to 4k+1): out-of-memory shrinks chunks down to it.",
    ),
    EnvVar(
        "images_max_per_call",
        ("IMAGES_SDXL_MAX_PER_CALL",),
        "Most images one SDXL pipeline call renders (a step's `count` is split in batches).",
    ),
    EnvVar(
        "images_moderation",
        ("SPARKLE_IMAGES_MODERATION",),
        "Keyframe prompt check before rendering: `policy` (the plan's blocked terms), `off`, "
        "or `package.module:function` (prompt -> None, or the reason it is refused).",
    ),
    EnvVar(
        "model_timeout_s",
        ("SPARKLE_MODEL_TIMEOUT_S",),
        "Longest one model call may take; checked between denoising steps (a timeout error).",
    ),
    EnvVar(
        "tts_chatterbox_model", ("TTS_CHATTERBOX_MODEL",), "Local Chatterbox checkpoint folder."
    ),
    EnvVar(
        "tts_chatterbox_multilingual_model",
        ("TTS_CHATTERBOX_MULTILINGUAL_MODEL",),
        "Local Chatterbox multilingual checkpoint folder (lines in other languages).",
    ),
    EnvVar("tts_chatterbox_device", ("TTS_CHATTERBOX_DEVICE",), "`auto`, `cpu` or `cuda`."),
    EnvVar(
        "tts_priority_profile",
        ("TTS_PRIORITY_PROFILE",),
        "Provider choice: cost, latency, quality, balanced.",
    ),
    EnvVar(
        "tts_provider_allowlist",
        ("TTS_PROVIDER_ALLOWLIST",),
        "Comma-separated TTS providers allowed (empty = all).",
    ),
    EnvVar("lipsync_wav2lip_model", ("LIPSYNC_WAV2LIP_MODEL",), "Local Wav2Lip checkpoint."),
    EnvVar(
        "lipsync_face_det_path", ("LIPSYNC_FACE_DET_PATH",), "Local S3FD face-detector checkpoint."
    ),
    EnvVar("smoke_adk", ("SMOKE_ADK",), "Run ADK smoke tests (real SDK/credentials)."),
    EnvVar("smoke_tts", ("SMOKE_TTS",), "Run real-weight TTS smoke tests."),
    EnvVar("smoke_lipsync", ("SMOKE_LIPSYNC",), "Run real-weight lip-sync smoke tests."),
    EnvVar("smoke_adapters", ("SMOKE_ADAPTERS",), "Run real-weight image/video smoke tests."),
    EnvVar("smoke_assemble", ("SMOKE_ASSEMBLE",), "Run the assemble smoke test."),
    EnvVar("plan_max_shots", ("SPARKLE_PLAN_MAX_SHOTS",), "Resource cap: shots per plan."),
    EnvVar(
        "plan_max_total_seconds", ("SPARKLE_PLAN_MAX_TOTAL_SECONDS",), "Resource cap: film length."
    ),
    EnvVar(
        "plan_max_shot_seconds",
        ("SPARKLE_PLAN_MAX_SHOT_SECONDS",),
        "Resource cap: one shot's length.",
    ),
    EnvVar(
        "plan_max_frames",
        ("SPARKLE_PLAN_MAX_FRAMES",),
        "Resource cap: frames over all shots at the profile's fps.",
    ),
    EnvVar(
        "plan_max_dialogue_lines",
        ("SPARKLE_PLAN_MAX_DIALOGUE_LINES",),
        "Resource cap: dialogue lines.",
    ),
    EnvVar(
        "plan_max_characters",
        ("SPARKLE_PLAN_MAX_CHARACTERS",),
        "Resource cap: declared characters.",
    ),
    EnvVar(
        "plan_speech_typical_wps",
        ("SPARKLE_PLAN_SPEECH_TYPICAL_WPS",),
        "Words/s used to place lines and warn when tight.",
    ),
    EnvVar(
        "plan_speech_max_wps",
        ("SPARKLE_PLAN_SPEECH_MAX_WPS",),
        "Words/s above which a line cannot fit its shot (error).",
    ),
    EnvVar(
        "plan_blocked_terms",
        ("SPARKLE_PLAN_BLOCKED_TERMS",),
        "Comma-separated phrases the content policy rejects.",
    ),
    EnvVar(
        "plan_allow_absolute_paths",
        ("SPARKLE_PLAN_ALLOW_ABSOLUTE_PATHS",),
        "Let plans read files outside their own folder.",
    ),
    EnvVar(
        "plan_allowed_handlers",
        ("SPARKLE_PLAN_ALLOWED_HANDLERS",),
        "Comma-separated glob patterns of custom-step handlers allowed.",
    ),
    EnvVar("log_level", ("SPARKLE_LOG_LEVEL",), "DEBUG, INFO, WARNING or ERROR."),
)

# Variables that steer loading itself rather than naming a setting.
META_ENV = {
    "SPARKLE_CONFIG": "Settings file to load instead of `<configs_dir>/settings.yaml`.",
    "SPARKLE_DOTENV": "`.env` file to bootstrap from (default `./.env`; empty disables).",
}

_LIST_SETTINGS = {
    "adapters",
    "fallbacks",
    "api_allowed_hosts",
    "use_tools",
    "review_gates",
    "tts_provider_allowlist",
    "plan_blocked_terms",
    "plan_allowed_handlers",
}


def _read_dotenv(path: Path) -> dict[str, str]:
    from dotenv import dotenv_values

    if not path.is_file():
        return {}
    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must be a mapping of setting names to values")
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {unknown}; see docs/CONFIG.md")
    return data


def _env_value(setting: str, raw: str) -> Any:
    if setting in _LIST_SETTINGS:
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        return [] if setting == "review_gates" and parts == ["none"] else parts
    return raw


def load_settings(
    cli: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Build Settings from all levels. `cli` holds options the user actually passed."""
    env = dict(os.environ if env is None else env)
    cli = {k: v for k, v in (cli or {}).items() if v is not None}
    unknown = sorted(set(cli) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"unknown CLI setting(s) {unknown}")

    dotenv_name = env.get("SPARKLE_DOTENV", ".env")
    dotenv = _read_dotenv(Path(dotenv_name)) if dotenv_name else {}

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    warnings: list[str] = []

    # loader variables may come from .env too (the process environment wins)
    loader = {**dotenv, **env}

    # config file (lowest explicit level)
    if config_file is None and loader.get("SPARKLE_CONFIG"):
        config_file = Path(loader["SPARKLE_CONFIG"])
    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"{config_file}: config file not found")
    if config_file is None:
        configs_dir = Path(loader.get("SPARKLE_CONFIGS_DIR") or _default_configs_dir())
        candidate = configs_dir / "settings.yaml"
        config_file = candidate if candidate.is_file() else None
    if config_file is not None:
        for key, value in _read_config_file(config_file).items():
            values[key] = value
            sources[key] = f"file:{config_file}"

    # environment: for each setting, any of its names set in the process environment wins
    # over .env (python-dotenv never overrides a set variable); within a level, the first
    # name in the row wins over its aliases
    for spec in ENV_TABLE:
        for layer_name, layer in (("env", env), ("dotenv", dotenv)):
            present = [(n, layer[n]) for n in spec.names if layer.get(n, "") != ""]
            if not present:
                continue
            winner, raw = present[0]
            for other, other_raw in present[1:]:
                if other_raw != raw:
                    warnings.append(
                        f"{winner} and {other} are both set and differ; {winner} wins "
                        f"({spec.setting}={raw!r})"
                    )
            values[spec.setting] = _env_value(spec.setting, raw)
            sources[spec.setting] = f"{layer_name}:{winner}"
            break

    for key, value in cli.items():
        values[key] = value
        sources[key] = "cli"

    if "home" not in values:  # the default, from the XDG variables of `env` (or .env)
        values["home"] = default_home(loader)

    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        from .schemas.messages import pydantic_issues

        lines = []
        for problem in pydantic_issues(exc):
            setting = problem.path.split(".")[0].split("[")[0]
            origin = sources.get(setting, "default")
            if origin.startswith(("env:", "dotenv:")):
                label = origin.split(":", 1)[1]
            elif origin == "cli":
                label = f"--{setting.replace('_', '-')}"
            else:
                label = f"{setting} ({origin})"
            lines.append(f"{label}: {str(problem).split(': ', 1)[1]}")
        raise ConfigError("; ".join(lines), context={"problems": lines}) from exc
    settings._sources.update(sources)
    settings._warnings.extend(warnings)
    return settings


_cached: Settings | None = None


def get_settings() -> Settings:
    """Process-wide settings from env/file/defaults (no CLI level); loaded once."""
    global _cached
    if _cached is None:
        _cached = load_settings()
    return _cached


def stage_workers(settings: Settings) -> int:
    import os

    return settings.stage_workers or min(2, os.cpu_count() or 1)


def use_settings(settings: Settings) -> None:
    """Make `settings` the process-wide ones (the CLI does, so graph nodes see its options)."""
    global _cached
    _cached = settings


def reset_settings_cache() -> None:
    global _cached
    _cached = None


def env_table_markdown() -> str:
    """The documented table of env vars (docs/CONFIG.md embeds this verbatim)."""
    rows = [
        "| setting | env var (wins) | aliases (lose, in order) | default | what |",
        "|---|---|---|---|---|",
    ]
    for spec in ENV_TABLE:
        field = Settings.model_fields[spec.setting]
        default = field.default_factory() if field.default_factory is not None else field.default
        if spec.setting == "home":
            default = f"$XDG_DATA_HOME/{APP_DIR_NAME}"
        elif spec.setting == "configs_dir":
            default = "<package>/_data/configs (the checkout's configs/)"
        elif spec.setting in STATE_PATHS and default is not None:
            default = f"$SPARKLE_HOME/{default}"
        shown = "" if default is None else f"`{default}`"
        aliases = ", ".join(f"`{a}`" for a in spec.names[1:])
        rows.append(f"| `{spec.setting}` | `{spec.names[0]}` | {aliases} | {shown} | {spec.doc} |")
    for name, doc in META_ENV.items():
        rows.append(f"| (loader) | `{name}` |  |  | {doc} |")
    return "\n".join(rows)


def adapter_overrides(settings: Settings) -> dict[str, str]:
    """`settings.adapters` as {profile key: backend} (a later one for a kind wins)."""
    return dict(item.split("=", 1) for item in settings.adapters)


def fallback_overrides(settings: Settings) -> dict[str, list[str]]:
    """`settings.fallbacks` as {profile key: [backend, ...]} in the order given."""
    return fallbacks_by_key(settings.fallbacks)


def fallbacks_by_key(items: Iterable[str]) -> dict[str, list[str]]:
    """`kind=name` items as {profile key: [backend, ...]}, in order, none twice."""
    found: dict[str, list[str]] = {}
    for item in items:
        kind, name = item.split("=", 1)
        if name not in found.setdefault(kind, []):
            found[kind].append(name)
    return found
