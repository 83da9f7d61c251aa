"""Upkeep of a filesystem artifact root: consistency scan, repair, retention prune."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    @property
    def clean(self) -> bool:
        return not (self.dangling or self.orphans or self.corrupt)


def _index_files(store: FilesystemArtifactStore) -> set[Path]:
    base = store.index_path.resolve()
    return {base.with_name(base.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}


def check(
    store: FilesystemArtifactStore, *, verify: bool = False, tmp_grace_s: float = 600.0
) -> ScanReport:
    """Rows whose files are gone (dangling), files no row owns (orphans), and with
    `verify`, payloads that fail their checksum. Temp files of a publish that may still
    be running (younger than `tmp_grace_s`) are not orphans yet."""
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
        if not path.is_file() and not path.is_symlink():
            continue
        if path in owned or path.resolve() in skip:
            continue
        in_tmp = path.parent == store.root / TMP_DIR
        if in_tmp and now - path.lstat().st_mtime < tmp_grace_s:
            continue
        report.orphans.append(path)
    return report


@dataclass(frozen=True)
class RepairResult:
    rows_removed: int
    files_removed: int


def repair(store: FilesystemArtifactStore, report: ScanReport) -> RepairResult:
    """Delete dangling rows (and what is left of their folders) and orphan files, never a
    file some row owns. Corrupt payloads are reported, not deleted: a person decides."""
    rows = 0
    with store.index.atomic() as conn:
        for item in report.dangling:
            rows += conn.execute(
                "DELETE FROM artifacts WHERE rel_dir = ?", (item.rel_dir,)
            ).rowcount
    owned = {
        store.root.joinpath(*r["rel_dir"].split("/"), name)
        for r in store.index.query("SELECT rel_dir, name FROM artifacts")
        for name in (r["name"], MANIFEST)
    }
    leftovers = [
        store.root.joinpath(*item.rel_dir.split("/"), name)
        for item in report.dangling
        for name in {
            MANIFEST,
            *(p.name for p in store.root.joinpath(*item.rel_dir.split("/")).glob("*")),
        }
    ]
    files = 0
    for path in [*report.orphans, *leftovers]:
        if path in owned or not path.is_file():
            continue
        path.unlink()
        files += 1
    _remove_empty_dirs(store.root)
    return RepairResult(rows, files)


def _remove_empty_dirs(root: Path) -> None:
    for folder in sorted(
        (p for p in root.rglob("*") if p.is_dir() and not p.is_symlink()), reverse=True
    ):
        if folder.name == TMP_DIR and folder.parent == root:
            continue
        if not any(folder.iterdir()):
            folder.rmdir()


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
) -> list[Any]:
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
) -> list[ArtifactRef]:
    """Retention (see `select_prunable`). Returns what was removed."""
    doomed = select_prunable(store, older_than_s=older_than_s, max_bytes=max_bytes, now=now)
    removed = [store._to_ref(row) for row in doomed]
    store.delete_versions(doomed)
    return removed
