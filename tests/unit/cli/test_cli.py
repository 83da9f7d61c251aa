from __future__ import annotations

import json

import typer.main
from typer.testing import CliRunner

from sparkle_motion import __version__
from sparkle_motion.cli import app
from sparkle_motion.schemas import RunStatus
from tests.conftest import EXAMPLES, REPO

runner = CliRunner()
ENV = {"SPARKLE_DOTENV": ""}


def _commands(group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    # typer vendors click, so duck-type groups by their `commands` mapping
    found = []
    for name, cmd in sorted(group.commands.items()):
        path = (*prefix, name)
        found.append(path)
        if hasattr(cmd, "commands"):
            found += _commands(cmd, path)
    return found


ALL = _commands(typer.main.get_command(app))


def test_every_command_has_help_and_is_documented():
    doc = (REPO / "docs" / "CLI.md").read_text()
    assert {
        ("plan", "validate"),
        ("plan", "schema"),
        ("plan", "compile"),
        ("config", "show"),
    } <= set(ALL)
    for path in ALL:
        result = runner.invoke(app, [*path, "--help"], env=ENV)
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
        assert f"sparkle-motion {' '.join(path)}" in doc, (
            f"docs/CLI.md lacks `sparkle-motion {' '.join(path)}`"
        )


def test_every_listing_has_json():
    """A listing (every `... list`, and `plan schema` without a name) takes --json."""
    listings = [path for path in ALL if path[-1] == "list"] + [("plan", "schema")]
    assert len(listings) >= 6
    for path in listings:
        result = runner.invoke(app, [*path, "--help"], env={**ENV, "COLUMNS": "200"})
        assert "--json" in result.output, f"sparkle-motion {' '.join(path)} lacks --json"


def test_version():
    result = runner.invoke(app, ["--version"], env=ENV)
    assert result.exit_code == 0 and result.output.strip() == f"sparkle-motion {__version__}"


def test_validate_ok_and_fail(short_plan, tmp_path):
    ok = runner.invoke(app, ["plan", "validate", str(EXAMPLES / "short.json")], env=ENV)
    assert ok.exit_code == 0 and "OK" in ok.output and "7 steps" in ok.output
    short_plan["shots"][1]["duration_s"] = -2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(short_plan))
    result = runner.invoke(
        app, ["plan", "validate", str(EXAMPLES / "short.json"), str(bad)], env=ENV
    )
    assert result.exit_code == 1
    assert (
        "PlanSchemaError" in result.output
        and "shots[1].duration_s: must be > 0, got -2" in result.output
    )


def test_validate_json_output(short_plan, tmp_path):
    short_plan["title"] = ""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(short_plan))
    result = runner.invoke(app, ["plan", "validate", "--json", str(bad)], env=ENV)
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert (data["valid"], data["error"], data["issues"][0]["path"]) == (
        False,
        "PlanSchemaError",
        "title",
    )


def test_validate_profile_option_beats_plan():
    result = runner.invoke(
        app,
        ["plan", "validate", "--json", "--profile", "full", str(EXAMPLES / "short.json")],
        env=ENV,
    )
    assert json.loads(result.output)["profile"] == "full"
    result = runner.invoke(
        app, ["plan", "validate", "--profile", "ultra", str(EXAMPLES / "short.json")], env=ENV
    )
    assert result.exit_code == 1 and "must be one of" in result.output


def test_bad_configuration_exits_2():
    result = runner.invoke(
        app,
        ["plan", "validate", str(EXAMPLES / "short.json")],
        env={**ENV, "SPARKLE_PLAN_MAX_SHOTS": "x"},
    )
    assert result.exit_code == 2 and "SPARKLE_PLAN_MAX_SHOTS: must be an integer" in result.output


def test_compile_writes_steps(tmp_path):
    out = tmp_path / "compiled.json"
    result = runner.invoke(
        app, ["plan", "compile", str(EXAMPLES / "short.json"), "-o", str(out)], env=ENV
    )
    assert result.exit_code == 0
    steps = json.loads(out.read_text())["steps"]
    assert [s["type"] for s in steps] == ["image"] * 3 + ["tts", "video", "video", "lipsync"]
    assert not list(tmp_path.glob("*.tmp"))


