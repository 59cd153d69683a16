"""No lost work: atomic writes only, Ctrl-C exits 130 without a traceback, a closed pipe is quiet.

The signal tests run the installed `invite` in a subprocess, in its own process group, and signal the
whole group as a terminal's Ctrl-C does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import (
    INVITE,
)

pytestmark = pytest.mark.slow  # every test here starts the installed `invite`

NOTE = "Hi {n}, great meeting you at PyCon US {n}; your talk on packaging wheels was the clearest I have heard."

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and pipes")


@pytest.fixture
def big_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "big.jsonl"
    # Enough that a lint never finishes between its first result and the signal, however fast the machine
    lines = (json.dumps({"id": n, "text": NOTE.format(n=n)}) for n in range(12_000))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- every write is atomic


# ----------------------------------------------------------------------------- Ctrl-C


#: Set for the start-up test: Python then reports each import on stderr as it finishes.
IMPORT_TIMES = "PYTHONPROFILEIMPORTTIME"


def _interrupt(
    args: list[str], *, after: float | None = None, cwd: Path, signum: int = signal.SIGINT
) -> subprocess.CompletedProcess[str]:
    """Start invite, wait for a point it has certainly reached, then Ctrl-C (or `signum`) its process group.

    With `after=None` that point is the first result on stdout (linting has started). Otherwise it is
    the moment `composer.__main__.main` runs (the first import reported after `composer.__main__`'s
    own comes from inside it), plus `after` seconds. Before that point the console script that pip
    generated is still importing `re` and `sys`: no code of ours runs yet, and Python itself answers
    a Ctrl-C there, so a fixed delay from the start tested the machine's load, not the program.
    """
    env = {**os.environ, "NO_COLOR": "1", **({IMPORT_TIMES: "1"} if after is not None else {})}
    process = subprocess.Popen(
        [INVITE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, env=env, start_new_session=True
    )
    stderr_lines: list[str] = []
    in_main = threading.Event()

    def read_stderr() -> None:
        seen_main = False
        for line in process.stderr:
            stderr_lines.append(line)
            if seen_main:
                in_main.set()
            seen_main = seen_main or line.rstrip().endswith("| composer.__main__")

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        if after is None:
            first = process.stdout.readline()  # linting has started once a result is out
            assert first.startswith("{"), first
        else:
            assert in_main.wait(timeout=60), "".join(stderr_lines)
            time.sleep(after)
        os.killpg(process.pid, signum)
        stdout = process.stdout.read()
        process.wait(timeout=60)
        reader.join(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    stderr = "".join(line for line in stderr_lines if not line.startswith("import time:"))
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@posix_only
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_during_a_batch_lint_exits_130_without_a_traceback(big_jsonl, jobs):
    """With --jobs 2 the workers get the Ctrl-C too: they must not print tracebacks, nor the parent hang."""
    done = _interrupt(["lint", "--format", "json", "--jobs", jobs, "--jsonl", str(big_jsonl)], cwd=big_jsonl.parent)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr
    assert done.stderr in ("", "interrupted\n"), done.stderr


@posix_only
@pytest.mark.parametrize("after", [0.0, 0.3, 1.0])
def test_ctrl_c_at_any_moment_of_start_up_exits_130(big_jsonl, after):
    """As soon as our code runs (importing typer), while parsing and loading spaCy, or while linting:
    always 130, never a traceback. (3,000 notes take far longer than a second to lint.)"""
    done = _interrupt(["lint", "--jsonl", str(big_jsonl)], after=after, cwd=big_jsonl.parent)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr


@posix_only
@pytest.mark.parametrize("after", [0.0, 1.0])
def test_sigterm_at_start_up_or_while_linting_is_handled_as_ctrl_c(big_jsonl, after):
    """`kill PID`, `timeout`, a cancelled CI step: one line, 143 (128 + SIGTERM), never a traceback."""
    done = _interrupt(["lint", "--jsonl", str(big_jsonl)], after=after, cwd=big_jsonl.parent, signum=signal.SIGTERM)
    assert done.returncode == 143, done.stderr
    assert done.stderr == "terminated\n", done.stderr


# ----------------------------------------------------------------------------- a closed pipe


@posix_only
@pytest.mark.parametrize(("fmt", "jobs"), [("json", "1"), ("text", "1"), ("json", "2"), ("text", "2")])
def test_a_reader_that_stops_early_gets_a_quiet_exit(big_jsonl, fmt, jobs):
    """`invite lint --format json big.jsonl | head -1`: one line out, nothing on stderr, exit 141 (SIGPIPE's)."""
    script = (
        f'"{INVITE}" lint --format {fmt} --jobs {jobs} --jsonl big.jsonl 2>err.txt | head -1; echo "${{PIPESTATUS[0]}}" > rc.txt'
    )
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=big_jsonl.parent,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 1
    stderr = (big_jsonl.parent / "err.txt").read_text(encoding="utf-8")
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr and "Exception ignored" not in stderr
    assert stderr == ""
    rc = int((big_jsonl.parent / "rc.txt").read_text(encoding="utf-8"))
    if fmt == "json":
        json.loads(done.stdout)
    assert rc == 141


@posix_only
def test_help_into_a_closed_pipe_is_quiet():
    done = subprocess.run(
        ["bash", "-c", f'"{INVITE}" lint --help | head -1 > /dev/null'], capture_output=True, text=True, timeout=60
    )
    assert done.stderr == ""
