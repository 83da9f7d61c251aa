"""How fast `sparkle-motion plan "IDEA"` answers (goal: under 2 s on this machine), and
where the time goes.

Each command runs in a fresh process, as a person types it, with a throwaway state home:
`import sparkle_motion`, `sparkle-motion --help`, then `plan` for a few ideas, first in an
empty state home (databases and schema artifacts made on the way) and then in a warm one.
Wall times are the median and the slowest of REPEAT runs. The plan is still written by
the ADK agent (an `LlmAgent` run by a `Runner`): the script checks the memory event
script_agent records for each plan, and that `import sparkle_motion` loads no torch,
diffusers or google.adk. A second table splits the `plan` process's import time by
package (`python -X importtime`).

    .venv/bin/python benchmarks/plan_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_S = 2.0
IDEAS = (
    "a lighthouse keeper befriends a whale",
    "Two old friends, Marta and Leo, argue over a chess game in a Paris cafe at night",
    "Storm",
)
HEAVY = ("torch", "diffusers", "google.adk")
CLI = [sys.executable, "-m", "sparkle_motion.cli"]


def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "SPARKLE_HOME": str(home), "SPARKLE_DOTENV": "", "COLUMNS": "120"}


def timed(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, done


def agent_wrote(home: Path) -> int:
    """How many plans script_agent recorded (its `script_agent.plan_generated` events)."""
    conn = sqlite3.connect(home / "artifacts" / "sparkle.db")
    try:
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM memory_events WHERE event_type = 'script_agent.plan_generated'"
        ).fetchone()
    finally:
        conn.close()
    return count


def import_split(env: dict[str, str]) -> dict[str, float]:
    """Seconds of import time in one `plan` process, by top-level package group."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sparkle_motion.cli", "plan", IDEAS[0]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    groups: dict[str, float] = {}
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", line)
        if not found or found.group(2):  # only the outermost imports: no double count
            continue
        name = found.group(3)
        group = next(
            (g for g in ("google.adk", "google.genai", "sparkle_motion") if name.startswith(g)),
            "other (typer, rich, pydantic, ...)",
        )
        groups[group] = groups.get(group, 0.0) + int(found.group(1)) / 1e6
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    rows: list[tuple[str, list[float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm"
        env = env_for(warm)
        probe = f"import sparkle_motion, sys; print([m for m in {HEAVY!r} if m in sys.modules])"
        _, loaded = timed([sys.executable, "-c", probe], env)
        if loaded.stdout.strip() != "[]":
            raise SystemExit(f"import sparkle_motion loads {loaded.stdout.strip()}")
        imports = [timed([sys.executable, "-c", probe], env)[0] for _ in range(repeat)]
        rows.append(("import sparkle_motion", imports))
        helps = [timed([*CLI, "--help"], env)[0] for _ in range(repeat)]
        rows.append(("sparkle-motion --help", helps))
        first = []
        for n in range(repeat):  # an empty state home each time
            first.append(timed([*CLI, "plan", IDEAS[0]], env_for(Path(tmp) / f"fresh{n}"))[0])
        rows.append(("plan (empty state home)", first))
        for idea in IDEAS:
            times = [timed([*CLI, "plan", idea], env)[0] for _ in range(repeat)]
            rows.append((f"plan {idea[:40]!r}", times))
        written = agent_wrote(warm)
        expected = repeat * len(IDEAS)
        if written != expected:
            raise SystemExit(f"script_agent recorded {written} plans, expected {expected}")
        split = import_split(env)

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {repeat} runs each")
    print(f"{'command':<52} {'median s':>9} {'max s':>7}  goal < {GOAL_S:g} s")
    for name, times in rows:
        median, worst = statistics.median(times), max(times)
        ok = "ok" if name.startswith(("import", "sparkle")) or worst < GOAL_S else "SLOW"
        print(f"{name:<52} {median:>9.2f} {worst:>7.2f}  {ok}")
    print(f"every plan written by the ADK agent: {written} script_agent.plan_generated events")
    print(f"\n{'imports in one plan process':<52} {'s':>9}")
    for group, seconds in sorted(split.items(), key=lambda kv: -kv[1]):
        print(f"{group:<52} {seconds:>9.2f}")
    print(f"{'total':<52} {sum(split.values()):>9.2f}")


if __name__ == "__main__":
    main()
