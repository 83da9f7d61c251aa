"""Print the script_agent instruction built from the schema registry, and its hash."""

from __future__ import annotations

from sparkle_motion.plans.prompts import build_script_agent_prompt_template


def main() -> int:
    template = build_script_agent_prompt_template()
    print(template.instruction)
    print(
        f"\n# schema: {template.schema_uri} ({template.schema_path})\n# sha256: {template.sha256}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
