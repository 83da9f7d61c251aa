"""`sparkle-motion artifacts ...` against a real filesystem root."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sparkle_motion.cli import app
from sparkle_motion.storage.fs_store import FilesystemArtifactStore

runner = CliRunner()


@pytest.fixture
def root(tmp_path):
    return tmp_path / "artifacts_fs"


@pytest.fixture
def env(root, tmp_path):
    return {
        "SPARKLE_DOTENV": "",
        "ARTIFACTS_FS_ROOT": str(root),
        "SPARKLE_RUNS_DIR": str(tmp_path / "runs"),
        "COLUMNS": "250",
    }


@pytest.fixture
def refs(root):
    store = FilesystemArtifactStore(root)
    made = [
        store.publish(
            run_id="run1", stage="base_images", name="kf.png", data=b"png", artifact_type="keyframe"
        ),
        store.publish(run_id="run1", stage="dialogue_audio", name="l1.wav", data=b"wav" * 100),
    ]
    store.close()
    return made


def invoke(env, *args):
    return runner.invoke(app, list(args), env=env)


def test_list_and_filter(env, refs):
    result = invoke(env, "artifacts", "list", "run1")
    assert result.exit_code == 0 and refs[0].uri in result.output and refs[1].uri in result.output
    result = invoke(env, "artifacts", "list", "run1", "--stage", "dialogue_audio", "--json")
    assert [r["uri"] for r in json.loads(result.output)] == [refs[1].uri]
    assert invoke(env, "artifacts", "list", "../etc").exit_code == 1


def test_show_verifies(env, refs, root):
    result = invoke(env, "artifacts", "show", refs[0].uri)
    assert (
        result.exit_code == 0
        and json.loads(result.output)["checksum_sha256"] == refs[0].checksum_sha256
    )
    next((root / "run1" / "base_images" / refs[0].artifact_id).rglob("kf.png")).write_bytes(b"PNG")
    result = invoke(env, "artifacts", "show", refs[0].uri)
    assert result.exit_code == 1 and "ArtifactIntegrityError" in result.output
    assert invoke(env, "artifacts", "show", "--no-verify", refs[0].uri).exit_code == 0
    assert invoke(env, "artifacts", "show", "artifact+fs://run1/nope").exit_code == 1


def test_check_reports_planted_orphan_and_dangling_row_and_repair_fixes_both(env, refs, root):
    assert invoke(env, "artifacts", "check").exit_code == 0
    orphan = root / "run1" / "video" / "lost" / "v0" / "clip.mp4"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"half")
    next((root / "run1" / "dialogue_audio" / refs[1].artifact_id).rglob("l1.wav")).unlink()
    foreign = root / "notes.txt"  # not the store's: reported as foreign, never deleted
    foreign.write_text("mine")
    result = invoke(env, "artifacts", "check")
    assert result.exit_code == 1
    assert f"dangling row {refs[1].uri}: missing l1.wav" in result.output
    assert f"orphan file {orphan}" in result.output
    result = invoke(env, "artifacts", "check", "--repair")
    assert result.exit_code == 0, result.output
    assert "re-indexed 0 version(s), removed 1 row(s) and 2 file(s)" in result.output
    assert foreign.read_text() == "mine"
    again = invoke(env, "artifacts", "check")
    assert again.exit_code == 0 and "0 dangling row(s), 0 orphan file(s)" in again.output
    assert invoke(env, "artifacts", "show", refs[0].uri).exit_code == 0


def test_prune(env, refs):
    result = invoke(env, "artifacts", "prune", "--max-bytes", "100", "--dry-run")
    assert result.exit_code == 0 and f"would remove {refs[0].uri}" in result.output
    assert invoke(env, "artifacts", "list", "run1", "--json").output.count('"uri"') == 2
    result = invoke(env, "artifacts", "prune", "--max-bytes", "0")
    assert result.exit_code == 0 and "removed 2 version(s)" in result.output
    assert json.loads(invoke(env, "artifacts", "list", "run1", "--json").output) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--older-than", "soon"], "expected a number"),
        (["--max-bytes", "lots"], "expected a number"),
        ([], "give --older-than and/or --max-bytes"),
    ],
)
def test_prune_bad_input(env, args, message):
    result = invoke(env, "artifacts", "prune", *args)
    assert result.exit_code == 2 and message in result.output


def test_check_is_filesystem_only(env):
    result = invoke({**env, "ARTIFACTS_BACKEND": "adk"}, "artifacts", "check")
    assert result.exit_code == 2 and "filesystem backend" in result.output


def test_adk_backend_lists_through_adk(env, root, tmp_path):
    from google.adk.artifacts import FileArtifactService

    from sparkle_motion.storage.adk_store import AdkArtifactStore

    store = AdkArtifactStore(FileArtifactService(root_dir=root))
    ref = store.publish(run_id="run9", stage="video", name="c.mp4", data=b"mp4")
    result = invoke({**env, "ARTIFACTS_BACKEND": "adk"}, "artifacts", "list", "run9", "--json")
    assert [r["uri"] for r in json.loads(result.output)] == [ref.uri]
