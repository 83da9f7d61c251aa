"""run_command: captured output, typed failures naming the command, timeouts that take the
whole process group down."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from sparkle_motion.errors import CommandError, MissingDependencyError, StageTimeoutError
from sparkle_motion.subprocesses import run_command

PY = sys.executable


@pytest.fixture
def restore_tokens():
    """cancel_all reaches every token in the process: put each back as it was."""
    from sparkle_motion import subprocesses

    before = {token: token.cancelled for token in list(subprocesses._TOKENS)}
    yield
    for token, was in before.items():
        if not was:
            token.reset()


def test_output_is_captured():
    result = run_command([PY, "-c", "import sys; print('out'); print('err', file=sys.stderr)"])
    assert (
        result.stdout.strip() == "out" and result.stderr.strip() == "err" and result.returncode == 0
    )
    assert "python" in result.log()["command"]


def test_a_non_zero_exit_is_a_command_error_with_stderr_and_command():
    with pytest.raises(CommandError) as info:
        run_command(
            [PY, "-c", "import sys; sys.stderr.write('No space left on device'); sys.exit(3)"],
            step_id="s1",
        )
    assert "exited with status 3" in str(info.value) and "No space left on device" in str(
        info.value
    )
    assert info.value.context["command"][0] == PY and info.value.step_id == "s1"


def test_a_killed_child_says_so():
    with pytest.raises(CommandError, match="killed by SIGKILL"):
        run_command([PY, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"])


def test_a_missing_binary_is_a_missing_dependency():
    with pytest.raises(MissingDependencyError, match="not installed"):
        run_command(["sparkle-no-such-binary-xyz"])


def test_timeout_kills_the_whole_process_group(tmp_path):
    marker = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time;"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f"open({str(marker)!r}, 'w').write(str(p.pid));"
        "time.sleep(60)"
    )
    started = time.monotonic()
    with pytest.raises(StageTimeoutError) as info:
        run_command([PY, "-c", script], timeout_s=1.0, retries=1)
    assert info.value.context["attempts"] == 2 and time.monotonic() - started < 20
    grandchild = int(marker.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the grandchild outlived the timeout")


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        run_command([])
    with pytest.raises(ValueError):
        run_command([PY], timeout_s=0)


def test_cancel_all_kills_running_commands_and_refuses_new_ones(restore_tokens):
    import threading

    from sparkle_motion.subprocesses import cancel_all, cancelled, reset_cancel

    caught = []

    def worker():
        try:
            run_command([PY, "-c", "import time; time.sleep(60)"], timeout_s=120)
        except KeyboardInterrupt as exc:
            caught.append(exc)

    thread = threading.Thread(target=worker)
    started = time.monotonic()
    thread.start()
    time.sleep(0.5)
    try:
        cancel_all()
        thread.join(10)
        assert caught and time.monotonic() - started < 5 and cancelled()
        with pytest.raises(KeyboardInterrupt, match="cancelled before running"):
            run_command([PY, "-c", "pass"])
    finally:
        reset_cancel()
    assert run_command([PY, "-c", "pass"]).returncode == 0


def test_a_missing_working_folder_is_named(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run_command([PY, "-c", "pass"], cwd=tmp_path / "gone")


def test_a_token_cancels_only_its_own_commands():
    import threading

    from sparkle_motion.subprocesses import CancelToken

    stopped, other = CancelToken("stopped"), CancelToken("other")
    outcome: dict[str, object] = {}

    def worker(name, token, seconds):
        try:
            outcome[name] = run_command(
                [PY, "-c", f"import time; time.sleep({seconds}); print('done')"],
                timeout_s=60,
                cancel=token,
            )
        except KeyboardInterrupt as exc:
            outcome[name] = exc

    threads = [
        threading.Thread(target=worker, args=("stopped", stopped, 30)),
        threading.Thread(target=worker, args=("other", other, 1.5)),
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while not stopped.running and time.monotonic() < deadline:
        time.sleep(0.02)
    stopped.cancel()
    for t in threads:
        t.join(20)
    assert isinstance(outcome["stopped"], KeyboardInterrupt)
    assert outcome["other"].returncode == 0 and outcome["other"].stdout.strip() == "done"
    assert time.monotonic() - started < 10
    assert stopped.cancelled and not other.cancelled
    with pytest.raises(KeyboardInterrupt, match="cancelled before running"):
        run_command([PY, "-c", "pass"], cancel=stopped)
    assert run_command([PY, "-c", "pass"], cancel=other).returncode == 0
    assert run_command([PY, "-c", "pass"]).returncode == 0  # the default token is untouched
    stopped.reset()
    assert run_command([PY, "-c", "pass"], cancel=stopped).returncode == 0


def test_run_tokens_are_per_run_and_cancel_all_reaches_every_one(restore_tokens):
    from sparkle_motion.subprocesses import (
        cancel_all,
        cancel_run,
        cancelled,
        forget_run,
        reset_cancel,
        run_token,
    )

    a, b = run_token("test-run-a"), run_token("test-run-b")
    try:
        assert run_token("test-run-a") is a and a is not b
        cancel_run("test-run-a")
        assert cancelled("test-run-a") and not cancelled("test-run-b") and not cancelled()
        reset_cancel("test-run-a")
        assert not a.cancelled
        cancel_all()
        assert a.cancelled and b.cancelled and cancelled()
        reset_cancel("test-run-a")
        assert not a.cancelled and b.cancelled and cancelled()  # each is reset on its own
    finally:
        reset_cancel()
        forget_run("test-run-a")
        forget_run("test-run-b")
    assert run_token("test-run-a") is not a and not cancelled("test-run-b")
    forget_run("test-run-a")


# A failing command's message: what failed, never the whole argv (an assemble command is
# 5 KB of filter graph); the full command stays in the error's context and, with a
# log_dir, in a log file the message names.
LONG_ARG = "x" * 5000
FAILING = "import sys; sys.stderr.write('noise\\n\\nframe=  10 fps=1\\r' + 'y' * 4000 + '\\nlast words\\n'); sys.exit(4)"


def _head(message: str) -> str:
    """The message without its stderr tail (indented lines after the first)."""
    return message.split("\n", 1)[0]


def test_a_long_failing_command_gives_a_short_message_with_its_stderr_tail():
    with pytest.raises(CommandError) as info:
        run_command([PY, "-c", FAILING, LONG_ARG], step_id="assemble.film")
    message = str(info.value)
    head = _head(message)
    assert len(head) <= 300, head
    assert head.startswith("assemble.film: ") and Path(PY).name in head
    assert "exited with status 4" in head and "args" in head
    assert LONG_ARG not in message and len(message) < 1200, len(message)
    tail = message.splitlines()[1:]
    assert tail and tail[-1].strip() == "last words" and all(len(t) <= 210 for t in tail)
    assert not any("frame=" in t for t in tail)  # ffmpeg's progress lines are not "meaningful"
    assert info.value.context["command"][-1] == LONG_ARG  # the full argv is kept
    assert (
        "y" * 4000 in info.value.context["stderr_tail"]
        or len(info.value.context["stderr_tail"]) >= 2000
    )


def test_a_failing_command_with_a_log_dir_writes_the_full_command_and_names_the_log(tmp_path):
    logs = tmp_path / "logs"
    with pytest.raises(CommandError) as info:
        run_command([PY, "-c", FAILING, LONG_ARG], step_id="assemble.film", log_dir=logs)
    (log,) = logs.iterdir()
    assert log.name.startswith("assemble.film-") and log.suffix == ".log"
    text = log.read_text()
    assert LONG_ARG in text and "y" * 4000 in text and "last words" in text
    assert str(log) in str(info.value) and info.value.context["log"] == str(log)
    assert len(_head(str(info.value))) <= 300 + len(str(log))


def test_a_log_that_cannot_be_written_does_not_hide_the_failure(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match="exited with status 4") as info:
        run_command([PY, "-c", FAILING], log_dir=blocker / "logs")
    assert "log not written" in str(info.value)


def test_a_timeout_and_a_missing_binary_do_not_print_the_whole_command():
    with pytest.raises(StageTimeoutError) as info:
        run_command([PY, "-c", "import time; time.sleep(30)", LONG_ARG], timeout_s=0.5)
    assert LONG_ARG not in str(info.value) and len(str(info.value)) <= 300
    assert "timed out after 0.5 s" in str(info.value)
    with pytest.raises(MissingDependencyError) as missing:
        run_command(["sparkle-no-such-binary-xyz", LONG_ARG])
    assert LONG_ARG not in str(missing.value) and len(str(missing.value)) <= 300


def test_a_short_command_is_shown_whole():
    with pytest.raises(CommandError) as info:
        run_command([PY, "-c", "import sys; sys.exit(2)"])
    assert "sys.exit(2)" in str(info.value)


def test_a_killed_caller_leaves_no_command_running(tmp_path):
    """SIGKILL cannot be caught: the command dies with its caller (the parent-death
    signal), instead of rendering on as an orphan."""
    import shutil
    import signal
    import subprocess
    import sys
    import time

    if shutil.which("setpriv") is None:
        pytest.skip("needs util-linux's setpriv (Linux)")
    marker = tmp_path / "pid"
    code = (
        "import sys, threading\n"
        "from sparkle_motion.subprocesses import run_command\n"
        "run_command(['sh', '-c', 'echo $$ > \"$0\"; exec sleep 60', sys.argv[1]])\n"
    )
    caller = subprocess.Popen([sys.executable, "-c", code, str(marker)])
    deadline = time.monotonic() + 30
    while not (marker.exists() and marker.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(marker.read_text())
    caller.send_signal(signal.SIGKILL)
    caller.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
