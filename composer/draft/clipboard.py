"""Copying the note out: the system clipboard, else an OSC 52 escape, else say so plainly.

No third-party dependency: pyperclip would only run the same tools. The system tools are tried
in the order that fits the session (Wayland, X11, macOS, Windows/WSL); each gets the text in the
encoding it reads (`clip.exe` takes UTF-16 with a byte order mark: given UTF-8, it garbles accents
and emoji). When none works and the terminal is interactive, an OSC 52 escape asks the terminal
itself to set the clipboard (this also works over SSH in most terminals). Every outcome is reported;
none is silent.

Inside tmux, a plain OSC 52 sets tmux's buffer and the outer terminal's clipboard when tmux has
`set-clipboard on` (its default, `external`, ignores what programs send); the same escape wrapped in
tmux's DCS passthrough reaches the outer terminal only with `allow-passthrough on` (tmux 3.3 and
later), and tmux drops it silently otherwise. Both are sent, so either setting is enough, and the
message names both.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import TextIO

from composer.output import is_tty

#: GNU screen passes at most this many bytes of one DCS string through; longer sequences are sent in pieces.
SCREEN_CHUNK = 76

#: (tool, extra arguments, environment variable that must be set or None, encoding of its input)
SYSTEM_TOOLS: tuple[tuple[str, tuple[str, ...], str | None, str], ...] = (
    ("wl-copy", (), "WAYLAND_DISPLAY", "utf-8"),
    ("xclip", ("-selection", "clipboard"), "DISPLAY", "utf-8"),
    ("xsel", ("--clipboard", "--input"), "DISPLAY", "utf-8"),
    ("pbcopy", (), None, "utf-8"),
    ("clip.exe", (), None, "utf-16"),
)
#: What the tmux message asks for: either setting passes the copy on (see the module's docstring).
TMUX_SETTINGS = "`set -g set-clipboard on`, or `set -g allow-passthrough on`"
TOOL_TIMEOUT = 5.0


@dataclass(frozen=True)
class CopyResult:
    """How the copy went: `method` is the tool, "osc52", or None when nothing could take it.

    `certain` is False when the tool cannot know whether it worked (an OSC 52 escape gets no reply).
    """

    method: str | None
    message: str
    certain: bool = True

    @property
    def copied(self) -> bool:
        return self.method is not None


def multiplexer() -> str | None:
    """ "tmux" or "screen" when the session runs inside one (they must be asked to pass OSC 52 on)."""
    if os.environ.get("TMUX"):
        return "tmux"
    if os.environ.get("STY"):
        return "screen"
    return None


def osc52_sequence(text: str) -> str:
    """The escape that asks the terminal to put text on the clipboard; for tmux, also wrapped; for screen, wrapped."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    wrapper = multiplexer()
    if wrapper == "tmux":  # plain (set-clipboard on), then in a DCS passthrough with every ESC doubled (allow-passthrough on)
        return sequence + "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if wrapper == "screen":  # screen cuts long DCS strings: one passthrough per piece
        pieces = [sequence[i : i + SCREEN_CHUNK] for i in range(0, len(sequence), SCREEN_CHUNK)]
        return "".join(f"\x1bP{piece}\x1b\\" for piece in pieces)
    return sequence


def encoded_for(text: str, encoding: str) -> bytes:
    """The text as a tool reads it: UTF-8, or UTF-16 little-endian after its byte order mark (clip.exe)."""
    if encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


def copy_with_system_tool(text: str) -> tuple[str | None, list[str]]:
    """Try each available system tool; return (the tool that worked, the failures seen)."""
    failures: list[str] = []
    for tool, args, needs_env, encoding in SYSTEM_TOOLS:
        if needs_env and not os.environ.get(needs_env):
            continue
        path = shutil.which(tool)
        if path is None:
            continue
        try:
            # xclip/wl-copy leave a process behind that owns the selection: never capture its output.
            completed = subprocess.run(
                [path, *args],
                input=encoded_for(text, encoding),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=TOOL_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            failures.append(f"{tool}: {exc}")
            continue
        if completed.returncode == 0:
            return tool, failures
        failures.append(f"{tool} exited with {completed.returncode}")
    return None, failures


def copy(text: str, terminal: TextIO | None = None) -> CopyResult:
    """Put text on the clipboard by the best means available and say which was used."""
    terminal = terminal if terminal is not None else sys.stderr
    tool, failures = copy_with_system_tool(text)
    if tool is not None:
        return CopyResult(tool, f"copied to the clipboard with {tool}")
    tried = f" ({'; '.join(failures)})" if failures else ""
    if is_tty(terminal):
        terminal.write(osc52_sequence(text))
        terminal.flush()
        through = {
            "tmux": f" through tmux (it passes it on with {TMUX_SETTINGS} in tmux.conf)",
            "screen": " through screen",
        }.get(multiplexer() or "", "")
        return CopyResult(
            "osc52",
            f"no clipboard tool found{tried}; asked your terminal to copy the note (OSC 52){through}. "
            "Whether it did cannot be known from here: if pasting does not work, copy the note from the panel",
            certain=False,
        )
    return CopyResult(None, f"no clipboard found{tried}; copy the note by hand", certain=False)
