from __future__ import annotations

import json
from pathlib import Path

from sparkle_motion.plans import prompts as prompt_templates
from sparkle_motion.plans.prompts import build_script_agent_prompt_template
from tests.conftest import make_settings


def test_prompt_comes_from_the_registry():
    template = build_script_agent_prompt_template(make_settings())
    assert template.schema_uri == "artifact://sparkle-motion/schemas/movie_plan/v1"
    schema = json.dumps(
        json.loads(template.schema_path.read_text()), separators=(",", ":"), sort_keys=True
    )
    assert schema in template.instruction  # the registry's file, verbatim
    assert (
        "JSON object and nothing else" in template.instruction
        and "len(shots) + 1" in template.instruction
    )
    assert template.sha256 == build_script_agent_prompt_template(make_settings()).sha256


def test_no_schema_pasted_into_code():
    source = Path(prompt_templates.__file__).read_text()
    assert '"$defs"' not in source and '"properties"' not in source
