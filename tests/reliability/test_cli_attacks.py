"""Attacks on the real command line with the preview adapters: signals at random moments
(SIGKILL, Ctrl-C, SIGTERM; the first seconds included) followed by `resume` until the
film exists, which must be byte-identical to an uninterrupted run's; hostile run ids;
a film file lost after the run. SPARKLE_CLI_KILL_ROUNDS sets the number of signal rounds
(5 in `make test`, 50 in `make reliability`)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.report import record
from tests.support.cli import CLI, cli_env, run_cli
from tests.support.media import small_plan

ROUNDS = int(os.environ.get("SPARKLE_CLI_KILL_ROUNDS", "5"))
SIGNALS = (signal.SIGKILL, signal.SIGINT, signal.SIGTERM)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _home(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "plan.json").write_text(json.dumps(small_plan("short.json")))
    return root


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[str, float]:
    """The uninterrupted film's sha256 and how long the run took."""
    root = _home(tmp_path_factory.mktemp("reference"))
    started = time.monotonic()
    done = run_cli(root, "run", "plan.json", "--run-id", "ref", "-o", "film.mp4", "-q")
    assert done.returncode == 0, done.stderr[-2000:]
    return _sha(root / "film.mp4"), time.monotonic() - started


def test_signals_at_random_moments_then_resume_give_the_same_film(reference, tmp_path):
    sha, took = reference
    rng = random.Random(20261130)
    identical = tracebacks = 0
    for i in range(ROUNDS):
        root = _home(tmp_path / f"round{i}")
        sig = SIGNALS[i % len(SIGNALS)]
        delay = rng.uniform(0.05, took) if i % 2 else rng.uniform(0.05, 1.5)  # early ones too
        child = subprocess.Popen(
            [*CLI, "run", "plan.json", "--run-id", "k", "-q"],
            cwd=root,
            env=cli_env(root),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        child.send_signal(sig)
        _, err = child.communicate(timeout=120)
        tracebacks += "Traceback" in err
        assert "Traceback" not in err, f"round {i} ({sig.name} at {delay:.2f} s): {err[-2000:]}"
        if sig is not signal.SIGKILL:
            # 130 with one line of our own; in the first tenths of a second (the interpreter
            # starting, typer parsing) the process may end by the signal or say nothing
            assert child.returncode in (0, 130, -signal.SIGINT, -sig), f"round {i}: {err}"
            assert len(err.strip().splitlines()) <= 1, err
        for _attempt in range(3):  # resume until the film is there (a finished run: at once)
            resumed = run_cli(root, "resume", "k", "-o", "film.mp4", "-q")
            if resumed.returncode == 1 and "no run k" in resumed.stderr:  # never claimed
                resumed = run_cli(root, "run", "plan.json", "--run-id", "k", "-o", "film.mp4")
            assert "Traceback" not in resumed.stderr, resumed.stderr[-2000:]
            if resumed.returncode == 0:
                break
        assert resumed.returncode == 0, f"round {i}: {resumed.stdout}{resumed.stderr[-2000:]}"
        scratch = root / "runs" / ".scratch"
        left = [p for p in scratch.rglob("*") if p.is_file()] if scratch.is_dir() else []
        assert left == [], f"round {i}: scratch files left behind: {left[:5]}"
        identical += _sha(root / "film.mp4") == sha
        assert _sha(root / "film.mp4") == sha, f"round {i}: the film differs after resume"
    record("cli_kills", tried=ROUNDS, identical_films=identical, tracebacks=tracebacks)


@pytest.mark.parametrize("bad", ["/tmp/sparkle-escape-abs", "../escape", "a/b", "x\ny"])
def test_hostile_run_ids_are_refused_before_anything_is_written(tmp_path, bad):
    root = _home(tmp_path / "home")
    before = {p for p in tmp_path.rglob("*")}
    done = run_cli(root, "run", "a cat on a roof", "--run-id", bad)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: --run-id: must be 1-100 letters"), done.stderr
    assert "Traceback" not in done.stderr
    assert {p for p in tmp_path.rglob("*")} - before <= {root / "s.db", root / "art"} | {
        p for p in tmp_path.rglob("*") if p.is_relative_to(root / "art")
    }
    assert not Path("/tmp/sparkle-escape-abs").exists() and not (tmp_path / "escape").exists()


def test_a_lost_film_is_rendered_again_and_its_manifest_names_the_new_file(reference, tmp_path):
    root = _home(tmp_path / "home")
    first = run_cli(root, "run", "plan.json", "--run-id", "f", "-q")
    assert first.returncode == 0, first.stderr[-2000:]
    film = Path(first.stdout.split("film: ", 1)[1].split(" (", 1)[0])
    film.unlink()
    again = run_cli(root, "resume", "f", "-o", "copy.mp4", "-q")
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    shown = Path(again.stdout.split("film: ", 1)[1].split(" (", 1)[0])
    assert shown == (root / "copy.mp4").resolve() and _sha(shown) == reference[0]
    status = run_cli(root, "status", "f").stdout
    named = Path(status.split("film: ", 1)[1].split(" (", 1)[0])
    assert named.is_file() and _sha(named) == reference[0]
