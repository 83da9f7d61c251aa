"""The plan attack suite: valid example plans, mutated (tests/reliability/strategies.py),
as JSON and YAML text. Property: validation returns a valid result or raises a PlanError
subclass, never another exception, and writes nothing anywhere; a valid plan, stored and
read back, validates again. The CLI variant holds `sparkle-motion plan validate --json`
to exit 0 or 1, print no traceback and print one parseable JSON line per file.

Sizes: SPARKLE_ATTACK_EXAMPLES (default 200) library examples and
SPARKLE_ATTACK_CLI_EXAMPLES (default 10) CLI examples, fixed seed (derandomize).
With SPARKLE_RELIABILITY_REPORT=<dir>, the counts go to <dir>/hostile_plans.json and
<dir>/hostile_plans_cli.json (tests/reliability/report.py; the keys: see `_Tally`).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sparkle_motion.errors import PlanError
from sparkle_motion.plans import ValidatedPlan, validate_plan
from tests.conftest import EXAMPLES, make_settings
from tests.reliability.report import record
from tests.reliability.strategies import HostileDocument, hostile_document
from tests.support.cli import run_cli

ATTACK_EXAMPLES = int(os.environ.get("SPARKLE_ATTACK_EXAMPLES") or 200)
CLI_EXAMPLES = int(os.environ.get("SPARKLE_ATTACK_CLI_EXAMPLES") or 10)
CLI_BATCH = 5  # plan files per `plan validate` process

ATTACK = {
    "derandomize": True,  # a fixed seed: the same documents every run
    "database": None,  # no .hypothesis folder written
    "deadline": None,
    "print_blob": False,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
}


# ------------------------------------------------------------------------- what changed


def _snapshot(roots: list[Path]) -> dict[str, tuple[int, int, int]]:
    """Every entry under `roots`: (mode, size, mtime) by path (symlinks not followed)."""
    seen: dict[str, tuple[int, int, int]] = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                st_ = os.lstat(path)
                seen[path] = (st_.st_mode, st_.st_size, st_.st_mtime_ns)
    return seen


def _changes(before: dict, after: dict) -> list[str]:
    return sorted(
        [f"new {p}" for p in after.keys() - before.keys()]
        + [f"gone {p}" for p in before.keys() - after.keys()]
        + [f"changed {p}" for p in before.keys() & after.keys() if before[p] != after[p]]
    )


@pytest.fixture
def arena(tmp_path, monkeypatch) -> dict[str, Path]:
    """A working folder with canary folders around and inside it (plans name
    '../canary/secret.png' and 'canary-inside/../../canary/secret.png'), the test's own
    SPARKLE_HOME and the examples folder: everything listed before and after."""
    work = tmp_path / "work"
    for folder in (tmp_path / "canary", work / "canary-inside", work / "frames"):
        folder.mkdir(parents=True)
        (folder / "secret.png").write_bytes(b"canary")
    monkeypatch.chdir(work)
    home = Path(os.environ["SPARKLE_HOME"])
    return {"tmp": tmp_path, "work": work, "watch": [tmp_path, home, EXAMPLES]}  # type: ignore[dict-item]


# ------------------------------------------------------------------------- the tally


_CLASS_KEYS = {
    "PlanParseError": "parse_errors",
    "PlanSchemaError": "schema_errors",
    "PlanPolicyViolation": "policy_violations",
    "PlanResourceError": "resource_errors",
}


class _Tally:
    """Counts for `make reliability`'s table (tests/reliability/report.py: with
    SPARKLE_RELIABILITY_REPORT=<dir>, `<dir>/hostile_plans.json` for the library variant
    and `<dir>/hostile_plans_cli.json` for the CLI one, each a flat JSON object of ints):

    examples            examples asked for (SPARKLE_ATTACK_EXAMPLES / _CLI_EXAMPLES)
    tried               plan documents validated (shrinking a failure adds more)
    valid               documents that validated
    typed_errors        documents refused with a PlanError, split into parse_errors,
                        schema_errors, policy_violations and resource_errors
    tracebacks          untyped exceptions (library) / 'Traceback' in stderr (CLI)
    bad_output          another broken promise: an error that cannot be printed or
                        serialized, a valid plan unsafe downstream or that does not
                        validate again after a JSON round trip (library); an exit code
                        other than 0/1, a --json line that does not parse or is missing
                        (CLI)
    outside_writes      files or folders created, changed or removed anywhere watched
                        (canary folders, the working folder, SPARKLE_HOME, examples/plans)
    seconds             wall time of the variant, rounded
    """

    def __init__(self, name: str, examples: int) -> None:
        self.name = name
        self.counts: Counter[str] = Counter(examples=examples)
        self.failures: list[str] = []
        self.started = time.monotonic()

    def refused(self, error_class: str) -> None:
        self.counts["typed_errors"] += 1
        self.counts[_CLASS_KEYS.get(error_class, "other_errors")] += 1

    def fail(self, kind: str, what: str) -> None:
        self.counts[kind] += 1
        self.failures.append(what[:500])

    def report(self) -> dict[str, int]:
        keys = ("tried", "valid", "typed_errors", "tracebacks", "bad_output", "outside_writes")
        counts = {key: 0 for key in keys} | dict(self.counts)
        counts["seconds"] = round(time.monotonic() - self.started)
        return counts

    def write(self) -> None:
        record(self.name, **self.report())


# ------------------------------------------------------------------------- library


def _check_error(exc: PlanError) -> str | None:
    """Why a typed error would still break a front door, or None."""
    if not exc.issues or not all(isinstance(i.path, str) and i.path for i in exc.issues):
        return "an issue without a field path"
    try:
        str(exc).encode("utf-8")
        json.dumps(exc.to_dict(), ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError) as err:  # UnicodeEncodeError is a ValueError
        return f"error not printable / serializable: {err!r}"
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FREE_FORM = {"metadata", "opts"}  # free-form JSON: capped in depth and size, not in content
MAX_PLAN_NESTING = 16 + 8  # metadata's cap plus the schema's own depth


def _unsafe_downstream(plan: dict) -> str | None:
    """An oracle independent of the validator: what a valid plan must never hold because
    TTS, ffmpeg, subtitles, file names or ADK's session store would choke on it. Inside
    free-form JSON only depth and finiteness count."""
    stack: list[tuple[object, str, int, bool]] = [(plan, "", 1, False)]
    while stack:
        node, where, depth, free = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_PLAN_NESTING:
                return f"nested {depth} levels deep at {where}"
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                path = f"{where}.{key}" if isinstance(key, str) else f"{where}[{key}]"
                stack.append((child, path, depth + 1, free or key in FREE_FORM))
        elif isinstance(node, str) and not free and _CONTROL.search(node):
            return f"a control character in {where}: {node[:60]!r}"
        elif isinstance(node, float) and not (math.isfinite(node) and (free or abs(node) <= 1e9)):
            return f"an unbounded number at {where}: {node!r}"
    for i, shot in enumerate(plan["shots"]):
        for j, line in enumerate(shot["dialogue"]):
            if not any(unicodedata.category(c)[0] in "LNPS" for c in line["text"]):
                return f"nothing to speak in shots[{i}].dialogue[{j}].text: {line['text']!r}"
    return None


def _check_valid(result: ValidatedPlan, settings) -> str | None:
    """A valid plan is safe downstream, and it is stored as JSON (ADK session, runs dir)
    and validated again on resume: that must give the same plan."""
    if not isinstance(result, ValidatedPlan) or not result.plan.steps:
        return f"validate_plan returned {result!r:.100}"
    if why := _unsafe_downstream(result.plan.model_dump(mode="json")):
        return f"a valid plan is unsafe downstream: {why}"
    try:
        stored = result.plan.model_dump_json().encode("utf-8")
        again = validate_plan(json.loads(stored), settings=settings)
    except Exception as err:  # any failure here is the finding
        return f"a valid plan did not survive a JSON round trip: {err!r:.300}"
    if again.plan != result.plan:
        return "a valid plan changed in a JSON round trip"
    return None


def test_validate_plan_returns_a_plan_or_raises_a_plan_error(arena):
    settings = make_settings()
    tally = _Tally("hostile_plans", ATTACK_EXAMPLES)

    @hsettings(max_examples=ATTACK_EXAMPLES, **ATTACK)
    @given(doc=hostile_document())
    def attack(doc: HostileDocument) -> None:
        tally.counts["tried"] += 1
        before = _snapshot(arena["watch"])
        problem = None
        try:
            result = validate_plan(doc.data, settings=settings)
        except PlanError as exc:
            tally.refused(type(exc).__name__)
            if why := _check_error(exc):
                tally.fail("bad_output", f"{why}: {doc!r}")
                problem = why
        except Exception as exc:
            tally.fail("tracebacks", f"{type(exc).__name__}: {exc!s:.200} for {doc!r}")
            raise
        else:
            tally.counts["valid"] += 1
            if why := _check_valid(result, settings):
                tally.fail("bad_output", f"{why}: {doc!r}")
                problem = why
        changes = _changes(before, _snapshot(arena["watch"]))
        if changes:
            tally.fail("outside_writes", f"{changes[:3]} for {doc!r}")
        assert not changes, changes
        assert problem is None, problem

    try:
        attack()
    finally:
        tally.write()
    # the strategy must keep reaching both sides, else it tests nothing
    assert tally.counts["valid"] and tally.counts["typed_errors"], tally.report()
    assert sum(tally.counts[k] > 0 for k in _CLASS_KEYS.values()) >= 3, tally.report()


# ------------------------------------------------------------------------- CLI


def _check_cli(proc, files: list[Path]) -> tuple[str, str] | None:
    """(kind, why) when the CLI broke its promise for this batch, or None."""
    if "Traceback" in proc.stderr:
        return "tracebacks", proc.stderr[-1500:]
    if proc.returncode not in (0, 1):
        return "bad_output", f"exit code {proc.returncode}: {proc.stderr[-500:]}"
    lines = proc.stdout.splitlines()
    results = []
    for line in lines:
        try:
            results.append(json.loads(line))
        except ValueError:
            return "bad_output", f"not a JSON line: {line[:300]!r}"
    if [r.get("file") for r in results] != [str(f) for f in files]:
        return "bad_output", f"{len(results)} result lines for {len(files)} files"
    if proc.returncode != (0 if all(r["valid"] for r in results) else 1):
        return "bad_output", f"exit code {proc.returncode} for {[r['valid'] for r in results]}"
    return None


def test_cli_validate_exits_0_or_1_with_json_lines_and_no_traceback(arena):
    tally = _Tally("hostile_plans_cli", CLI_EXAMPLES)
    batches = max(1, math.ceil(CLI_EXAMPLES / CLI_BATCH))
    size = min(CLI_BATCH, CLI_EXAMPLES)
    work: Path = arena["work"]
    numbers = itertools.count()

    @hsettings(max_examples=batches, **ATTACK)
    @given(docs=st.lists(hostile_document(), min_size=size, max_size=size))
    def attack(docs: list[HostileDocument]) -> None:
        folder = work / f"batch-{next(numbers)}"
        folder.mkdir()
        files = []
        for i, doc in enumerate(docs):
            files.append(Path(folder.name) / f"plan-{i}{doc.suffix}")
            (work / files[-1]).write_bytes(doc.as_bytes())
        tally.counts["tried"] += len(docs)
        before = _snapshot(arena["watch"])
        proc = run_cli(work, "plan", "validate", *map(str, files), "--json", timeout=120)
        changes = _changes(before, _snapshot(arena["watch"]))
        broken = _check_cli(proc, files)
        if broken is None:
            for line in proc.stdout.splitlines():
                result = json.loads(line)
                if result["valid"]:
                    tally.counts["valid"] += 1
                else:
                    tally.refused(result.get("error", "?"))
        else:
            tally.fail(broken[0], f"{broken[1]} for {docs!r:.1000}")
        if changes:
            tally.fail("outside_writes", f"{changes[:3]}")
        for f in files:
            (work / f).unlink()
        folder.rmdir()
        assert broken is None, broken
        assert not changes, changes

    try:
        attack()
    finally:
        tally.write()


@pytest.mark.timeout(120)
def test_cli_refuses_files_that_are_not_plans_without_blocking(arena):
    """A FIFO (no writer), a folder, a device (also through a symlink), a missing file and
    one over the size cap: one JSON line each, exit 1, nothing read past the cap."""
    work: Path = arena["work"]
    os.mkfifo(work / "fifo.json")
    (work / "folder.json").mkdir()
    (work / "zero.json").symlink_to("/dev/zero")
    (work / "big.json").write_bytes(b" " * (5 * 1024 * 1024 + 1))
    names = ["fifo.json", "folder.json", "zero.json", "/dev/zero", "missing.json", "big.json"]
    before = _snapshot(arena["watch"])
    proc = run_cli(work, "plan", "validate", *names, "--json", timeout=60)
    assert _check_cli(proc, [Path(n) for n in names]) is None, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 1 and {r["error"] for r in results} == {"PlanParseError"}
    rules = [r["issues"][0]["rule"] for r in results]
    assert rules[:4] == [
        "must be a regular file, not a FIFO (named pipe)",
        "must be a regular file, not a directory",
        "must be a regular file, not a character device",
        "must be a regular file, not a character device",
    ]
    assert rules[4].startswith("cannot read file") and "at most 5242880 bytes" in rules[5]
    assert _changes(before, _snapshot(arena["watch"])) == []