def test_schema_list_and_show():
    listing = runner.invoke(app, ["plan", "schema"], env={**ENV, "COLUMNS": "200"})
    assert (
        listing.exit_code == 0
        and "artifact://sparkle-motion/schemas/movie_plan/v1" in listing.output
    )
    listed = json.loads(runner.invoke(app, ["plan", "schema", "--json"], env=ENV).output)
    plan = next(s for s in listed if s["name"] == "movie_plan")
    assert set(plan) == {"name", "uri", "local_path"}
    assert plan["uri"] == "artifact://sparkle-motion/schemas/movie_plan/v1"
    one = runner.invoke(app, ["plan", "schema", "video_final_manifest"], env=ENV)
    assert (
        json.loads(one.output)["$id"] == "artifact://sparkle-motion/schemas/video_final_manifest/v1"
    )
    missing = runner.invoke(app, ["plan", "schema", "nope"], env=ENV)
    assert missing.exit_code == 1 and "unknown schema 'nope'" in missing.output


def test_config_show_reports_sources_and_masks_secrets(tmp_path):
    cfg = tmp_path / "s.yaml"
    cfg.write_text("plan_max_shots: 5\n")
    result = runner.invoke(
        app,
        ["--config", str(cfg), "config", "show", "--json"],
        env={
            **ENV,
            "GOOGLE_API_KEY": "sk-secret",
            "ARTIFACTS_DIR": "/a",
            "ADK_ARTIFACTS_ROOT": "/b",
        },
    )
    assert result.exit_code == 0
    assert "sk-secret" not in result.output
    data = json.loads(result.output[: result.output.rindex("}") + 1])
    assert data["plan_max_shots"] == {"value": 5, "source": f"file:{cfg}"}
    assert data["google_api_key"]["value"] == "********"
    assert data["artifacts_fs_root"] == {"value": "/a", "source": "env:ARTIFACTS_DIR"}
    assert "ARTIFACTS_DIR and ADK_ARTIFACTS_ROOT are both set and differ" in result.output


