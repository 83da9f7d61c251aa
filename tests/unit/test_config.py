"""Each precedence level, aliases and their winner, .env bootstrap, typed errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sparkle_motion.config import ENV_TABLE, META_ENV, Settings, env_table_markdown, load_settings
from sparkle_motion.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
NO_DOTENV = {"SPARKLE_DOTENV": ""}


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(text)
    return path


def test_default_level(tmp_path):
    s = load_settings(env={**NO_DOTENV, "SPARKLE_HOME": str(tmp_path)})
    assert s.plan_max_shots == 64
    assert s.artifacts_backend == "filesystem"
    assert s.artifacts_index_path == tmp_path / "artifacts_fs" / "index.db"
    assert s.source_of("plan_max_shots") == "default"


def test_file_beats_default(tmp_path):
    cfg = _file(tmp_path, "plan_max_shots: 10\nartifacts_fs_root: /data/art\n")
    s = load_settings(env=NO_DOTENV, config_file=cfg)
    assert s.plan_max_shots == 10
    assert s.artifacts_index_path == Path("/data/art/index.db")
    assert s.source_of("plan_max_shots") == f"file:{cfg}"


def test_env_beats_file(tmp_path):
    cfg = _file(tmp_path, "plan_max_shots: 10\n")
    s = load_settings(env={**NO_DOTENV, "SPARKLE_PLAN_MAX_SHOTS": "20"}, config_file=cfg)
    assert s.plan_max_shots == 20
    assert s.source_of("plan_max_shots") == "env:SPARKLE_PLAN_MAX_SHOTS"


def test_cli_beats_env(tmp_path):
    cfg = _file(tmp_path, "render_profile: full\n")
    s = load_settings(
        {"render_profile": "preview"},
        env={**NO_DOTENV, "SPARKLE_RENDER_PROFILE": "full"},
        config_file=cfg,
    )
    assert s.render_profile == "preview"
    assert s.source_of("render_profile") == "cli"


def test_cli_none_means_not_given():
    s = load_settings({"render_profile": None}, env={**NO_DOTENV, "SPARKLE_RENDER_PROFILE": "full"})
    assert s.render_profile == "full"


def test_config_file_found_via_env_and_configs_dir(tmp_path):
    cfg = _file(tmp_path, "plan_max_frames: 99\n")
    assert load_settings(env={**NO_DOTENV, "SPARKLE_CONFIG": str(cfg)}).plan_max_frames == 99
    # <configs_dir>/settings.yaml is picked up when nothing names a file
    assert (
        load_settings(env={**NO_DOTENV, "SPARKLE_CONFIGS_DIR": str(tmp_path)}).plan_max_frames == 99
    )


@pytest.mark.parametrize(
    ("env", "expected", "source"),
    [
        ({"ARTIFACTS_DIR": "/b"}, "/b", "env:ARTIFACTS_DIR"),
        ({"ADK_ARTIFACTS_ROOT": "/c"}, "/c", "env:ADK_ARTIFACTS_ROOT"),
        ({"ARTIFACTS_DIR": "/b", "ADK_ARTIFACTS_ROOT": "/c"}, "/b", "env:ARTIFACTS_DIR"),
        (
            {"ARTIFACTS_FS_ROOT": "/a", "ARTIFACTS_DIR": "/b", "ADK_ARTIFACTS_ROOT": "/c"},
            "/a",
            "env:ARTIFACTS_FS_ROOT",
        ),
    ],
)
def test_alias_order_first_name_wins(env, expected, source):
    s = load_settings(env={**NO_DOTENV, **env})
    assert s.artifacts_fs_root == Path(expected)
    assert s.source_of("artifacts_fs_root") == source


def test_conflicting_aliases_are_reported_not_hidden():
    s = load_settings(env={**NO_DOTENV, "ARTIFACTS_FS_ROOT": "/x", "ADK_ARTIFACTS_ROOT": "/y"})
    assert s.artifacts_fs_root == Path("/x")
    assert s.warnings == [
        "ARTIFACTS_FS_ROOT and ADK_ARTIFACTS_ROOT are both set and differ; ARTIFACTS_FS_ROOT wins (artifacts_fs_root='/x')"
    ]
    same = load_settings(env={**NO_DOTENV, "ARTIFACTS_FS_ROOT": "/x", "ADK_ARTIFACTS_ROOT": "/x"})
    assert same.warnings == []


def test_adk_memory_lives_beside_our_database_in_its_own_file():
    s = load_settings(env={**NO_DOTENV, "SPARKLE_DB_PATH": "/data/sparkle.db"})
    assert s.adk_memory_path == Path("/data/adk_memory.db")
    assert load_settings(env={**NO_DOTENV, "ADK_MEMORY_SQLITE": "/m.db"}).adk_memory_path == Path(
        "/m.db"
    )


def test_dotenv_fills_only_what_env_leaves_unset(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("SPARKLE_PLAN_MAX_SHOTS=7\nSPARKLE_PLAN_MAX_FRAMES=500\n")
    cfg = _file(tmp_path, "plan_max_frames: 100\nplan_max_dialogue_lines: 3\n")
    s = load_settings(
        env={"SPARKLE_DOTENV": str(dotenv), "SPARKLE_PLAN_MAX_SHOTS": "9"}, config_file=cfg
    )
    assert s.plan_max_shots == 9  # process env beats .env
    assert s.plan_max_frames == 500  # .env beats the file
    assert s.plan_max_dialogue_lines == 3  # file beats default
    assert s.source_of("plan_max_frames") == "dotenv:SPARKLE_PLAN_MAX_FRAMES"


def test_empty_env_value_counts_as_unset():
    assert load_settings(env={**NO_DOTENV, "SPARKLE_PLAN_MAX_SHOTS": ""}).plan_max_shots == 64


def test_list_and_bool_parsing():
    s = load_settings(
        env={
            **NO_DOTENV,
            "TTS_PROVIDER_ALLOWLIST": "piper, espeak,,",
            "SMOKE_TTS": "1",
            "ADK_USE_FIXTURE": "false",
        }
    )
    assert s.tts_provider_allowlist == ["piper", "espeak"]
    assert s.smoke_tts is True and s.adk_use_fixture is False


def test_bad_env_value_names_the_variable_and_rule():
    with pytest.raises(ConfigError) as info:
        load_settings(
            env={**NO_DOTENV, "SPARKLE_PLAN_MAX_SHOTS": "many", "ARTIFACTS_BACKEND": "s3"}
        )
    text = str(info.value)
    assert "SPARKLE_PLAN_MAX_SHOTS: must be an integer, got 'many'" in text
    assert "ARTIFACTS_BACKEND: must be one of 'filesystem' or 'adk', got 's3'" in text


def test_bad_cli_and_file_values_name_their_source(tmp_path):
    with pytest.raises(ConfigError, match=r"--plan-max-shots: must be >= 1, got 0"):
        load_settings({"plan_max_shots": 0}, env=NO_DOTENV)
    cfg = _file(tmp_path, "plan_max_frames: -1\n")
    with pytest.raises(ConfigError, match=r"plan_max_frames \(file:.*\): must be >= 1, got -1"):
        load_settings(env=NO_DOTENV, config_file=cfg)


def test_bad_files(tmp_path):
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(env=NO_DOTENV, config_file=_file(tmp_path, "plan_max_shotz: 3\n"))
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_settings(env=NO_DOTENV, config_file=_file(tmp_path, "- a\n- b\n"))
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_settings(env=NO_DOTENV, config_file=_file(tmp_path, "a: [\n"))
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(env=NO_DOTENV, config_file=tmp_path / "missing.yaml")


def test_secrets_do_not_leak_in_repr():
    s = load_settings(
        env={**NO_DOTENV, "GOOGLE_API_KEY": "sk-very-secret", "SPARKLE_API_TOKEN": "tok"}
    )
    assert s.google_api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in repr(s) and "tok'" not in repr(s)


def test_env_table_covers_every_setting_once():
    assert sorted(e.setting for e in ENV_TABLE) == sorted(Settings.model_fields)
    names = [n for e in ENV_TABLE for n in e.names] + list(META_ENV)
    assert len(names) == len(set(names))


SEED_ENV_VARS = {
    "ARTIFACTS_BACKEND",
    "ARTIFACTS_FS_ROOT",
    "ARTIFACTS_FS_INDEX",
    "ARTIFACTS_DIR",
    "ADK_ARTIFACTS_ROOT",
    "ADK_ARTIFACTS_GCS_BUCKET",
    "ADK_PROJECT",
    "ADK_MEMORY_SQLITE",
    "SPARKLE_DB_PATH",
    "SCRIPT_AGENT_MODEL",
    "SCRIPT_AGENT_SEED",
    "IMAGES_SDXL_MODEL",
    "IMAGES_SDXL_SEED",
    "VIDEOS_WAN_MODEL",
    "VIDEOS_WAN_SEED",
    "TTS_CHATTERBOX_MODEL",
    "TTS_CHATTERBOX_DEVICE",
    "TTS_PRIORITY_PROFILE",
    "TTS_PROVIDER_ALLOWLIST",
    "LIPSYNC_WAV2LIP_MODEL",
    "LIPSYNC_FACE_DET_PATH",
    "FFMPEG_PATH",
    "SMOKE_ADK",
    "SMOKE_TTS",
    "SMOKE_LIPSYNC",
    "SMOKE_ADAPTERS",
    "SMOKE_ASSEMBLE",
    "ADK_USE_FIXTURE",
    "GOOGLE_API_KEY",
    "SPARKLE_API_TOKEN",
}


def test_every_seed_env_var_is_honoured_and_documented():
    known = {n for e in ENV_TABLE for n in e.names}
    assert known >= SEED_ENV_VARS, SEED_ENV_VARS - known
    doc = (REPO / "docs" / "CONFIG.md").read_text()
    assert env_table_markdown() in doc, (
        "docs/CONFIG.md is stale: paste env_table_markdown() (make docs)"
    )
    for name in SEED_ENV_VARS:
        assert re.search(rf"`{name}`", doc), name


def test_process_env_alias_beats_dotenv_primary(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"ARTIFACTS_FS_ROOT=/from-dotenv\nSPARKLE_CONFIG={tmp_path / 's.yaml'}\n")
    (tmp_path / "s.yaml").write_text("plan_max_shots: 4\n")
    s = load_settings(env={"SPARKLE_DOTENV": str(dotenv), "ARTIFACTS_DIR": "/from-shell"})
    assert (
        s.artifacts_fs_root == Path("/from-shell")
        and s.source_of("artifacts_fs_root") == "env:ARTIFACTS_DIR"
    )
    assert s.plan_max_shots == 4  # SPARKLE_CONFIG from .env is honoured


def test_review_gates_from_the_environment():
    assert load_settings(
        env={"SPARKLE_DOTENV": "", "SPARKLE_REVIEW_GATES": "script, keyframes"}
    ).review_gates == [
        "script",
        "keyframes",
    ]
    assert (
        load_settings(env={"SPARKLE_DOTENV": "", "SPARKLE_REVIEW_GATES": "none"}).review_gates == []
    )
    with pytest.raises(
        ConfigError, match=r"SPARKLE_REVIEW_GATES: must be one of 'script' or 'keyframes'"
    ):
        load_settings(env={"SPARKLE_DOTENV": "", "SPARKLE_REVIEW_GATES": "storyboard"})


# --------------------------------------------------------------------------- state home


def test_default_home_is_the_xdg_data_dir():
    s = load_settings(env={**NO_DOTENV, "XDG_DATA_HOME": "/xdg/data", "HOME": "/home/ada"})
    assert s.home == Path("/xdg/data/sparkle-motion") and s.source_of("home") == "default"
    s = load_settings(env={**NO_DOTENV, "HOME": "/home/ada"})
    assert s.home == Path("/home/ada/.local/share/sparkle-motion")
    # XDG: a relative XDG_DATA_HOME is ignored
    s = load_settings(env={**NO_DOTENV, "XDG_DATA_HOME": "rel", "HOME": "/home/ada"})
    assert s.home == Path("/home/ada/.local/share/sparkle-motion")


def test_sparkle_home_wins(tmp_path):
    s = load_settings(env={**NO_DOTENV, "XDG_DATA_HOME": "/xdg", "SPARKLE_HOME": "/srv/sm"})
    assert s.home == Path("/srv/sm") and s.source_of("home") == "env:SPARKLE_HOME"
    cfg = _file(tmp_path, "home: /from/file\n")
    assert load_settings(env=NO_DOTENV, config_file=cfg).home == Path("/from/file")
    assert load_settings({"home": Path("/cli")}, env=NO_DOTENV).home == Path("/cli")


def test_relative_state_paths_resolve_under_home_absolute_ones_stay():
    env = {**NO_DOTENV, "SPARKLE_HOME": "/srv/sm"}
    s = load_settings(env=env)
    assert s.runs_dir == Path("/srv/sm/runs")
    assert s.artifacts_fs_root == Path("/srv/sm/artifacts_fs")
    assert s.db_path == Path("/srv/sm/artifacts/sparkle.db")
    assert s.artifacts_index_path == Path("/srv/sm/artifacts_fs/index.db")
    assert s.adk_memory_path == Path("/srv/sm/artifacts/adk_memory.db")
    s = load_settings(
        env={
            **env,
            "SPARKLE_RUNS_DIR": "my/runs",
            "ARTIFACTS_FS_INDEX": "idx.db",
            "ADK_MEMORY_SQLITE": "mem.db",
            "SPARKLE_DB_PATH": "/abs/s.db",
            "ARTIFACTS_FS_ROOT": "/abs/art",
        }
    )
    assert s.runs_dir == Path("/srv/sm/my/runs")
    assert s.artifacts_index_path == Path("/srv/sm/idx.db")
    assert s.adk_memory_path == Path("/srv/sm/mem.db")
    assert s.db_path == Path("/abs/s.db") and s.artifacts_fs_root == Path("/abs/art")
    # other relative paths keep their cwd meaning
    assert load_settings(env={**env, "FFMPEG_PATH": "bin/ffmpeg"}).ffmpeg_path == Path("bin/ffmpeg")


def test_relative_home_resolves_against_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings(env={**NO_DOTENV, "SPARKLE_HOME": "state"})
    assert s.home == tmp_path / "state" and s.runs_dir == tmp_path / "state" / "runs"


def test_two_working_directories_see_the_same_runs(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from sparkle_motion.cli import app
    from sparkle_motion.runs.table import Runs
    from sparkle_motion.storage import open_database

    env = {**NO_DOTENV, "SPARKLE_HOME": str(tmp_path / "home")}
    db = open_database(load_settings(env=env))
    try:
        Runs(db).create("shared-run", "plan-1")
    finally:
        db.close()
    assert db.path == tmp_path / "home" / "artifacts" / "sparkle.db"
    for cwd in (tmp_path / "a", tmp_path / "b"):
        cwd.mkdir()
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(app, ["runs", "list"], env=env)
        assert result.exit_code == 0, result.output
        assert "shared-run" in result.output
        assert not any(cwd.iterdir())  # nothing lands in the working directory


def test_fallbacks_are_kind_name_pairs_kept_in_order():
    from sparkle_motion.config import fallback_overrides
    from tests.conftest import make_settings

    given = make_settings(fallbacks=["lipsync=audio_mux", "images=a", "images=b", "images=a"])
    assert fallback_overrides(given) == {"lipsync": ["audio_mux"], "images": ["a", "b"]}
    with pytest.raises(ConfigError, match="fallbacks"):
        make_settings(fallbacks=["sound=ffmpeg"])
