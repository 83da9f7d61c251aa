"""`sparkle-motion config show`: every setting, its value and where it came from."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ..config import Settings
from ._app import config_app, err, out, state_of


@config_app.command("show")
def config_show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every setting, its value (secrets masked) and its source: cli, env, dotenv, file, default."""
    settings = state_of(ctx).settings()
    rows = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        shown = "********" if value is not None and "Secret" in type(value).__name__ else value
        rows.append(
            (
                name,
                shown if isinstance(shown, str | int | float | bool | None | list) else str(shown),
                settings.source_of(name),
            )
        )
    if as_json:
        out.print_json(data={n: {"value": v, "source": s} for n, v, s in rows})
    else:
        table = Table("setting", "value", "source")
        for n, v, s in rows:
            table.add_row(n, repr(v) if not isinstance(v, str) else v, s)
        out.print(table)
    for warning in settings.warnings:
        err.print(f"[yellow]warning[/yellow] {warning}")
