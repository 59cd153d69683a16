"""One place decides what goes where, and makes every rich console.

stdout carries the product only (the note, the JSON, a table that is the answer); everything for
the person at the terminal (messages, warnings, panels, prompts, progress) goes to stderr. That is
what makes `invite draft > note.txt` and `invite lint --format json | jq` work.

Text that came from a file or a user (a note, a template's title, a path) is passed through
`visible` before it reaches a terminal, so escape sequences in it are shown, never obeyed.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO, cast

from composer.errors import OutputError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

#: Control characters a file or a pasted note may carry (terminal escapes, bidi overrides) are shown,
#: not obeyed: C0 and DEL as their Unicode control pictures (␛ for ESC), C1 and bidi controls as �.
_VISIBLE = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D)}
_VISIBLE |= {0x7F: 0x2421} | {code: 0xFFFD for code in [*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


#: Zero-width and other invisible format characters (Unicode Cf) are shown as � too, but for the zero-width
#: joiner inside emoji sequences.
_VISIBLE |= {code: 0xFFFD for code in [0x00AD, 0x061C, 0x180E, *range(0x200B, 0x200D), 0x200E, 0x200F, 0x2028, 0x2029]}
_VISIBLE |= {code: 0xFFFD for code in [*range(0x2060, 0x2065), 0xFEFF, *range(0xFFF9, 0xFFFC)]}
_SURROGATE = re.compile("[\ud800-\udfff]")


def unicode_safe(text: str) -> str:
    """Lone surrogates (a `\\ud800` in JSON, a non-UTF-8 byte in a command-line argument) become �.

    Such text cannot be written as UTF-8; replacing them where text enters keeps every later write
    from failing with UnicodeEncodeError, and the replacement shows where the bad character was.
    """
    return _SURROGATE.sub("\ufffd", text)


def visible(text: str) -> str:
    """Text safe to print on a terminal: escape sequences, bidi overrides and invisible characters become symbols."""
    return unicode_safe(text).translate(_VISIBLE)


def cell(text: str, style: str = "") -> Text:
    """Text from a file or a user as a rich renderable: terminal-safe (`visible`) and never parsed as markup.

    A rich table parses the strings it is given as markup, so a title or a note with `[/]` in it
    would raise and `[bold]` would restyle the line; a `Text` is shown as written.
    """
    from rich.text import Text

    return Text(visible(text), style=style)


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
    """Write the product to stdout, newline-terminated; on a terminal, control characters are shown, not obeyed."""
    text = unicode_safe(text)
    if is_tty(sys.stdout):
        text = visible(text)
    stdout().write(text if text.endswith("\n") else text + "\n")
    stdout().flush()


def info(text: str) -> None:
    """A message for the user on stderr (terminal-safe: it may quote a file, a template or a note)."""
    stream = sys.stderr
    if stream is None:  # stderr was closed: the messages have nowhere to go
        return
    try:
        stream.write(visible(text) + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass  # a message that cannot be shown must not hide the outcome (the exit code still says it)


def warn(text: str) -> None:
    """A warning on stderr, prefixed so it is easy to grep."""
    info(f"warning: {text}")


def error(text: str) -> None:
    """The single line an error prints before the process exits."""
    info(f"error: {text}")


class Stdout(io.TextIOBase):
    """sys.stdout as the product's channel: a failed write is an OutputError (one line, exit 1), not a traceback.

    A closed pipe stays a BrokenPipeError: the CLI ends quietly with 141, as `head` expects. A
    stdout closed before the process started (`invite ... >&-`) fails every write.
    """

    def _stream(self) -> TextIO:
        stream = sys.stdout
        if stream is None or getattr(stream, "invite_closed", False):
            raise OutputError("cannot write to stdout: it is closed")
        return stream

    def write(self, text: str) -> int:
        try:
            return self._stream().write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"cannot write to stdout: {exc.strerror or exc}") from None

    def flush(self) -> None:
        try:
            self._stream().flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"cannot write to stdout: {exc.strerror or exc}") from None

    def isatty(self) -> bool:
        return is_tty(sys.stdout)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(sys.stdout, "encoding", None) or "utf-8"


def stdout_works() -> bool:
    """Whether stdout takes a flush now (after an unexplained OSError: was it stdout's?)."""
    try:
        Stdout().flush()
    except (OSError, OutputError, ValueError):
        return False
    return True


def stdout() -> Stdout:
    """The product's channel (see `Stdout`)."""
    return Stdout()


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
    product = cast(TextIO, Stdout())
    report = Console(file=product, highlight=False, emoji=False, width=None if is_tty(sys.stdout) else 200)
    report.on_broken_pipe = _reader_went_away  # type: ignore[method-assign]
    return report


def _reader_went_away() -> None:
    """rich would exit 1 on a closed pipe (`| head -1`); the CLI's handler ends it quietly with 141 instead."""
    raise BrokenPipeError


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