def test_plan_idea_writes_a_valid_plan(tmp_path):
    from sparkle_motion import adk_factory

    adk_factory.shutdown()
    env = {
        **ENV,
        "ARTIFACTS_FS_ROOT": str(tmp_path / "art"),
        "SPARKLE_DB_PATH": str(tmp_path / "s.db"),
        "SPARKLE_RUNS_DIR": str(tmp_path / "runs"),
        "COLUMNS": "200",
    }
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app,
        ["plan", "a lighthouse keeper befriends a whale", "-o", str(out), "--seed", "4"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert (
        "The Lighthouse Keeper and the Whale" in result.output and f"wrote {out}" in result.output
    )
    check = runner.invoke(app, ["plan", "validate", str(out)], env=env)
    assert check.exit_code == 0, check.output
    assert runner.invoke(app, ["plan", "write", "--help"], env=env).exit_code == 0
    assert list((tmp_path / "art").rglob("movie_plan.json"))  # published where the settings say
    adk_factory.shutdown()


def test_plan_require_sdk_names_the_missing_key(tmp_path, monkeypatch):
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    result = runner.invoke(
        app, ["plan", "an idea", "--model", "gemini-2.5-flash", "--require-sdk"], env=ENV
    )
    assert result.exit_code == 2 and "GOOGLE_API_KEY" in result.output


def test_pause_stop_resume_commands(tmp_path):
    from sparkle_motion.runs.table import Runs
    from sparkle_motion.storage import Database

    env = {**ENV, "SPARKLE_DB_PATH": str(tmp_path / "s.db")}
    with Database(tmp_path / "s.db") as db:
        Runs(db).create("run1", "plan")
    assert runner.invoke(app, ["pause", "nope"], env=env).exit_code == 1
    assert runner.invoke(app, ["pause", "run1"], env=env).exit_code == 0
    with Database(tmp_path / "s.db") as db:
        assert Runs(db).control("run1") == "pause"
    # nobody drives run1 and it has no stored plan: the pause is lifted, nothing can re-run
    result = runner.invoke(app, ["resume", "run1"], env=env)
    assert result.exit_code == 2 and "no stored plan" in result.output
    with Database(tmp_path / "s.db") as db:
        assert Runs(db).control("run1") is None
    assert runner.invoke(app, ["stop", "run1"], env=env).exit_code == 0
    with Database(tmp_path / "s.db") as db:
        assert Runs(db).control("run1") == "stop"


def test_unlock_command(tmp_path):
    import time

    from sparkle_motion.runs.table import Runs
    from sparkle_motion.storage import Database

    env = {**ENV, "SPARKLE_DB_PATH": str(tmp_path / "s.db"), "SPARKLE_LOCK_TTL_S": "30"}
    with Database(tmp_path / "s.db") as db:
        far = Runs(db, host="render-box-2", pid=4242, ttl_s=30)
        far.create("run1", "plan")
        far.acquire("run1")
        far.set_status("run1", RunStatus.RUNNING)
    assert runner.invoke(app, ["unlock", "nope"], env=env).exit_code == 1
    status = runner.invoke(app, ["status", "run1"], env=env)
    assert "driven by pid 4242 on render-box-2, heartbeat" in status.output
    held = runner.invoke(app, ["unlock", "run1"], env=env)
    assert held.exit_code == 3 and "last heartbeat 0 s ago" in held.output
    with Database(tmp_path / "s.db") as db, db.atomic() as conn:
        conn.execute("UPDATE runs SET heartbeat_at = ?", (time.time() - 45,))
    assert "run1: crashed" in runner.invoke(app, ["status", "run1"], env=env).output
    done = runner.invoke(app, ["unlock", "run1"], env=env)
    assert (
        done.exit_code == 0 and "lock of pid 4242 on render-box-2 released (crashed)" in done.output
    )
    again = runner.invoke(app, ["unlock", "run1"], env=env)
    assert again.exit_code == 0 and "not locked" in again.output


def test_adapter_overrides_are_checked_and_shown_in_the_dry_run():
    plan = str(EXAMPLES / "short.json")
    bad = runner.invoke(app, ["run", plan, "--dry-run", "--adapter", "voice=piper"], env=ENV)
    assert bad.exit_code == 2 and "voice=piper" in bad.output
    unknown = runner.invoke(app, ["run", plan, "--dry-run", "--adapter", "video=painter"], env=ENV)
    assert unknown.exit_code == 2  # a backend nobody registered: refused before anything runs
    assert "--adapter video: must be a registered video adapter" in unknown.output
    assert "(ffmpeg_motion, wan), got 'painter'" in unknown.output
    wrong_kind = runner.invoke(app, ["run", plan, "--dry-run", "--adapter", "tts=ffmpeg"], env=ENV)
    assert (
        wrong_kind.exit_code == 2 and "--adapter tts: must be a registered tts" in wrong_kind.output
    )
    fine = runner.invoke(
        app, ["run", plan, "--dry-run", "--adapter", "tts=espeak,video=ffmpeg_motion"], env=ENV
    )
    assert fine.exit_code == 0, fine.output


def test_fallbacks_are_checked_before_anything_runs():
    plan = str(EXAMPLES / "short.json")
    unknown = runner.invoke(app, ["run", plan, "--dry-run", "--fallback", "tts=nope"], env=ENV)
    assert unknown.exit_code == 2, unknown.output
    assert "--fallback tts: must be a registered tts adapter" in unknown.output
    assert "got 'nope'" in unknown.output
    kind = runner.invoke(app, ["run", plan, "--dry-run", "--fallback", "voice=piper"], env=ENV)
    assert kind.exit_code == 2 and "voice=piper" in kind.output
    fine = runner.invoke(app, ["run", plan, "--dry-run", "--fallback", "tts=espeak"], env=ENV)
    assert fine.exit_code == 0, fine.output


def test_no_reuse_turns_dedupe_off_for_the_run(monkeypatch):
    """`run` and `resume` with --no-reuse drive the run with SPARKLE_DEDUPE=0."""
    from sparkle_motion.cli import runs

    seen = []
    monkeypatch.setattr(
        runs, "_drive", lambda start, run_id, output, settings: seen.append(settings)
    )
    plan = str(EXAMPLES / "short.json")
    for args in (["run", plan, "--no-reuse"], ["resume", "run1", "--no-reuse"], ["resume", "run1"]):
        assert runner.invoke(app, args, env=ENV).exit_code == 0
    assert [s.dedupe for s in seen] == [False, False, True]


def test_a_dry_run_that_cannot_run_says_why_and_fails():
    plan = str(EXAMPLES / "short.json")
    ok = runner.invoke(app, ["run", plan, "--dry-run"], env=ENV)
    assert ok.exit_code == 0 and "cannot run" not in ok.output
    blocked = runner.invoke(app, ["run", plan, "--dry-run", "--profile", "full"], env=ENV)
    assert blocked.exit_code == 2
    lines = [line for line in blocked.output.splitlines() if line.startswith("cannot run")]
    assert [line.split(":")[0] for line in lines] == [
        "cannot run base_images",
        "cannot run dialogue_audio",
        "cannot run video",
        "cannot run lipsync",
    ]
    assert "IMAGES_SDXL_MODEL is not set" in lines[0]  # sdxl is built; its weights are not
