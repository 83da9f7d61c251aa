"""Prompts built from the schema registry (never from JSON pasted into code).

`build_script_agent_prompt_template()` loads the MoviePlan schema through
`configs/schema_artifacts.yaml`, names its canonical URI, and states the rules the
validator will hold the answer to. `scripts/render_script_agent_prompt.py` prints it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings, get_settings
from ..schemas.registry import CONFIG_NAME, ensure_schema_artifacts

SCRIPT_RULES = (
    "Answer with exactly one JSON object and nothing else: no prose, no markdown fences.",
    "Write only the creative plan: leave `steps` out (plan intake compiles them).",
    "`base_images` has exactly len(shots) + 1 entries: keyframe i opens shot i, keyframe i+1 closes it.",
    "Every dialogue `character` is the id of a declared character; an on-screen speaker is listed in the shot's `characters` (else set `off_screen: true`).",
    "Each shot's dialogue must be speakable within its `duration_s` at about 2.5 words per second.",
    "Use 1-3 characters and 3-8 shots; shot descriptions are concrete, visual and all different.",
    "Ids use letters, digits, '-' and '_' only.",
)


@dataclass(frozen=True)
class PromptTemplate:
    schema_uri: str
    schema_path: Path
    instruction: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.instruction.encode()).hexdigest()


def build_script_agent_prompt_template(settings: Settings | None = None) -> PromptTemplate:
    settings = settings or get_settings()
    registry = ensure_schema_artifacts(settings.configs_dir / CONFIG_NAME)
    art = registry.get("movie_plan")
    schema = json.dumps(art.load(), separators=(",", ":"), sort_keys=True)
    rules = "\n".join(f"- {rule}" for rule in SCRIPT_RULES)
    instruction = (
        "You are script_agent of Sparkle Motion. The user message is an idea for a short film; "
        f"turn it into a MoviePlan conforming to the JSON Schema {art.uri}.\n"
        f"Rules:\n{rules}\n"
        f"JSON Schema ({art.uri}):\n{schema}"
    )
    return PromptTemplate(schema_uri=art.uri, schema_path=art.local_path, instruction=instruction)
