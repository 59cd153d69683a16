"""One place decides what goes where.

stdout carries the product only (the note, the JSON); everything for the person at the terminal
(messages, warnings, panels, prompts) goes to stderr. That is what makes
`invite draft > note.txt` and `invite lint --format json | jq` work.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


def is_tty(stream: TextIO | None) -> bool:
    """Whether a stream is a terminal; closed, replaced or missing streams are not."""
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


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


@cache
def console() -> Console:
    """A rich console on stderr; it honours NO_COLOR and drops colour when not a terminal."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


@cache
def stdout_console() -> Console:
    """A rich console on stdout, for tables that are the product (e.g. `templates list`)."""
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)
