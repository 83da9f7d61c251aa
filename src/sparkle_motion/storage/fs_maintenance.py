"""Upkeep of a filesystem artifact root: consistency scan, repair, retention prune."""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..schemas import ArtifactRef
from .fs_store import MANIFEST, TMP_DIR, FilesystemArtifactStore, sha256_file
from .uris import format_fs_uri

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DanglingRow:
    uri: str
    rel_dir: str
    missing: tuple[str, ...]  # which files of the version folder are gone


@dataclass
class ScanReport:
    dangling: list[DanglingRow] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)  # URIs whose payload fails its checksum
    foreign: list[Path] = field(default_factory=list)  # not in the store's layout: never touched

    @property
    def clean(self) -> bool:
        return not (self.dangling or self.orphans or self.corrupt)


_VERSION_DIR = re.compile(r"^v\d+(-[0-9a-f]{8})?$")


def _index_files(store: FilesystemArtifactStore) -> set[Path]:
    base = store.index_path.resolve()
    return {base.with_name(base.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}


def _in_layout(store: FilesystemArtifactStore, path: Path) -> bool:
    """<scope>/<stage>/<artifact_id>/v<n>-<token>/<file>, or .tmp/<file>: what we write."""
    parts = path.relative_to(store.root).parts
    if len(parts) == 2 and parts[0] == TMP_DIR:
        return True
    return len(parts) == 5 and _VERSION_DIR.match(parts[3]) is not None


def _scan(store: FilesystemArtifactStore, verify: bool, tmp_grace_s: float) -> ScanReport:
    report = ScanReport()
    owned: set[Path] = set()
    for row in store.index.query("SELECT * FROM artifacts ORDER BY id"):
        folder = store.root.joinpath(*row["rel_dir"].split("/"))
        payload, manifest = folder / row["name"], folder / MANIFEST
        owned.update((payload, manifest))
        missing = tuple(p.name for p in (payload, manifest) if not p.is_file())
        uri = format_fs_uri(row["scope"], row["artifact_id"], row["version"])
        if missing:
            report.dangling.append(DanglingRow(uri, row["rel_dir"], missing))
        elif verify and sha256_file(payload) != (row["checksum_sha256"], row["size_bytes"]):
            report.corrupt.append(uri)
    skip = _index_files(store)
    now = time.time()
    for path in sorted(store.root.rglob("*")):
        if (
            (not path.is_file() and not path.is_symlink())
            or path in owned
            or path.resolve() in skip
        ):
            continue
        if not _in_layout(store, path):
            report.foreign.append(path)
            continue
        if path.parent == store.root / TMP_DIR and now - path.lstat().st_mtime < tmp_grace_s:
            continue  # a publish may still be writing it
        report.orphans.append(path)
    return report


def check(
    store: FilesystemArtifactStore, *, verify: bool = False, tmp_grace_s: float = 600.0
) -> ScanReport:
    """Rows whose files are gone (dangling), files in the store's layout that no row owns
    (orphans), with `verify` payloads that fail their checksum, and files that are not the
    store's at all (foreign: reported, never touched). Runs holding the index's write lock,
    so no publish is half-way between rename and commit while it looks."""
    with store.index.atomic():
        return _scan(store, verify, tmp_grace_s)


@dataclass(frozen=True)
class RepairResult:
    rows_removed: int
    files_removed: int


def repair(store: FilesystemArtifactStore, report: ScanReport) -> RepairResult:
    """Delete dangling rows (and what is left of their folders) and orphan files, never a
    file some row owns nor one outside the store's layout. Corrupt payloads are reported,
    not deleted: a person decides. Holds the index's write lock throughout."""
    rows = files = 0
    with store.index.atomic() as conn:
        for item in report.dangling:
            rows += conn.execute(
                "DELETE FROM artifacts WHERE rel_dir = ?", (item.rel_dir,)
            ).rowcount
        owned = {
            store.root.joinpath(*r["rel_dir"].split("/"), name)
            for r in conn.execute("SELECT rel_dir, name FROM artifacts").fetchall()
            for name in (r["name"], MANIFEST)
        }
        leftovers = [
            path
            for item in report.dangling
            for path in store.root.joinpath(*item.rel_dir.split("/")).glob("*")
        ]
        removed = []
        for path in [*report.orphans, *leftovers]:
            if path in owned or not path.is_file() or not _in_layout(store, path):
                continue
            path.unlink()
            removed.append(path)
        files = len(removed)
        _remove_empty_parents(store.root, removed)
    return RepairResult(rows, files)


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
            "artifact root %s: %d dangling index row(s), %d orphan file(s); "
            "run `sparkle-motion artifacts check --repair`",
            store.root,
            len(report.dangling),
            len(report.orphans),
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
