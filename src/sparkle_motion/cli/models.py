"""`sparkle-motion models make-tiny DIR`: tiny random-weight pipelines of the `full`
profile's models, built offline in seconds (adapters/tiny_models.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape

from ._app import fail, models_app, out


@models_app.command("make-tiny")
def make_tiny(
    target: Annotated[Path, typer.Argument(help="Folder to write them under.")],
    size: Annotated[
        str,
        typer.Option(
            "--size", help="`test` (as small as they go) or `bench` (about 1 s an image)."
        ),
    ] = "test",
) -> None:
    """Build tiny SDXL (base and refiner) and Wan 2.1 pipelines with random weights under
    TARGET, no download: point IMAGES_SDXL_MODEL, IMAGES_SDXL_REFINER_MODEL and
    VIDEOS_WAN_MODEL at them to run the `full` profile's real code on a CPU. Their images
    are noise. With .venv-lipsync (make setup-lipsync), a random-weight Wav2Lip checkpoint
    too (LIPSYNC_WAV2LIP_MODEL=TARGET/wav2lip)."""
    if size not in ("test", "bench"):
        fail(f"--size: want test or bench, got {size!r}", 2)
    try:
        from ..adapters.tiny_models import make_tiny as build
    except ImportError as exc:
        fail(f"the gpu extra is not installed ({exc}): pip install 'sparkle-motion[gpu]'", 2)
    chosen: Literal["test", "bench"] = "test" if size == "test" else "bench"
    for name, folder in build(target, chosen).items():
        out.print(escape(f"{name}: {folder}"))
    _tiny_wav2lip(target)


def _tiny_wav2lip(target: Path) -> None:
    """The Wav2Lip checkpoint, written by the lipsync environment's python (the network's
    class lives in its `lipsync` package), or a line saying how to get it."""
    import subprocess

    from ..catalog.where import tool_python
    from ..config import get_settings

    python = tool_python(get_settings(), "lipsync_wav2lip")
    if not python.exists():
        out.print("wav2lip: skipped (its environment is made by make setup-lipsync)")
        return
    folder = target / "wav2lip"
    done = subprocess.run(
        [str(python), "-m", "sparkle_motion.adapters.lipsync.tiny", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        fail(f"wav2lip: the lipsync environment could not write it:\n{done.stderr[-2000:]}", 1)
    out.print(escape(f"wav2lip: {folder}"))
