"""`sparkle-motion voices list [--json]`: the voices this installation can speak with, and
why one cannot (adapters/tts/voices.py)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ._app import out, state_of, voices_app


@voices_app.command("list")
def list_voices(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
) -> None:
    """Every voice of every speech backend: its languages, what it offers, whether it can
    speak here (else why not)."""
    from ..adapters.tts.voices import list_available_voices
    from ..config import use_settings

    use_settings(state_of(ctx).settings())
    voices = list_available_voices()
    if as_json:
        out.print_json(json.dumps([v.as_dict() for v in voices]))
        return
    table = Table()
    table.add_column("voice", no_wrap=True)  # whole: it is what a plan names
    for name in ("languages", "offers", "quality", "here"):
        table.add_column(name)
    for v in voices:
        langs = ", ".join(v.languages[:6]) + (" ..." if len(v.languages) > 6 else "")
        here = "yes" if v.available else f"no: {v.reason}"
        table.add_row(
            escape(v.voice_id), langs, ", ".join(v.features), f"{v.quality:.2f}", escape(here)
        )
    out.print(table)
