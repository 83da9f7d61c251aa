"""`sparkle-motion artifacts`: list, show, prune and check stored artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ._app import artifacts_app, err, fail, out, state_of

if TYPE_CHECKING:
    from ..storage.fs_maintenance import ScanReport


def _store(ctx: typer.Context, *, filesystem_only: str | None = None):
    from ..errors import StorageError
    from ..storage import open_artifact_store

    settings = state_of(ctx).settings()
    if filesystem_only and settings.artifacts_backend != "filesystem":
        err.print(
            f"[red]error[/red]: `artifacts {filesystem_only}` works on the filesystem backend; "
            f"ARTIFACTS_BACKEND is {settings.artifacts_backend!r}"
        )
        raise typer.Exit(2)
    try:
        return open_artifact_store(settings, scan=False)
    except StorageError as exc:
        fail(exc, 1)


def _storage_errors():
    from ..errors import StorageError

    return StorageError


@artifacts_app.command("list")
def artifacts_list(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="Run id (the ADK session id).", show_default=False)],
    stage: Annotated[str | None, typer.Option("--stage", help="Only this stage.")] = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Every version, not just the latest.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The artifacts of a run: URI, stage, type, size, checksum."""
    from ..units import format_size

    store = _store(ctx)
    try:
        refs = store.list(run_id, stage, all_versions=all_versions)
    except _storage_errors() as exc:
        fail(exc, 1)
    finally:
        store.close()
    if as_json:
        out.print_json(data=[r.model_dump(mode="json") for r in refs])
        return
    table = Table(
        "uri", "stage", "type", "size", "sha256", title=f"run {run_id}: {len(refs)} artifact(s)"
    )
    for ref in refs:
        table.add_row(
            ref.uri,
            ref.stage or "",
            ref.artifact_type,
            format_size(ref.size_bytes),
            ref.checksum_sha256[:12],
        )
    out.print(table)


@artifacts_app.command("show")
def artifacts_show(
    ctx: typer.Context,
    uri: Annotated[
        str, typer.Argument(help="artifact+fs:// (or ADK artifact://) URI.", show_default=False)
    ],
    verify: Annotated[
        bool, typer.Option("--verify/--no-verify", help="Check the payload's checksum.")
    ] = True,
) -> None:
    """One artifact's manifest as JSON (with --verify, its checksum checked against the bytes)."""
    store = _store(ctx)
    try:
        ref = store.ref(uri)
        if verify:
            store.read_bytes(uri)
    except _storage_errors() as exc:
        fail(exc, 1)
    finally:
        store.close()
    out.print_json(data=ref.model_dump(mode="json"))


@artifacts_app.command("prune")
def artifacts_prune(
    ctx: typer.Context,
    older_than: Annotated[
        str | None, typer.Option("--older-than", help="Age, e.g. 7d, 12h, 90m.")
    ] = None,
    max_bytes: Annotated[
        str | None, typer.Option("--max-bytes", help="Keep at most this much, e.g. 20G.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would go.")] = False,
) -> None:
    """Retention: remove artifact versions older than an age, then the oldest until under a
    size; then the perceptual index's entries whose artifacts are gone, older than the age,
    or over SPARKLE_PHASH_INDEX_MAX_ENTRIES."""
    from ..storage.fs_maintenance import prune
    from ..units import format_size, parse_duration, parse_size

    if older_than is None and max_bytes is None:
        err.print("[red]error[/red]: give --older-than and/or --max-bytes")
        raise typer.Exit(2)
    try:
        age = parse_duration(older_than) if older_than is not None else None
        size = parse_size(max_bytes) if max_bytes is not None else None
    except ValueError as exc:
        fail(str(exc), 2)
    store = _store(ctx, filesystem_only="prune")
    try:
        doomed = prune(store, older_than_s=age, max_bytes=size, dry_run=dry_run)
    except _storage_errors() as exc:
        fail(exc, 1)
    finally:
        store.close()
    verb = "would remove" if dry_run else "removed"
    for ref in doomed:
        out.print(f"{verb} {ref.uri} ({format_size(ref.size_bytes)})")
    out.print(f"{verb} {len(doomed)} version(s), {format_size(sum(r.size_bytes for r in doomed))}")
    _prune_index(ctx, age, dry_run, verb)


def _prune_index(ctx: typer.Context, age: float | None, dry_run: bool, verb: str) -> None:
    """The perceptual dedupe's index (in the main database, when there is one)."""
    from ..dedupe.prune import prune_index
    from ..storage import open_database

    settings = state_of(ctx).settings()
    if not settings.db_path.exists():
        return
    store = _store(ctx, filesystem_only="prune")
    try:
        db = open_database(settings)
        try:
            pruned = prune_index(
                db,
                store,
                max_age_s=age,
                max_entries=settings.phash_index_max_entries,
                dry_run=dry_run,
            )
        finally:
            db.close()
    except _storage_errors() as exc:
        fail(exc, 1)
    finally:
        store.close()
    out.print(
        f"{verb} {pruned.removed} perceptual index entr{'y' if pruned.removed == 1 else 'ies'} "
        f"({pruned.gone} whose artifact is gone, {pruned.retention} by age or count; "
        f"{pruned.kept} kept)"
    )


@artifacts_app.command("check")
def artifacts_check(
    ctx: typer.Context,
    repair: Annotated[
        bool, typer.Option("--repair", help="Delete dangling rows and orphan files.")
    ] = False,
    verify: Annotated[bool, typer.Option("--verify", help="Also checksum every payload.")] = False,
) -> None:
    """Find index rows whose files are gone, versions the index lost (their manifests are
    intact) and files nothing accounts for; exit 1 if any (0 after --repair fixed them)."""
    from ..storage.fs_maintenance import check
    from ..storage.fs_maintenance import repair as do_repair

    store = _store(ctx, filesystem_only="check")
    try:
        report = check(store, verify=verify)
        _print_report(report, store.root)
        if repair and (report.dangling or report.orphans or report.unindexed):
            result = do_repair(store, report)
            for reason in result.skipped:
                out.print(f"not re-indexed {reason}")
            out.print(
                f"repaired: re-indexed {result.rows_restored} version(s), removed "
                f"{result.rows_removed} row(s) and {result.files_removed} file(s)"
            )
            report = check(store, verify=verify)
    except _storage_errors() as exc:
        fail(exc, 1)
    finally:
        store.close()
    if not report.clean:
        raise typer.Exit(1)


def _print_report(report: ScanReport, root: Path) -> None:
    for item in report.dangling:
        out.print(f"dangling row {item.uri}: missing {', '.join(item.missing)}")
    for version in report.unindexed:
        out.print(
            f"unindexed version {version.uri} ({version.rel_dir}): its manifest is intact; "
            "--repair re-indexes it"
        )
    for path in report.orphans:
        out.print(f"orphan file {path}")
    for uri in report.corrupt:
        out.print(f"corrupt {uri}: payload does not match its checksum")
    for path in report.foreign:
        out.print(f"[dim]foreign file {path} (not the store's layout; left alone)[/dim]")
    out.print(
        f"{len(report.dangling)} dangling row(s), {len(report.orphans)} orphan file(s), "
        f"{len(report.unindexed)} unindexed version(s), {len(report.corrupt)} corrupt "
        f"payload(s) under {root}"
    )
