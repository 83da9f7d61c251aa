"""Upkeep of a filesystem artifact root: consistency scan, repair, retention prune.

The scan takes no lock: it lists the files, reads the index rows in one read snapshot and
hashes payloads (with `verify`) while publishers go on publishing. What it reports is
re-checked under the index's write lock, briefly, before `repair` changes anything, so a
publish that lands during a scan is never taken for an orphan.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..schemas import ArtifactRef
from .fs_reindex import VERSION_DIR, row_from_manifest
from .fs_store import MANIFEST, TMP_DIR, FilesystemArtifactStore, sha256_file
from .uris import format_fs_uri

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DanglingRow:
    uri: str
    rel_dir: str
    missing: tuple[str, ...]  # which files of the version folder are gone


@dataclass(frozen=True)
class UnindexedVersion:
    """A version folder with an intact manifest and payload but no index row (the index
    was lost): `repair` re-indexes it."""

    uri: str
    rel_dir: str
    row: dict[str, Any] = field(compare=False, repr=False)


@dataclass
class ScanReport:
    dangling: list[DanglingRow] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)  # no row, no readable manifest
    unindexed: list[UnindexedVersion] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)  # URIs whose payload fails its checksum
    foreign: list[Path] = field(default_factory=list)  # not in the store's layout: never touched

    @property
    def clean(self) -> bool:
        return not (self.dangling or self.orphans or self.unindexed or self.corrupt)


def _index_files(store: FilesystemArtifactStore) -> set[Path]:
    base = store.index_path.resolve()
    return {base.with_name(base.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}


def _in_layout(store: FilesystemArtifactStore, path: Path) -> bool:
    """<scope>/<stage>/<artifact_id>/v<n>-<token>/<file>, or .tmp/<file>: what we write."""
    parts = path.relative_to(store.root).parts
    if len(parts) == 2 and parts[0] == TMP_DIR:
        return True
    return len(parts) == 5 and VERSION_DIR.fullmatch(parts[3]) is not None


def _owned(store: FilesystemArtifactStore, rows: list[sqlite3.Row]) -> set[Path]:
    return {
        store.root.joinpath(*r["rel_dir"].split("/"), name)
        for r in rows
        for name in (r["name"], MANIFEST)
    }


def _scan(store: FilesystemArtifactStore, verify: bool, tmp_grace_s: float) -> ScanReport:
    report = ScanReport()
    skip = _index_files(store)
    files = [  # listed before the rows are read: a file published after that has its row
        p
        for p in sorted(store.root.rglob("*"))
        if (p.is_file() or p.is_symlink()) and p.resolve() not in skip
    ]
    rows = store.index.query("SELECT * FROM artifacts ORDER BY id")  # one read snapshot
    owned = _owned(store, rows)
    for row in rows:
        folder = store.root.joinpath(*row["rel_dir"].split("/"))
        payload, manifest = folder / row["name"], folder / MANIFEST
        missing = tuple(p.name for p in (payload, manifest) if not p.is_file())
        uri = format_fs_uri(row["scope"], row["artifact_id"], row["version"])
        if missing:
            report.dangling.append(DanglingRow(uri, row["rel_dir"], missing))
        elif verify and sha256_file(payload) != (row["checksum_sha256"], row["size_bytes"]):
            report.corrupt.append(uri)
    now = time.time()
    loose: list[Path] = []
    for path in files:
        if path in owned:
            continue
        if not _in_layout(store, path):
            report.foreign.append(path)
        elif path.parent == store.root / TMP_DIR and now - path.lstat().st_mtime < tmp_grace_s:
            continue  # a publish may still be writing it
        else:
            loose.append(path)
    # rows committed while we looked (a publish during the scan) own their files after all
    owned |= _owned(store, store.index.query("SELECT rel_dir, name FROM artifacts"))
    loose = [p for p in loose if p not in owned]
    readable: dict[Path, dict[str, Any] | None] = {}
    for path in loose:
        folder = path.parent
        if folder == store.root / TMP_DIR:  # a temp file no publish is writing any more
            report.orphans.append(path)
            continue
        if folder not in readable:
            described = readable[folder] = row_from_manifest(store.root, folder)
            if described is not None:
                uri = format_fs_uri(
                    described["scope"], described["artifact_id"], described["version"]
                )
                report.unindexed.append(UnindexedVersion(uri, described["rel_dir"], described))
        kept = readable[folder]
        if kept is None or path.name not in (kept["name"], MANIFEST):
            report.orphans.append(path)
    return report


def check(
    store: FilesystemArtifactStore, *, verify: bool = False, tmp_grace_s: float = 600.0
) -> ScanReport:
    """Rows whose files are gone (dangling), version folders whose manifest is intact but
    which no row lists (unindexed), files in the store's layout that neither a row nor a
    readable manifest accounts for (orphans), with `verify` payloads that fail their
    checksum, and files that are not the store's at all (foreign: reported, never touched).
    Takes no lock: publishers are not kept waiting, however long the scan."""
    return _scan(store, verify, tmp_grace_s)


@dataclass(frozen=True)
class RepairResult:
    rows_removed: int
    files_removed: int
    rows_restored: int = 0
    skipped: tuple[str, ...] = ()  # unindexed versions left in place, and why


def repair(store: FilesystemArtifactStore, report: ScanReport) -> RepairResult:
    """Re-index unindexed versions whose payload matches its manifest; delete dangling
    rows (and what is left of their folders) and orphan files; never a file some row owns,
    one with a readable manifest, nor one outside the store's layout. Corrupt payloads are
    reported, not deleted: a person decides. The index's write lock is held twice, briefly
    (rows, then emptied folders); checksums and file deletions happen outside it."""
    skipped: list[str] = []
    restorable = []
    for item in report.unindexed:
        folder = store.root.joinpath(*item.rel_dir.split("/"))
        try:
            digest = sha256_file(folder / item.row["name"])
        except OSError as exc:
            skipped.append(f"{item.uri} ({item.rel_dir}): payload unreadable: {exc}")
            continue
        if digest != (item.row["checksum_sha256"], item.row["size_bytes"]):
            skipped.append(
                f"{item.uri} ({item.rel_dir}): payload does not match the checksum in its manifest; left in place"
            )
        else:
            restorable.append(item)
    rows = restored = 0
    with store.index.atomic() as conn:
        for gone in report.dangling:
            folder = store.root.joinpath(*gone.rel_dir.split("/"))
            if not all((folder / name).is_file() for name in gone.missing):
                rows += conn.execute(
                    "DELETE FROM artifacts WHERE rel_dir = ?", (gone.rel_dir,)
                ).rowcount
        for item in restorable:
            why = _why_not_restorable(conn, item.row)
            if why:
                skipped.append(f"{item.uri} ({item.rel_dir}): {why}; left in place")
                continue
            store._insert_row(conn, item.row)
            restored += 1
        owned = _owned(store, conn.execute("SELECT rel_dir, name FROM artifacts").fetchall())
    leftovers = [
        path
        for item in report.dangling
        for path in store.root.joinpath(*item.rel_dir.split("/")).glob("*")
    ]
    removed = []
    for path in [*report.orphans, *leftovers]:
        if path in owned or not path.is_file() or not _in_layout(store, path):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    if removed:
        with store.index.atomic():  # no publish is creating folders while these go
            _remove_empty_parents(store.root, removed)
    return RepairResult(rows, len(removed), restored, tuple(skipped))


def _why_not_restorable(conn: sqlite3.Connection, row: dict[str, Any]) -> str | None:
    """Why a manifest's row cannot go back into the index as it is (None: it can)."""
    if conn.execute("SELECT 1 FROM artifacts WHERE rel_dir = ?", (row["rel_dir"],)).fetchone():
        return "indexed meanwhile"
    taken = conn.execute(
        "SELECT stage, name, user_id, version FROM artifacts WHERE app_name = ? AND scope = ? "
        "AND artifact_id = ? ORDER BY version = ? DESC LIMIT 1",
        (row["app_name"], row["scope"], row["artifact_id"], row["version"]),
    ).fetchone()
    if taken is None:
        return None
    if taken["version"] == row["version"]:
        return f"version {row['version']} is taken by a later publish"
    if (taken["stage"], taken["name"], taken["user_id"]) != (
        row["stage"],
        row["name"],
        row["user_id"],
    ):
        return (
            f"artifact id now holds {taken['stage']}/{taken['name']} of user {taken['user_id']!r}"
        )
    return None


