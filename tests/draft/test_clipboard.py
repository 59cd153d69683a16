"""Copying a note: OSC 52 inside tmux and screen, and what the tool can know about success."""

from __future__ import annotations

import io
import re

from composer.draft import clipboard


def test_osc52_is_wrapped_for_tmux_and_screen(monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    wrapped = clipboard.osc52_sequence("Hi")
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]52;c;") and wrapped.endswith("\x1b\\")
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
