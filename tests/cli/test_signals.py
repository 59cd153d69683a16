"""No lost work: atomic writes only, Ctrl-C exits 130 without a traceback, a closed pipe is quiet.

The signal tests run the installed `invite` in a subprocess, in its own process group, and signal the
whole group as a terminal's Ctrl-C does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
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
    lines = (json.dumps({"id": n, "text": NOTE.format(n=n)}) for n in range(3000))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- every write is atomic


# ----------------------------------------------------------------------------- Ctrl-C


def _interrupt(args: list[str], *, after: float | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Start invite, wait `after` seconds (or for its first line of output), then Ctrl-C its process group."""
    process = subprocess.Popen(
        [INVITE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        start_new_session=True,
    )
    try:
        if after is None:
            first = process.stdout.readline()  # linting has started once a result is out
            assert first.startswith("{"), first
        else:
            time.sleep(after)
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
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
@pytest.mark.parametrize("after", [0.05, 0.3, 1.0])
def test_ctrl_c_at_any_moment_of_start_up_exits_130(big_jsonl, after):
    """Early (importing typer), while parsing and loading spaCy, or while linting: always 130, never a traceback."""
    done = _interrupt(["lint", "--jsonl", str(big_jsonl)], after=after, cwd=big_jsonl.parent)
    if done.returncode in (0, 1):
        pytest.skip("finished before the signal arrived")
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr


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
    else:
        assert rc in (0, 1, 141)  # rich may finish writing into its buffer first; quiet is what matters


@posix_only
def test_help_into_a_closed_pipe_is_quiet():
    done = subprocess.run(
        ["bash", "-c", f'"{INVITE}" lint --help | head -1 > /dev/null'], capture_output=True, text=True, timeout=60
    )
    assert done.stderr == ""
