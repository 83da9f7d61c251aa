"""`sparkle-motion serve`: the production API on 127.0.0.1 (uvicorn, one process; each run
it starts executes in a child process of its own). The six FunctionTool processes are not
served yet: the stages run inside the run's process."""

from __future__ import annotations

from typing import Annotated

import typer

from ._app import app, fail, out, state_of

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("serve")
def serve(
    ctx: typer.Context,
    port: Annotated[
        int | None, typer.Option("--port", help="Port (default: SPARKLE_API_PORT, 7860).")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Bind a non-loopback address (needs SPARKLE_API_TOKEN set, not the token file).",
        ),
    ] = False,
) -> None:
    """Serve the production API: POST /invoke, GET /status, /events, /artifacts, /runs,
    POST /pause, /stop, /resume, /review (docs/SERVICES.md). Ctrl-C stops it."""
    import uvicorn

    from ..server.app import create_production_app
    from ..tokens import api_token, token_file

    settings = state_of(ctx).settings()
    if host not in LOOPBACK:
        if not allow_remote:
            fail(f"--host {host}: not a loopback address; add --allow-remote to mean it", 2)
        if settings.api_token is None:
            fail("--allow-remote needs SPARKLE_API_TOKEN set (a token of your choosing)", 2)
    token = api_token(settings)
    if host not in LOOPBACK:
        settings = settings.model_copy(
            update={"api_allowed_hosts": [*settings.api_allowed_hosts, host]}
        )
    where = port or settings.api_port
    out.print(
        f"production API: http://{host}:{where}  (token: {token_file(settings)}"
        f"{' or SPARKLE_API_TOKEN' if settings.api_token else ''})"
    )
    uvicorn.run(
        create_production_app(settings, token=token),
        host=host,
        port=where,
        log_level="warning",
    )