def _remove_empty_parents(root: Path, removed: list[Path]) -> None:
    """Remove the folders that deleting `removed` emptied, up to (not including) the root."""
    for path in sorted({p.parent for p in removed}, key=lambda p: len(p.parts), reverse=True):
        folder = path
        while (
            folder != root
            and folder.parent != folder
            and folder.is_dir()
            and folder.name != TMP_DIR
        ):
            if any(folder.iterdir()):
                break
            folder.rmdir()
            folder = folder.parent


def startup_scan(store: FilesystemArtifactStore) -> ScanReport:
    """Run at start-up: logs what `sparkle-motion artifacts check --repair` would fix."""
    report = check(store)
    if not report.clean:
        log.warning(
            "artifact root %s: %d dangling index row(s), %d orphan file(s), %d unindexed "
            "version(s); run `sparkle-motion artifacts check --repair`",
            store.root,
            len(report.dangling),
            len(report.orphans),
            len(report.unindexed),
        )
    return report


def select_prunable(
    store: FilesystemArtifactStore,
    *,
    older_than_s: float | None = None,
    max_bytes: int | None = None,
    now: float | None = None,
) -> list[sqlite3.Row]:
    """Index rows retention would drop: versions created more than `older_than_s` ago,
    then the oldest until the root's payloads total at most `max_bytes`."""
    if older_than_s is not None and older_than_s < 0:
        raise ValueError("older_than_s must be >= 0")
    if max_bytes is not None and max_bytes < 0:
        raise ValueError("max_bytes must be >= 0")
    now = time.time() if now is None else now
    rows = store.index.query("SELECT * FROM artifacts ORDER BY created_at, id")
    doomed = []
    total = sum(r["size_bytes"] for r in rows)
    for row in rows:
        too_old = older_than_s is not None and row["created_at"] < now - older_than_s
        too_big = max_bytes is not None and total > max_bytes
        if too_old or too_big:
            doomed.append(row)
            total -= row["size_bytes"]
    return doomed


def prune(
    store: FilesystemArtifactStore,
    *,
    older_than_s: float | None = None,
    max_bytes: int | None = None,
    now: float | None = None,
    dry_run: bool = False,
) -> list[ArtifactRef]:
    """Retention (see `select_prunable`). Returns what was removed (with `dry_run`: what
    would be, removing nothing)."""
    doomed = select_prunable(store, older_than_s=older_than_s, max_bytes=max_bytes, now=now)
    removed = [store.ref_of_row(row) for row in doomed]
    if not dry_run:
        store.delete_versions(doomed)
    return removed
