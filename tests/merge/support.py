"""What the merge tests that stop a merge midway share: reading its output, waiting on it, stopping it."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from composer import fileio


def output_rows(text: str) -> int:
    return len(list(csv.DictReader(io.StringIO(text))))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def wait_for(condition, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and process.poll() is None:
        assert time.monotonic() < deadline, "the merge never got there"
        time.sleep(0.002)


def signal_once_staged(process: subprocess.Popen, folder: Path, signum: int, delay: float) -> str:
    """Send `signum` `delay` seconds after the merge's temporary output file appears in `folder`; its stderr."""
    wait_for(lambda: leftovers(folder) != [], process)
    time.sleep(delay)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    return str(stderr)


def signal_once_published(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C sent to this process right after the output file is put in place (held: the commit still happens)."""
    original = fileio._link_new

    def publish_then_signal(tmp: Path, path: Path) -> None:
        original(tmp, path)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(fileio, "_link_new", publish_then_signal)
