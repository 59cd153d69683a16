"""One place decides what goes where, and makes every rich console.

stdout carries the product only (the note, the JSON, a table that is the answer); everything for
the person at the terminal (messages, warnings, panels, prompts, progress) goes to stderr. That is
what makes `invite draft > note.txt` and `invite lint --format json | jq` work.

Text that came from a file or a user (a note, a template's title, a path) is passed through
`visible` before it reaches a terminal, so escape sequences in it are shown, never obeyed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

#: Control characters a file or a pasted note may carry (terminal escapes, bidi overrides) are shown,
#: not obeyed: C0 and DEL as their Unicode control pictures (␛ for ESC), C1 and bidi controls as �.
_VISIBLE = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)}
_VISIBLE |= {0x7F: 0x2421} | {code: 0xFFFD for code in [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def visible(text: str) -> str:
    """Text safe to print on a terminal: escape sequences and bidi overrides become visible symbols."""
    return text.translate(_VISIBLE)


def is_tty(stream: TextIO | None) -> bool:
    """Whether a stream is a terminal; closed, replaced or missing streams are not."""
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


def is_terminal() -> bool:
    """Whether a person is there to answer prompts: stdin to read keys and stderr to draw on (stdout may be redirected)."""
    return is_tty(sys.stdin) and is_tty(sys.stderr)


def out(text: str) -> None:
    """Write the product to stdout, newline-terminated."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def info(text: str) -> None:
    """A message for the user on stderr."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def warn(text: str) -> None:
    """A warning on stderr, prefixed so it is easy to grep."""
    info(f"warning: {text}")


def error(text: str) -> None:
    """The single line an error prints before the process exits."""
    info(f"error: {text}")


def console(*, stdout: bool = False) -> Console:
    """A rich console on stderr (messages, panels) or stdout (tables and reports that are the product).

    Colour only on a terminal and never with NO_COLOR (rich's own rules); no emoji codes or
    highlighting applied to what users wrote. Off a terminal, stdout is 200 columns wide, so a table
    piped to a file is not cut at 80. Made afresh on each call: rich decides colour when a console is
    made, and the streams may have been replaced since (tests, redirections).
    """
    from rich.console import Console

    if not stdout:
        return Console(stderr=True, highlight=False, emoji=False)
    return Console(file=sys.stdout, highlight=False, emoji=False, width=None if is_tty(sys.stdout) else 200)


@contextmanager
def progress(total: int | None, description: str) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr, only when stderr is a terminal; yields the function that advances it by one.

    Off a terminal (a pipe, a log file, a test) there is no bar at all, so nothing but messages
    ever reaches a redirected stderr, and stdout is never touched.
    """
    if not is_tty(sys.stderr):
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console(), transient=True) as bar:
        task = bar.add_task(description, total=total or None)
        yield lambda: bar.advance(task)
