"""`sparkle-motion serve`: the production API and the FunctionTools, each a uvicorn process
on 127.0.0.1, kept up and stopped together (serving/). `sparkle-motion tools list|status`:
what the catalog says and what answers."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from ._app import app, fail, out, print_json, state_of, tools_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _tool_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [t.strip() for t in value.split(",") if t.strip()]


@app.command("serve")
def serve(
    ctx: typer.Context,
    port: Annotated[
        int | None, typer.Option("--port", help="API port (default: SPARKLE_API_PORT, 7860).")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address the API binds.")] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Bind a non-loopback address (needs SPARKLE_API_TOKEN set, not the token file).",
        ),
    ] = False,
    tools: Annotated[
        str | None,
        typer.Option(
            "--tools",
            help="Comma-separated tools to start (default: every one the catalog puts on "
            "this host); `--tools ''` serves the API alone.",
        ),
    ] = None,
) -> None:
    """Serve the production API (POST /invoke, GET /status, /events, /artifacts, /runs,
    POST /pause, /stop, /resume, /review) and the FunctionTools it renders with, each its
    own process; a tool that dies is restarted. Ctrl-C or SIGTERM stops them all
    (docs/SERVICES.md)."""
    from ..errors import ConfigError
    from ..serving.supervisor import Supervisor
    from ..serving.units import API, plan_units
    from ..tokens import api_token, token_file

    settings = state_of(ctx).settings()
    if host not in LOOPBACK:
        if not allow_remote:
            fail(f"--host {host}: not a loopback address; add --allow-remote to mean it", 2)
        if settings.api_token is None:
            fail("--allow-remote needs SPARKLE_API_TOKEN set (a token of your choosing)", 2)
    try:
        token = api_token(settings)
        units, skipped = plan_units(
            settings, host=host, port=port or settings.api_port, tools=_tool_list(tools)
        )
    except ConfigError as exc:
        fail(exc, 2)
    served = [u.name for u in units if u.name != API]
    update: dict[str, Any] = {"use_tools": served}
    if host not in LOOPBACK:
        update["api_allowed_hosts"] = [*settings.api_allowed_hosts, host]
    settings = settings.model_copy(update=update)
    supervisor = Supervisor(units, settings, token, say=lambda line: out.print(escape(line)))
    for unit in units:
        what = "production API" if unit.name == API else unit.name
        out.print(f"{what}: {unit.url}")
    for skip in skipped:
        out.print(escape(f"{skip.name}: not started: {skip.reason}"))
    where = "SPARKLE_API_TOKEN" if settings.api_token else str(token_file(settings))
    out.print(f"token: {where}   logs: {supervisor.log_dir}")
    page = next(u.url for u in units if u.name == API).rstrip("/") + "/"
    # on a terminal the link signs the browser in (the fragment never reaches a server);
    # into a file or a pipe (a log others may read) and for a token the user set
    # themselves (a remote server) the token is not printed
    login = f"{page}#token={token}" if sys.stdout.isatty() and not settings.api_token else page
    out.print(escape(f"dashboard: open {login} in a browser"))
    try:
        supervisor.start()
    except ConfigError as exc:
        fail(exc, 1)
    except KeyboardInterrupt:
        out.print("stopped")
        raise typer.Exit(130) from None
    pids = ", ".join(f"{name} {pid}" for name, pid in supervisor.pids().items())
    out.print(f"ready ({pids}); Ctrl-C stops them all")
    try:
        supervisor.serve_forever()
    except KeyboardInterrupt:
        out.print("stopping")
    finally:  # whatever ends the watch, no process is left behind
        supervisor.stop()
    out.print("stopped")


@tools_app.command("list")
def tools_list(
    ctx: typer.Context,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="A JSON array: tool, url, title, backends (name, where, default, gpu, planned).",
        ),
    ] = False,
) -> None:
    """Each tool: its URL, its backends (the default first) and where each runs."""
    from ..catalog.tool_specs import TOOL_IDS, load_tool_spec
    from ..catalog.where import load_catalog

    settings = state_of(ctx).settings()
    catalog = load_catalog(settings)
    listed: list[dict[str, Any]] = []
    for tool in TOOL_IDS:
        spec = load_tool_spec(tool)
        backends = []
        for backend in sorted(spec.backends, key=lambda b: not b.default):
            where = catalog.backends.get(backend.name, "local")
            if backend.kind == "planner":
                where = "local"
            backends.append(
                {
                    "name": backend.name,
                    "where": where,
                    "default": backend.default,
                    "gpu": backend.gpu,
                    "planned": backend.planned,
                }
            )
        listed.append(
            {"tool": tool, "url": catalog.tools[tool], "title": spec.title, "backends": backends}
        )
    if as_json:
        print_json(listed)
        return
    for item in listed:
        out.print(f"[bold]{item['tool']}[/bold]  " + escape(f"{item['url']}  ({item['title']})"))
        for b in item["backends"]:
            flags = [f for f in ("default", "gpu") if b[f]] + (
                ["not built yet"] if b["planned"] else []
            )
            out.print(escape(f"  {b['name']:<22} {b['where']:<7} {', '.join(flags)}"))


@tools_app.command("status")
def tools_status(ctx: typer.Context) -> None:
    """Ask each tool at its catalog URL: up or not, and which backends are ready (what is
    missing for the others). Exits 1 when a tool does not answer."""
    import httpx

    from ..catalog.tool_specs import TOOL_IDS
    from ..catalog.where import load_catalog
    from ..tokens import api_token

    settings = state_of(ctx).settings()
    catalog = load_catalog(settings)
    headers = {"Authorization": f"Bearer {api_token(settings)}"}
    down = 0
    for tool in TOOL_IDS:
        url = catalog.tools[tool]
        try:
            answer = httpx.get(f"{url}/ready", headers=headers, timeout=5.0, trust_env=False)
        except httpx.HTTPError as exc:
            out.print(f"[bold]{tool}[/bold]  {url}  [red]down[/red] ({type(exc).__name__})")
            down += 1
            continue
        if answer.status_code != 200:
            out.print(f"[bold]{tool}[/bold]  {url}  [red]HTTP {answer.status_code}[/red]")
            down += 1
            continue
        ready = answer.json()
        out.print(f"[bold]{tool}[/bold]  {url}  [green]up[/green]")
        for row in ready["backends"]:
            state = "ready" if row["ready"] else "not ready: " + "; ".join(row["missing"])
            out.print(escape(f"  {row['name']:<22} {state}"))
    if down:
        raise typer.Exit(1)
