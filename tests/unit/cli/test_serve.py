"""`tools list`: each FunctionTool of the catalog, its URL and backends; `--json` in the
documented shape, saying what the text says."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sparkle_motion.catalog.tool_specs import TOOL_IDS
from sparkle_motion.cli import app

runner = CliRunner()
ENV = {"SPARKLE_DOTENV": ""}


def test_tools_list_json_is_the_documented_shape():
    result = runner.invoke(app, ["tools", "list", "--json"], env=ENV)
    assert result.exit_code == 0, result.output
    tools = json.loads(result.output)
    assert [t["tool"] for t in tools] == list(TOOL_IDS)
    for tool in tools:
        assert set(tool) == {"tool", "url", "title", "backends"}
        assert tool["url"].startswith("http://") and tool["title"]
        assert tool["backends"][0]["default"] is True  # the default first
        for backend in tool["backends"]:
            assert set(backend) == {"name", "where", "default", "gpu", "planned"}
            assert backend["where"] in ("local", "tool", "remote")
    text = runner.invoke(app, ["tools", "list"], env={**ENV, "COLUMNS": "200"}).output
    for tool in tools:
        assert f"{tool['tool']}  {tool['url']}  ({tool['title']})" in text
        for backend in tool["backends"]:
            assert f"  {backend['name']:<22} {backend['where']:<7}" in text
