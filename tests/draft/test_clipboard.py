"""Copying a note: OSC 52 inside tmux and screen, and what the tool can know about success."""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

import pytest

from composer.draft import clipboard
from tests.helpers import REPO


def test_osc52_inside_tmux_is_sent_plain_and_wrapped(monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    sequence = clipboard.osc52_sequence("Hi")
    plain = "\x1b]52;c;SGk=\x07"
    assert sequence.startswith(plain)  # what tmux takes with `set-clipboard on`
    wrapped = sequence[len(plain) :]
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]52;c;") and wrapped.endswith("\x1b\\")  # with `allow-passthrough on`
    monkeypatch.delenv("TMUX")
    monkeypatch.setenv("STY", "1234.pts-0.host")
    long = clipboard.osc52_sequence("x" * 300)
    pieces = re.findall(r"\x1bP(.*?)\x1b\\", long, flags=re.S)
    assert len(pieces) > 1 and all(len(piece) <= clipboard.SCREEN_CHUNK for piece in pieces)
    assert "".join(pieces).startswith("\x1b]52;c;")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_copy_inside_tmux_says_success_cannot_be_known(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    result = clipboard.copy("Hi Ana", FakeTerminal())
    assert result.method == "osc52" and not result.certain
    assert "through tmux" in result.message and "cannot be known" in result.message
    assert "`set -g set-clipboard on`, or `set -g allow-passthrough on`" in result.message


def test_clip_exe_gets_utf16_with_a_byte_order_mark(tmp_path, monkeypatch):
    """WSL's clip.exe reads UTF-16 (with a BOM); given UTF-8 it garbles accents and emoji."""
    received = tmp_path / "received"
    tool = tmp_path / "bin" / "clip.exe"
    tool.parent.mkdir()
    tool.write_text(f"#!/bin/sh\nexec /bin/cat > {received}\n", encoding="utf-8")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tool.parent))
    result = clipboard.copy("Hi Zoë, café 👋", FakeTerminal())
    assert result.method == "clip.exe" and result.certain
    assert received.read_bytes() == b"\xff\xfe" + "Hi Zoë, café 👋".encode("utf-16-le")
    assert received.read_bytes().decode("utf-16") == "Hi Zoë, café 👋"


@pytest.mark.slow  # a real tmux server (about 2 s)
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("setting", ["set-clipboard on", "set-clipboard external"])
def test_a_real_tmux_takes_the_copy_exactly_when_the_message_says(tmp_path, setting):
    """Inside tmux with `set-clipboard on` the note lands in tmux's buffer (and goes on to the outer
    terminal); with tmux's default (`external`) and no `allow-passthrough`, nothing does."""
    conf = tmp_path / "tmux.conf"
    conf.write_text(f"set -g {setting}\n", encoding="utf-8")
    socket = tmp_path / "tmux.sock"
    done = tmp_path / "done"
    script = (
        "import sys, pathlib; from composer.draft import clipboard; "
        "r = clipboard.copy('Hi Ana, café 👋', sys.stderr); "
        f"pathlib.Path({str(done)!r}).write_text(r.method + chr(10) + r.message)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}; sleep 5"
    tmux = ["tmux", "-S", str(socket), "-f", str(conf)]
    subprocess.run([*tmux, "new-session", "-d", "-x", "100", "-y", "10", command], env=env, check=True, timeout=10)
    try:
        deadline = time.monotonic() + 10
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # tmux parses the pane's output after the write
        method, message = done.read_text(encoding="utf-8").split("\n", 1)
        buffer = subprocess.run([*tmux, "show-buffer"], capture_output=True, text=True, timeout=10)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=10)
    assert method == "osc52" and "set-clipboard on" in message
    if setting == "set-clipboard on":
        assert buffer.returncode == 0 and buffer.stdout == "Hi Ana, café 👋"
    else:
        assert buffer.returncode != 0  # no buffer: tmux ignored it, as the message warns
