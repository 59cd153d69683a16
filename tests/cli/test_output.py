"""Standard output closed or full: one line on stderr and exit 74 (ExitCode.OUTPUT), for every command."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

from tests.helpers import (
    ANSWERED,
    INVITE,
)

pytestmark = pytest.mark.slow  # every test here starts the installed `invite`

COMMANDS = [
    ["--version"],
    ["--help"],
    ["rules"],
    ["templates", "list"],
    ["draft", "-t", "event-brief", *ANSWERED],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
@pytest.mark.parametrize("redirect", ["closed", "full"])
def test_stdout_closed_or_full_is_one_line_and_non_zero(args, redirect, tmp_path):
    if redirect == "full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    shell = f"exec {shlex.quote(INVITE)} {' '.join(shlex.quote(a) for a in args)} " + (
        ">&-" if redirect == "closed" else "> /dev/full"
    )
    done = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 74, done.stderr  # ExitCode.OUTPUT: not the findings code
    assert done.stderr.splitlines()[-1].startswith("error: cannot write to stdout:"), done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
