"""Losing the artifact index loses no artifact: every version folder carries a manifest
(uri, version, checksum, ...) written beside its payload, so `artifacts check --repair`
rebuilds the index rows from the manifests. It deletes only files that have neither a
row nor a readable manifest, and never a payload whose manifest is intact."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from google.genai import types
from typer.testing import CliRunner

from sparkle_motion.cli import app
from sparkle_motion.storage.adk_service import FilesystemArtifactService
from sparkle_motion.storage.fs_maintenance import check, repair
from sparkle_motion.storage.fs_store import FilesystemArtifactStore

runner = CliRunner()


@pytest.fixture
def root(tmp_path):
    return tmp_path / "root"


@pytest.fixture
def env(root, tmp_path):
    return {
        "SPARKLE_DOTENV": "",
        "ARTIFACTS_FS_ROOT": str(root),
        "SPARKLE_RUNS_DIR": str(tmp_path / "runs"),
        "COLUMNS": "250",
    }


def populate(root: Path) -> None:
    store = FilesystemArtifactStore(root)
    store.publish(
        run_id="run1",
        stage="base_images",
        name="kf.png",
        data=b"png",
        artifact_type="keyframe",
        metadata={"seed": 7},
        artifact_id="kf0",
    )
    store.publish(
        run_id="run1",
        stage="base_images",
        name="kf.png",
        data=b"png v1",
        artifact_type="keyframe",
        metadata={"seed": 8},
        artifact_id="kf0",
    )
    store.publish(run_id="run1", stage="dialogue_audio", name="l1.wav", data=b"wav" * 1000)
    store.publish(run_id="run2", stage="video", name="clip.mp4", data=b"mp4")
    service = FilesystemArtifactService(store)
    for session, filename, data in [
        ("run1", "notes about it.txt", b"adk-hashed"),
        ("run1", "user:profile.png", b"user-scoped"),
    ]:
        asyncio.run(
            service.save_artifact(
                app_name="sparkle-motion",
                user_id="local",
                session_id=session,
                filename=filename,
                artifact=types.Part(inline_data=types.Blob(data=data, mime_type="image/png")),
            )
        )
    store.close()


def listing(env, run_id: str) -> list[dict]:
    result = runner.invoke(app, ["artifacts", "list", run_id, "--all-versions", "--json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def payloads(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith("index.db")
    }


def lose_index(root: Path) -> None:
    for p in root.glob("index.db*"):
        p.unlink()


def comparable(refs: list[dict]) -> list[dict]:
    return sorted(
        ({k: v for k, v in r.items() if k != "created_at"} for r in refs), key=lambda r: r["uri"]
    )


def test_index_deleted_then_check_repair_rebuilds_it_and_keeps_every_payload(root, env):
    populate(root)
    before = {run: listing(env, run) for run in ("run1", "run2", "user~local")}
    files = payloads(root)
    assert len(before["run1"]) == 4 and len(before["run2"]) == 1
    lose_index(root)
    assert listing(env, "run1") == []

    found = runner.invoke(app, ["artifacts", "check"], env=env)
    assert found.exit_code == 1
    assert found.output.count("unindexed version artifact+fs://") == 6, found.output
    assert "orphan file /" not in found.output

    fixed = runner.invoke(app, ["artifacts", "check", "--repair"], env=env)
    assert fixed.exit_code == 0, fixed.output
    assert "re-indexed 6 version(s)" in fixed.output
    assert payloads(root) == files  # not one file removed
    for run, refs in before.items():
        again = listing(env, run)
        assert comparable(again) == comparable(refs)
        for old, new in zip(
            sorted(refs, key=lambda r: r["uri"]), sorted(again, key=lambda r: r["uri"]), strict=True
        ):
            from datetime import datetime

            gap = datetime.fromisoformat(old["created_at"]) - datetime.fromisoformat(
                new["created_at"]
            )
            assert abs(gap.total_seconds()) < 0.001
    assert runner.invoke(app, ["artifacts", "check", "--verify"], env=env).exit_code == 0

    # and ADK sees its artifacts by their own names again
    store = FilesystemArtifactStore(root)
    service = FilesystemArtifactService(store)
    part = asyncio.run(
        service.load_artifact(
            app_name="sparkle-motion",
            user_id="local",
            session_id="run1",
            filename="notes about it.txt",
        )
    )
    assert part.inline_data.data == b"adk-hashed"
    keys = asyncio.run(
        service.list_artifact_keys(app_name="sparkle-motion", user_id="local", session_id="run1")
    )
    assert "user:profile.png" in keys and "notes about it.txt" in keys
    # versions continue where they were
    ref = store.publish(
        run_id="run1", stage="base_images", name="kf.png", data=b"v2", artifact_id="kf0"
    )
    assert ref.version == 2
    store.close()


def test_corrupt_index_moved_aside_then_repair_restores_everything(root, env, tmp_path):
    populate(root)
    before = listing(env, "run1")
    (root / "index.db").write_bytes(b"garbage" * 1000)
    result = runner.invoke(app, ["artifacts", "check", "--repair"], env=env)
    assert result.exit_code == 1 and result.output.startswith("DatabaseCorruptError: ")
    assert payloads(root)  # nothing touched
    for p in root.glob("index.db*"):
        shutil.move(p, tmp_path / (p.name + ".corrupt"))
    assert runner.invoke(app, ["artifacts", "check", "--repair"], env=env).exit_code == 0
    assert comparable(listing(env, "run1")) == comparable(before)


def test_repair_deletes_only_what_has_neither_row_nor_readable_manifest(root):
    populate(root)
    store = FilesystemArtifactStore(root)
    bare = root / "run1" / "video" / "lost" / "v0-00000000" / "clip.mp4"  # no manifest
    bare.parent.mkdir(parents=True)
    bare.write_bytes(b"half")
    broken = root / "run1" / "video" / "broken" / "v0-11111111"
    broken.mkdir(parents=True)
    (broken / "clip.mp4").write_bytes(b"x")
    (broken / "manifest.json").write_text("{ not json")
    lose_index_rows = store.index.query("SELECT rel_dir FROM artifacts")
    assert lose_index_rows
    with store.index.atomic() as conn:
        conn.execute("DELETE FROM artifacts")
    # an intact manifest whose payload no longer matches its checksum: kept for a person
    wav = next(root.joinpath("run1", "dialogue_audio").rglob("l1.wav"))
    wav.write_bytes(b"WAV" * 1000)
    report = check(store)
    assert len(report.unindexed) == 6
    assert set(report.orphans) == {bare, broken / "clip.mp4", broken / "manifest.json"}
    result = repair(store, report)
    assert result.rows_restored == 5 and result.files_removed == 3
    assert not bare.exists() and not broken.exists()
    assert wav.exists() and len(result.skipped) == 1 and "checksum" in result.skipped[0]
    assert len(store.list("run1", all_versions=True)) == 3
    store.close()


def test_a_version_taken_since_the_loss_is_left_in_place_not_deleted(root):
    populate(root)
    lose_index(root)
    store = FilesystemArtifactStore(root)
    # a run published into the empty index: kf0 v0 again, a new folder
    store.publish(
        run_id="run1", stage="base_images", name="kf.png", data=b"new v0", artifact_id="kf0"
    )
    old_v0 = [
        p
        for p in root.joinpath("run1", "base_images", "kf0").rglob("kf.png")
        if p.read_bytes() == b"png"
    ]
    result = repair(store, check(store))
    assert old_v0[0].exists()
    assert any("version 0" in s and "taken" in s for s in result.skipped)
    assert sorted(r.version for r in store.list("run1", "base_images", all_versions=True)) == [0, 1]
    assert not check(store).clean  # the old v0 stays reported until a person decides
    store.close()
