"""Every example plan: valid ones pass, each invalid one fails with exactly its expected
error class and field path (from its `.expect.yaml` sidecar), via the library and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sparkle_motion import errors
from sparkle_motion.plans import validate_plan_file
from tests.conftest import EXAMPLES, make_settings

VALID = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".json", ".yaml"))
INVALID = sorted(
    p
    for p in (EXAMPLES / "invalid").iterdir()
    if p.suffix in (".json", ".yaml") and not p.name.endswith(".expect.yaml")
)


def expectation(path: Path) -> dict:
    return yaml.safe_load(path.with_name(path.stem + ".expect.yaml").read_text())


def test_examples_exist():
    assert len(VALID) >= 3 and len(INVALID) >= 10
    kinds = {expectation(p)["error"] for p in INVALID}
    assert kinds == {
        "PlanParseError",
        "PlanSchemaError",
        "PlanPolicyViolation",
        "PlanResourceError",
    }


def test_the_required_valid_examples():
    plans = {p.name: validate_plan_file(p, settings=make_settings()).plan for p in VALID}
    sizes = {(len(p.shots), len(p.characters)) for p in plans.values()}
    assert (6, 2) in sizes
    assert any(any(s.type == "custom" for s in p.steps) for p in plans.values())
    assert all(any(line for shot in p.shots for line in shot.dialogue) for p in plans.values())


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_example(path):
    result = validate_plan_file(path, settings=make_settings())
    assert result.plan.steps and not result.warnings


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_fails_exactly_as_expected(path):
    expect = expectation(path)
    with pytest.raises(errors.PlanError) as info:
        validate_plan_file(path, settings=make_settings())
    assert type(info.value).__name__ == expect["error"]
    assert info.value.paths == [expect["path"]], info.value.issues


def test_cli_accepts_all_valid_and_names_class_and_path_for_each_invalid():
    cli = [sys.executable, "-m", "sparkle_motion.cli", "plan", "validate"]
    env = {"SPARKLE_DOTENV": "", "PATH": ""}
    ok = subprocess.run([*cli, *map(str, VALID)], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stderr
    for path in INVALID:
        bad = subprocess.run([*cli, str(path)], capture_output=True, text=True, env=env)
        expect = expectation(path)
        assert bad.returncode == 1
        assert f"{path}: {expect['error']}" in bad.stderr
        assert f"  {expect['path']}: " in bad.stderr
