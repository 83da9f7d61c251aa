"""Load configs/render_profiles.yaml and resolve the profile a run uses.

Precedence: CLI/API option > the plan's `render_profile` > configured default
(SPARKLE_RENDER_PROFILE or the settings file) > the file's `default`.
The plan's fps/width/height overrides apply only when the plan's profile is the one chosen.
Settings `adapters` (`--adapter tts=piper`) replace the profile's backend for those stages.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..config import Settings, adapter_overrides
from ..errors import ConfigError, PlanResourceError, PlanSchemaError, issue
from ..schemas import MoviePlan, RenderProfilesFile, ResolvedRenderProfile

FILE_NAME = "render_profiles.yaml"


@lru_cache(maxsize=8)
def _load(path: Path, mtime_ns: int) -> RenderProfilesFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return RenderProfilesFile.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot load render profiles: {exc}") from exc
    except ValidationError as exc:
        from ..schemas.messages import pydantic_issues

        problems = "; ".join(str(i) for i in pydantic_issues(exc))
        raise ConfigError(f"{path}: {problems}") from exc


def load_render_profiles(settings: Settings) -> RenderProfilesFile:
    path = settings.configs_dir / FILE_NAME
    if not path.is_file():
        raise ConfigError(
            f"{path}: render profiles not found; set SPARKLE_CONFIGS_DIR to the folder holding "
            f"{FILE_NAME}"
        )
    return _load(path.resolve(), path.stat().st_mtime_ns)


def resolve_render_profile(plan: MoviePlan, settings: Settings) -> ResolvedRenderProfile:
    profiles = load_render_profiles(settings)
    plan_set = "render_profile" in plan.model_fields_set
    if settings.render_profile and settings.source_of("render_profile") == "cli":
        name, source = settings.render_profile, "cli"
    elif plan_set:
        name, source = plan.render_profile.name, "plan"
    else:
        name, source = settings.render_profile or profiles.default, "default"
    if name not in profiles.profiles:
        where = "render_profile.name" if source == "plan" else "<render_profile option>"
        raise PlanSchemaError([issue(where, f"must be one of {sorted(profiles.profiles)}", name)])
    base = profiles.profiles[name].model_dump()
    if plan_set and plan.render_profile.name == name:
        spec = plan.render_profile
        for key in ("fps", "width", "height"):
            value = getattr(spec, key)
            if value is not None:
                base[key] = value
        if not base["min_fps"] <= base["fps"] <= base["max_fps"]:
            raise PlanResourceError(
                [
                    issue(
                        "render_profile.fps",
                        f"must be within the {name} profile's limits "
                        f"[{base['min_fps']:g}, {base['max_fps']:g}]",
                        spec.fps,
                    )
                ]
            )
    overrides = adapter_overrides(settings)
    if overrides:  # `--adapter tts=piper`: explicit, per stage, never a silent fallback
        base["adapters"] = {**base["adapters"], **overrides}
    return ResolvedRenderProfile.model_validate({**base, "source": source})
