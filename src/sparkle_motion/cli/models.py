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
    are noise."""
    if size not in ("test", "bench"):
        fail(f"--size: want test or bench, got {size!r}", 2)
    try:
        from ..adapters.tiny_models import make_tiny as build
    except ImportError as exc:
        fail(f"the gpu extra is not installed ({exc}): pip install 'sparkle-motion[gpu]'", 2)
    chosen: Literal["test", "bench"] = "test" if size == "test" else "bench"
    for name, folder in build(target, chosen).items():
        out.print(escape(f"{name}: {folder}"))
