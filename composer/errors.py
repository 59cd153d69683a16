"""User-facing errors.

Every mistake a user can make (a bad flag value, a missing file, a broken template) is raised as an
`InviteError` carrying its exit code (a `composer.exitcodes.ExitCode`). One handler in
`composer.cli` prints it as a single line on stderr, so no traceback ever reaches a user and no
module calls `sys.exit` itself.
"""

from __future__ import annotations

from pathlib import Path

from composer.exitcodes import ExitCode


class InviteError(Exception):
    """Base class: a message for the user and the exit code to leave with."""

    exit_code: int = ExitCode.USAGE

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(InviteError):
    """A flag, option or argument the user gave cannot be used."""


class InputError(InviteError):
    """A file or stream the user pointed at cannot be read or parsed."""


class TemplateError(InviteError):
    """A template file is broken; carries the path and line so editors can jump there."""

    def __init__(self, path: Path | str, message: str, *, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.detail = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


class SandboxError(TemplateError):
    """A template tried to reach Python internals or exhaust resources."""


class OutputError(InviteError):
    """stdout cannot take the product (closed, full, failing): the work was done but not delivered."""

    exit_code = ExitCode.OUTPUT


class MissingAnswersError(InviteError):
    """Required answers are missing and there is no terminal to ask for them."""
